"""A complaint's life: status history, disposition trail, follow-ups, replies.

Given when a complaint was written and the status it is in now (`timing.draw_start`),
its history is planned as steps with drawn delays (who acts, after how long) along a
path that ends in that status (docs/domain.md §1.3), then placed on the calendar: agency
actions move into office hours (Mon-Fri 08:00-16:00 WIB), reporter and system actions
do not.
"""

from __future__ import annotations

import math
from bisect import bisect
from collections.abc import Callable
from datetime import UTC, datetime
from itertools import accumulate
from typing import Any, NamedTuple

from gateway.demo import responses
from gateway.demo.agencies import agency_index, unit_key
from gateway.demo.attachments import follow_up_attachments
from gateway.demo.rng import DemoRandom
from gateway.demo.routing import Route
from gateway.demo.timing import (
    DAY,
    HOUR,
    OFFICE_SPREAD,
    WIB_OFFSET,
    delay_days,
    delay_hours,
    office_time,
)
from schema.canonical import (
    Channel,
    Disposition,
    DispositionKind,
    FollowUp,
    Rating,
    ReporterReply,
    Status,
    StatusEvent,
)

# Step modes: how a step's time is found from the previous one.
_SAME, _FREE, _OFFICE = 0, 1, 2
_EPOCH = datetime.fromtimestamp(0, UTC)

# Cumulative weights (percent) of rating scores 1..5: a reporter who confirmed the
# answer, one who confirmed only after re-opening, and one whose case was closed for
# them.
_SCORES_SATISFIED = tuple(accumulate((2, 3, 10, 35, 50)))
_SCORES_RELUCTANT = tuple(accumulate((5, 10, 25, 35, 25)))
_SCORES_CLOSED = tuple(accumulate((20, 25, 30, 15, 10)))

_SHORT_NAMES: dict[str, str] = {}
_NOTES: dict[tuple[str, bool], tuple[str, str | None]] = {}
_TEMPLATES: dict[str, tuple[str, ...]] = {}


def _short_name(agency_id: str) -> str:
    """An agency's short name (its name if it has none), cached."""
    short = _SHORT_NAMES.get(agency_id)
    if short is None:
        agency = agency_index()[agency_id]
        short = _SHORT_NAMES[agency_id] = agency.short_name or agency.name
    return short


def _full_name(agency_id: str) -> str:
    return agency_index()[agency_id].name


def _disposition_notes(handler_id: str, again: bool) -> tuple[str, str | None]:
    """The status note and the hop note of a (re-)disposition to a unit, cached."""
    notes = _NOTES.get((handler_id, again))
    if notes is None:
        short = _short_name(handler_id)
        if again:
            notes = (
                f"Dibuka kembali atas tanggapan pelapor; didisposisikan ulang kepada {short}.",
                "Disposisi ulang setelah tanggapan pelapor.",
            )
        else:
            notes = (f"Didisposisikan kepada {short}.", None)
        _NOTES[(handler_id, again)] = notes
    return notes


def _follow_up_templates(agency_id: str) -> tuple[str, ...]:
    """The follow-up texts an agency writes, cached per agency."""
    found = _TEMPLATES.get(agency_id)
    if found is None:
        found = responses.follow_up_templates(agency_id, unit_key(agency_id))
        _TEMPLATES[agency_id] = found
    return found


class History(NamedTuple):
    """Everything that happened to a complaint, in time order."""

    events: tuple[StatusEvent, ...]
    dispositions: tuple[Disposition, ...]
    follow_ups: tuple[FollowUp, ...]
    replies: tuple[ReporterReply, ...]
    rating: Rating | None
    routed_agency_id: str | None
    verified: bool  # went through TERVERIFIKASI
    delegated: bool  # went through DILIMPAHKAN


