"""A complaint's life: status history, disposition trail, follow-ups and replies over time.

A history is first planned as steps with drawn delays (who acts, after how long), then
placed on the calendar: agency actions move to office hours (Mon-Fri 08:00-16:00 WIB),
reporter and system actions do not. The final status is chosen first, so every status
gets its intended share; the path leading to it is then drawn (domain.md §1.3).
"""

from __future__ import annotations

import math
from bisect import bisect
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from itertools import accumulate
from typing import Any

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

from gateway.demo import responses
from gateway.demo.agencies import agency_index, unit_key
from gateway.demo.attachments import follow_up_attachments
from gateway.demo.rng import DemoRandom
from gateway.demo.routing import Route

# Share of each final status (percent). Most complaints are in process or done; a
# realistic tail stays waiting, on hold, stalled at a unit, or archived.
STATUS_WEIGHTS: tuple[tuple[Status, float], ...] = (
    (Status.SUBMITTED, 1.5),
    (Status.BELUM_TERVERIFIKASI, 6.0),
    (Status.TUNDA, 3.0),
    (Status.TERVERIFIKASI, 3.0),
    (Status.DIDISPOSISIKAN, 12.0),
    (Status.DILIMPAHKAN, 3.0),
    (Status.DITINDAKLANJUTI, 9.0),
    (Status.MENUNGGU_TANGGAPAN, 7.0),
    (Status.SELESAI, 47.5),
    (Status.ARSIP, 8.0),
)
_STATUSES = tuple(s for s, _ in STATUS_WEIGHTS)
_STATUS_CUM = tuple(accumulate(w for _, w in STATUS_WEIGHTS))

HOUR = 3600.0
DAY = 86400.0
_WIB = 7 * HOUR
_OPEN, _CLOSE = 8 * HOUR, 16 * HOUR

# When reporters write (WIB hour of day, relative weight).
_HOUR_CUM = tuple(
    accumulate(
        (1, 0.5, 0.3, 0.3, 0.6, 1.5, 3, 5, 7, 8, 8, 7, 6, 6, 6, 5, 5, 5, 5, 6, 7, 6, 4, 2)
    )
)

# Step modes: how a step's time is found from the previous one.
_SAME, _FREE, _OFFICE = 0, 1, 2
_EPOCH = datetime.fromtimestamp(0, UTC)


def pick_final_status(rng: DemoRandom) -> Status:
    """Draw the status a complaint ends up in, by STATUS_WEIGHTS."""
    return _STATUSES[bisect(_STATUS_CUM, rng.random() * _STATUS_CUM[-1])]


def _office(ts: float, jitter: float) -> float:
    """The first office moment at or after ts (Mon-Fri 08:00-16:00 WIB), plus jitter."""
    day, sec = divmod(ts + _WIB, DAY)
    weekday = (int(day) + 3) % 7  # 1970-01-01 was a Thursday; Monday is 0
    if weekday < 5 and _OPEN <= sec < _CLOSE:
        return ts
    if weekday >= 5 or sec >= _CLOSE:
        day += 1
        weekday = (weekday + 1) % 7
        while weekday >= 5:
            day += 1
            weekday = (weekday + 1) % 7
    return day * DAY + _OPEN + jitter - _WIB


def _hours(rng: DemoRandom, median: float, sigma: float, cap: float) -> float:
    """A log-normal delay in seconds with the given median and cap (both in hours)."""
    hours = median * math.exp(sigma * rng.gauss())
    return (hours if hours < cap else cap) * HOUR


_SHORT_NAMES: dict[str, str] = {}


def _short_name(agency_id: str) -> str:
    """An agency's short name (its name if it has none), cached."""
    short = _SHORT_NAMES.get(agency_id)
    if short is None:
        agency = agency_index()[agency_id]
        short = _SHORT_NAMES[agency_id] = agency.short_name or agency.name
    return short