class _Planner:
    """Collects the steps of one complaint's history before they get times."""

    def __init__(
        self,
        rng: DemoRandom,
        route: Route,
        slots: dict[str, str],
        draw_receiver: Callable[[], tuple[Route, str]],
        answers: tuple[str, ...] | None = None,
    ) -> None:
        self.rng = rng
        self.route = route
        self.slots = slots
        self.answers = answers
        self.draw_receiver = draw_receiver
        self.steps: list[tuple[int, float, float, tuple[Any, ...]]] = []
        self.routed: str | None = None
        self.reopened = False
        self.delegated = False
        self.verified = False
        self.last_answer: str | None = None

    # -- plumbing ---------------------------------------------------------------

    def _step(self, mode: int, delay: float, record: tuple[Any, ...]) -> None:
        jitter = self.rng.random() * OFFICE_SPREAD if mode == _OFFICE else 0.0
        self.steps.append((mode, delay, jitter, record))

    def _event(
        self,
        mode: int,
        delay: float,
        status: Status,
        actor: str | None,
        note: str | None,
    ) -> None:
        jitter = self.rng.random() * OFFICE_SPREAD if mode == _OFFICE else 0.0
        self.steps.append((mode, delay, jitter, ("E", status, actor, note)))

    # -- building blocks ----------------------------------------------------------

    def submit(self) -> None:
        self._event(_SAME, 0.0, Status.SUBMITTED, None, None)

    def intake(self, channel: Channel) -> None:
        rng = self.rng
        if channel in (Channel.WEB, Channel.MOBILE_APP):
            delay = rng.uniform(60, 900)
        elif channel is Channel.REGENCY_SYSTEM:
            delay = rng.uniform(0.2, 24) * HOUR
        else:  # transcribed by an operator first
            delay = rng.uniform(600, 8 * HOUR)
        self._event(_FREE, delay, Status.BELUM_TERVERIFIKASI, None, None)

    def tunda(self) -> None:
        note = self.rng.choice(responses.TUNDA_NOTES)
        delay = delay_hours(self.rng, 20, 0.9, 10 * 24)
        self._event(_OFFICE, delay, Status.TUNDA, self.route.verifier_id, note)

    def clarify(self) -> None:
        text = self.rng.choice(responses.CLARIFICATIONS).format_map(self.slots)
        self._step(_FREE, delay_days(self.rng, 0.3, 7), ("R", text))
        delay = self.rng.uniform(60, 1200)
        note = "Pelapor telah melengkapi laporan."
        self._event(_FREE, delay, Status.BELUM_TERVERIFIKASI, None, note)

    def archive(self, *, after_tunda: bool) -> None:
        if after_tunda:
            delay, note = delay_days(self.rng, 10, 14), responses.ARCHIVE_AFTER_TUNDA
        else:
            delay = delay_hours(self.rng, 20, 0.9, 15 * 24)
            note = self.rng.choice(responses.ARCHIVE_NOTES)
        self._event(_OFFICE, delay, Status.ARSIP, self.route.verifier_id, note)

    def verify(self) -> None:
        self.verified = True
        delay = delay_hours(self.rng, 20, 0.9, 20 * 24)
        self._event(_OFFICE, delay, Status.TERVERIFIKASI, self.route.verifier_id, None)

    def dispose(self, *, again: bool = False) -> None:
        route = self.route
        note, hop_note = _disposition_notes(route.handler_id, again)
        if again:
            delay = delay_hours(self.rng, 5, 1.0, 5 * 24)
        else:
            delay = delay_hours(self.rng, 2, 1.2, 5 * 24)
        self._event(_OFFICE, delay, Status.DIDISPOSISIKAN, route.verifier_id, note)
        self.steps.append(
            (
                _SAME,
                0.0,
                0.0,
                (
                    "D",
                    DispositionKind.DISPOSISI,
                    route.handler_id,
                    route.verifier_id,
                    hop_note,
                ),
            )
        )
        self.routed = route.handler_id

    def delegate(self) -> None:
        """Bukan wewenang: hand the case to another instansi, which takes it in."""
        receiver, reason = self.draw_receiver()
        source = self.route.verifier_id
        target = agency_index()[receiver.verifier_id]
        note = f"Bukan wewenang: {reason}. Dilimpahkan kepada {target.name}."
        delay = delay_hours(self.rng, 48, 0.8, 20 * 24)
        self._event(_OFFICE, delay, Status.DILIMPAHKAN, source, note)
        self._step(_SAME, 0.0, ("D", DispositionKind.PELIMPAHAN, target.id, source, note))
        self.route = receiver
        self.routed = target.id
        self.delegated = True

    def receive(self, from_id: str) -> None:
        note = f"Diterima dari pelimpahan {_short_name(from_id)}."
        delay = self.rng.uniform(300, 5400)
        self._event(_FREE, delay, Status.BELUM_TERVERIFIKASI, self.route.verifier_id, note)

    def delegate_and_redispose(self) -> None:
        source = self.route.verifier_id
        self.delegate()
        self.receive(source)
        self.verify()
        self.dispose()

    def follow_up(self) -> None:
        rng, handler = self.rng, self.route.handler_id
        templates = self.answers or _follow_up_templates(handler)
        template = rng.choice(templates)
        if template is self.last_answer and len(templates) > 1:  # answer anew
            template = templates[(templates.index(template) + 1) % len(templates)]
        self.last_answer = template
        files = follow_up_attachments(rng, _short_name(handler))
        visit = (0.5 + 3.5 * rng.random()) * DAY
        delay = delay_hours(rng, 96, 0.9, 40 * 24)
        self._event(_OFFICE, delay, Status.DITINDAKLANJUTI, handler, None)
        self.steps.append((_SAME, 0.0, 0.0, ("F", handler, template, files, visit)))

    def await_reply(self) -> None:
        delay = delay_hours(self.rng, 8, 1.0, 7 * 24)
        self._event(_OFFICE, delay, Status.MENUNGGU_TANGGAPAN, self.route.verifier_id, None)

    def reopen(self) -> None:
        text = self.rng.choice(responses.DISSATISFIED_REPLIES)
        self._step(_FREE, delay_days(self.rng, 0.3, 9), ("R", text))
        self.dispose(again=True)
        self.reopened = True

    def close(self) -> None:
        rng, verifier = self.rng, self.route.verifier_id
        roll = rng.random()
        if roll < 0.45:  # the reporter confirms; most of them rate, and kindly
            text = rng.choice(responses.SATISFIED_REPLIES)
            self._step(_FREE, delay_days(rng, 0.2, 9), ("R", text))
            delay = delay_hours(rng, 4, 1.0, 72)
            note, rated = responses.CLOSED_SATISFIED, 0.65
            scores = _SCORES_RELUCTANT if self.reopened else _SCORES_SATISFIED
        elif roll < 0.85:  # nobody answers within the reply window
            delay = 10 * DAY + delay_hours(rng, 3, 1.0, 72)
            note, rated, scores = responses.CLOSED_TIMEOUT, 0.0, _SCORES_CLOSED
        else:  # the admin closes after the final answer; the odd reporter protests
            delay = delay_hours(rng, 48, 0.8, 9 * 24)
            note, rated, scores = responses.CLOSED_BY_ADMIN, 0.15, _SCORES_CLOSED
        self._event(_OFFICE, delay, Status.SELESAI, verifier, note)
        if rng.random() < rated:
            score = 1 + bisect(scores, rng.random() * 100)
            comments = responses.RATING_COMMENTS[score]
            comment = rng.choice(comments) if rng.random() < 0.5 else None
            self._step(_SAME, 0.0, ("S", score, comment))

    # -- whole paths ----------------------------------------------------------------

    def plan(self, final: Status, channel: Channel) -> None:
        rng = self.rng
        self.submit()
        if final is Status.SUBMITTED:
            return
        self.intake(channel)
        if final is Status.BELUM_TERVERIFIKASI:
            if rng.random() < 0.1:
                self.tunda()
                self.clarify()
            return
        if final is Status.TUNDA:
            self.tunda()
            return
        if final is Status.ARSIP:
            after_tunda = rng.random() < 0.35
            if after_tunda:
                self.tunda()
            self.archive(after_tunda=after_tunda)
            return
        if rng.random() < 0.06:
            self.tunda()
            self.clarify()
        self.verify()
        if final is Status.TERVERIFIKASI:
            return
        self.dispose()
        if final is Status.DIDISPOSISIKAN:
            roll = rng.random()
            if roll < 0.06:
                self.delegate_and_redispose()
            elif roll < 0.11:
                self.follow_up()
                self.await_reply()
                self.reopen()
            return
        if final is Status.DILIMPAHKAN:
            self.delegate()
            return
        if rng.random() < 0.07:
            self.delegate_and_redispose()
        self.follow_up()
        if final is Status.DITINDAKLANJUTI:
            if rng.random() < 0.08:
                self.await_reply()
                self.reopen()
                self.follow_up()
            return
        self.await_reply()
        if rng.random() < 0.12:
            self.reopen()
            self.follow_up()
            self.await_reply()
        if final is Status.MENUNGGU_TANGGAPAN:
            return
        self.close()