def _days(rng: DemoRandom, low: float, high: float) -> float:
    return rng.uniform(low, high) * DAY


@dataclass(frozen=True, slots=True)
class History:
    """Everything that happened to a complaint, in time order."""

    events: tuple[StatusEvent, ...]
    dispositions: tuple[Disposition, ...]
    follow_ups: tuple[FollowUp, ...]
    replies: tuple[ReporterReply, ...]
    rating: Rating | None
    routed_agency_id: str | None
    verified: bool


class _Planner:
    """Collects the steps of one complaint's history before they get times."""

    def __init__(
        self,
        rng: DemoRandom,
        route: Route,
        slots: dict[str, str],
        draw_receiver: Callable[[], tuple[Route, str]],
    ) -> None:
        self.rng = rng
        self.route = route
        self.slots = slots
        self.draw_receiver = draw_receiver
        self.steps: list[tuple[int, float, float, tuple[Any, ...]]] = []
        self.routed: str | None = None
        self.reopened = False

    # -- plumbing ---------------------------------------------------------------

    def _step(self, mode: int, delay: float, record: tuple[Any, ...]) -> None:
        jitter = self.rng.random() * 2 * HOUR if mode == _OFFICE else 0.0
        self.steps.append((mode, delay, jitter, record))

    def _event(
        self, mode: int, delay: float, status: Status, actor: str | None, note: str | None
    ) -> None:
        jitter = self.rng.random() * 2 * HOUR if mode == _OFFICE else 0.0
        self.steps.append((mode, delay, jitter, ("E", status, actor, note)))

    @staticmethod
    def _short(agency_id: str) -> str:
        return _short_name(agency_id)

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
        delay = _hours(self.rng, 20, 0.9, 10 * 24)
        self._event(_OFFICE, delay, Status.TUNDA, self.route.verifier_id, note)

    def clarify(self) -> None:
        text = self.rng.choice(responses.CLARIFICATIONS).format_map(self.slots)
        self._step(_FREE, _days(self.rng, 0.3, 7), ("R", text))
        delay = self.rng.uniform(60, 1200)
        note = "Pelapor telah melengkapi laporan."
        self._event(_FREE, delay, Status.BELUM_TERVERIFIKASI, None, note)

    def archive(self, *, after_tunda: bool) -> None:
        if after_tunda:
            delay, note = _days(self.rng, 10, 14), responses.ARCHIVE_AFTER_TUNDA
        else:
            delay = _hours(self.rng, 20, 0.9, 15 * 24)
            note = self.rng.choice(responses.ARCHIVE_NOTES)
        self._event(_OFFICE, delay, Status.ARSIP, self.route.verifier_id, note)

    def verify(self) -> None:
        delay = _hours(self.rng, 20, 0.9, 20 * 24)
        self._event(_OFFICE, delay, Status.TERVERIFIKASI, self.route.verifier_id, None)

    def dispose(self, *, again: bool = False) -> None:
        route = self.route
        short = self._short(route.handler_id)
        if again:
            note = f"Dibuka kembali atas tanggapan pelapor; didisposisikan ulang kepada {short}."
            hop_note = "Disposisi ulang setelah tanggapan pelapor."
            delay = _hours(self.rng, 5, 1.0, 5 * 24)
        else:
            note, hop_note = f"Didisposisikan kepada {short}.", None
            delay = _hours(self.rng, 2, 1.2, 5 * 24)
        self._event(_OFFICE, delay, Status.DIDISPOSISIKAN, route.verifier_id, note)
        self._step(
            _SAME,
            0.0,
            ("D", DispositionKind.DISPOSISI, route.handler_id, route.verifier_id, hop_note),
        )
        self.routed = route.handler_id

    def delegate(self) -> None:
        """Bukan wewenang: hand the case to another instansi, which takes it in."""
        receiver, reason = self.draw_receiver()
        source = self.route.verifier_id
        target = agency_index()[receiver.verifier_id]
        note = f"Bukan wewenang: {reason}. Dilimpahkan kepada {target.name}."
        delay = _hours(self.rng, 48, 0.8, 20 * 24)
        self._event(_OFFICE, delay, Status.DILIMPAHKAN, source, note)
        self._step(
            _SAME, 0.0, ("D", DispositionKind.PELIMPAHAN, target.id, source, note)
        )
        self.route = receiver
        self.routed = target.id

    def receive(self, from_id: str) -> None:
        note = f"Diterima dari pelimpahan {self._short(from_id)}."
        delay = self.rng.uniform(300, 5400)
        self._event(_FREE, delay, Status.BELUM_TERVERIFIKASI, self.route.verifier_id, note)

    def delegate_and_redispose(self) -> None:
        source = self.route.verifier_id
        self.delegate()
        self.receive(source)
        self.verify()
        self.dispose()

    def follow_up(self) -> None:
        handler = self.route.handler_id
        templates = responses.follow_up_templates(handler, unit_key(handler))
        template = self.rng.choice(templates)
        files = follow_up_attachments(self.rng, self._short(handler))
        visit = self.rng.uniform(0.5, 4) * DAY
        delay = _hours(self.rng, 96, 0.9, 40 * 24)
        self._event(_OFFICE, delay, Status.DITINDAKLANJUTI, handler, None)
        self._step(_SAME, 0.0, ("F", handler, template, files, visit))

    def await_reply(self) -> None:
        delay = _hours(self.rng, 8, 1.0, 7 * 24)
        self._event(
            _OFFICE, delay, Status.MENUNGGU_TANGGAPAN, self.route.verifier_id, None
        )

    def reopen(self) -> None:
        text = self.rng.choice(responses.DISSATISFIED_REPLIES)
        self._step(_FREE, _days(self.rng, 0.3, 9), ("R", text))
        self.dispose(again=True)
        self.reopened = True

    def close(self) -> None:
        rng, verifier = self.rng, self.route.verifier_id
        roll = rng.random()
        if roll < 0.45:
            self._step(_FREE, _days(rng, 0.2, 9), ("R", rng.choice(responses.SATISFIED_REPLIES)))
            delay, note, rated = _hours(rng, 4, 1.0, 72), responses.CLOSED_SATISFIED, 0.65
        elif roll < 0.85:
            delay = 10 * DAY + _hours(rng, 3, 1.0, 72)
            note, rated = responses.CLOSED_TIMEOUT, 0.0
        else:
            delay, note, rated = _hours(rng, 48, 0.8, 9 * 24), responses.CLOSED_BY_ADMIN, 0.15
        self._event(_OFFICE, delay, Status.SELESAI, verifier, note)
        if rng.random() < rated:
            weights = (20, 20, 25, 20, 15) if self.reopened else (6, 7, 12, 30, 45)
            score = 1 + bisect(tuple(accumulate(weights)), rng.random() * 100)
            comment = rng.choice(responses.RATING_COMMENTS[score]) if rng.random() < 0.5 else None
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


def _idle(rng: DemoRandom, final: Status, channel: Channel) -> float | None:
    """How long a non-final status has been waiting at `now` (None: closed cases)."""
    if final is Status.SUBMITTED:
        slow = channel in (Channel.SMS, Channel.REGENCY_SYSTEM, Channel.HOTLINE)
        return rng.uniform(60, DAY if slow else 3600)
    if final is Status.BELUM_TERVERIFIKASI:
        return min(rng.expovariate(1 / 2.5), 40) * DAY
    if final is Status.TUNDA:
        return _days(rng, 0.5, 25)
    if final is Status.TERVERIFIKASI:
        return min(rng.expovariate(1 / 1.5), 30) * DAY
    if final is Status.DIDISPOSISIKAN:
        return min(rng.expovariate(1 / 15), 300) * DAY
    if final is Status.DILIMPAHKAN:
        return min(rng.expovariate(1 / 4), 60) * DAY
    if final is Status.DITINDAKLANJUTI:
        return min(rng.expovariate(1 / 5), 90) * DAY
    if final is Status.MENUNGGU_TANGGAPAN:
        if rng.random() < 0.1:  # never closed: the admin forgot
            return min(10 + rng.expovariate(1 / 30), 200) * DAY
        return _days(rng, 0, 9.5)
    return None