def _place(steps: list[tuple[int, float, float, tuple[Any, ...]]], start: float) -> list[float]:
    """The time of every step when the first one happens at `start`."""
    times: list[float] = []
    append = times.append
    t = start
    for mode, delay, jitter, _ in steps:
        if mode:  # not _SAME
            t += delay
            if mode == _OFFICE:
                t = office_time(t, jitter)
        append(t)
    return times


def build_history(
    rng: DemoRandom,
    final: Status,
    *,
    start: float,
    route: Route,
    channel: Channel,
    slots: dict[str, str],
    draw_receiver: Callable[[], tuple[Route, str]],
    now: float,
    answers: tuple[str, ...] | None = None,
) -> History:
    """Plan and place the history of one complaint that ends in `final`.

    Args:
        rng: the generator's random source.
        final: the status the complaint is in at `now`.
        start: when it was written (POSIX time).
        route: who verifies and who handles the case at first.
        channel: where it was written (how fast it reaches the queue).
        slots: text placeholders for follow-ups and replies ({lokasi}, {topic}).
        draw_receiver: called when the case turns out "bukan wewenang": the route of
            the competent instansi and the reason.
        now: POSIX time every event must precede.
        answers: follow-up templates to use instead of the handler's own (for
            information requests and aspirations).
    """
    planner = _Planner(rng, route, slots, draw_receiver, answers)
    planner.plan(final, channel)
    steps = planner.steps
    raw_total = 0.0
    for step in steps:
        raw_total += step[1]
    room = 0.8 * (now - start)
    if raw_total > room:  # a young complaint that got far: everyone was quick
        factor = room / raw_total
        steps = [(m, d * factor, j, r) for m, d, j, r in steps]
    times = _place(steps, start)
    while times[-1] > now:  # office hours pushed the end past now: start days earlier
        start -= math.ceil((times[-1] - now) / DAY) * DAY
        times = _place(steps, start)
    return _materialise(steps, times, planner)


def _materialise(
    steps: list[tuple[int, float, float, tuple[Any, ...]]],
    times: list[float],
    planner: _Planner,
) -> History:
    events: list[StatusEvent] = []
    hops: list[Disposition] = []
    answers: list[FollowUp] = []
    replies: list[ReporterReply] = []
    rating: Rating | None = None
    last_ts = disposed_ts = -1
    at = _EPOCH
    from_ts = datetime.fromtimestamp
    for step, t in zip(steps, times, strict=False):  # same length by construction
        record = step[3]
        ts = int(t)
        if ts != last_ts:
            at, last_ts = from_ts(ts, UTC), ts
        tag = record[0]
        if tag == "E":
            events.append(StatusEvent(record[1], at, record[2], record[3]))
        elif tag == "D":
            hops.append(Disposition(record[1], record[2], at, record[3], record[4]))
            disposed_ts = ts
        elif tag == "F":
            agency_id, template, files, visit = record[1:]
            # The field visit the answer mentions: after the disposition, before now.
            visited = max(ts - visit, disposed_ts) + WIB_OFFSET
            local = from_ts(visited, UTC).date()
            text = template.format(
                unit=_full_name(agency_id),
                tanggal=responses.tanggal(local),
                tahun=local.year,
                **planner.slots,
            )
            answers.append(FollowUp(agency_id, text, at, files))
        elif tag == "R":
            replies.append(ReporterReply(record[1], at))
        else:
            rating = Rating(record[1], at, record[2])
    return History(
        tuple(events),
        tuple(hops),
        tuple(answers),
        tuple(replies),
        rating,
        planner.routed,
        planner.verified,
        planner.delegated,
    )