def _place(
    steps: list[tuple[int, float, float, tuple[Any, ...]]], start: float
) -> list[float]:
    """The time of every step when the first one happens at `start`."""
    times: list[float] = []
    append = times.append
    t = start
    for mode, delay, jitter, _ in steps:
        if mode:  # not _SAME
            t += delay
            if mode == _OFFICE:
                # Inlined _office(): the hot loop of the whole generator.
                day, sec = divmod(t + _WIB, DAY)
                weekday = (int(day) + 3) % 7
                if weekday > 4 or not _OPEN <= sec < _CLOSE:
                    t = _office(t, jitter)
        append(t)
    return times


def _start(
    rng: DemoRandom,
    final: Status,
    channel: Channel,
    raw_total: float,
    now: float,
    window: float,
) -> float:
    earliest = now - window
    idle = _idle(rng, final, channel)
    if final is Status.SUBMITTED:
        assert idle is not None
        return now - idle
    if idle is None:  # closed: anywhere in the period, a little more often recently
        latest = max(now - raw_total - 2 * DAY, earliest)
        start = earliest + (rng.random() ** 0.8) * (latest - earliest)
    else:
        start = max(now - idle - raw_total, earliest + rng.uniform(0, 5 * DAY))
    # Keep the day, redraw the time of day as reporters write (WIB).
    day = math.floor((start + _WIB) / DAY)
    hour = bisect(_HOUR_CUM, rng.random() * _HOUR_CUM[-1])
    return day * DAY + hour * HOUR + rng.uniform(0, HOUR) - _WIB


def build_history(
    rng: DemoRandom,
    final: Status,
    *,
    route: Route,
    channel: Channel,
    slots: dict[str, str],
    draw_receiver: Callable[[], tuple[Route, str]],
    now: float,
    window: float,
) -> History:
    """Plan and place the history of one complaint that ends in `final`.

    Args:
        rng: the generator's random source.
        final: the status the complaint is in at `now`.
        route: who verifies and who handles the case at first.
        channel: where it was written (how fast it reaches the queue).
        slots: text placeholders for follow-ups and replies ({lokasi}, {topic}).
        draw_receiver: called when the case turns out "bukan wewenang": the route of
            the competent instansi and the reason.
        now: POSIX time every event must precede.
        window: how far back (seconds) the demo period reaches.
    """
    planner = _Planner(rng, route, slots, draw_receiver)
    planner.plan(final, channel)
    steps = planner.steps
    raw_total = 0.0
    for step in steps:
        raw_total += step[1]
    start = _start(rng, final, channel, raw_total, now, window)
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
    verified = False
    last_ts = disposed_ts = -1
    at = _EPOCH
    for (_, _, _, record), t in zip(steps, times, strict=True):
        ts = int(t)
        if ts != last_ts:
            at, last_ts = datetime.fromtimestamp(ts, UTC), ts
        tag = record[0]
        if tag == "E":
            status = record[1]
            events.append(StatusEvent(status, at, record[2], record[3]))
            if status is Status.TERVERIFIKASI:
                verified = True
        elif tag == "D":
            hops.append(Disposition(record[1], record[2], at, record[3], record[4]))
            disposed_ts = ts
        elif tag == "F":
            agency_id, template, files, visit = record[1:]
            # The field visit the answer mentions: after the disposition, before now.
            visited = max(ts - visit, disposed_ts) + _WIB
            local = datetime.fromtimestamp(visited, UTC).date()
            text = template.format(
                unit=agency_index()[agency_id].name,
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
        verified,
    )
