"""The clocks LAPOR! promises, computed from a complaint's status history.

- verification: within 3 working days of submission (met by VERIFY or ARCHIVE);
- first follow-up: within 5 working days of verification (met by the first tindak lanjut);
- reporter's reply window: 10 days after the final answer (calendar days by default);
- resolution: by kadar, 1/5/14/60 working days after verification (met by the final
  answer or by closing).
Deadlines end at the end of a day in the complaint's region zone. A missed deadline
escalates to the level above: the regency, after 3 more working days the province,
after 8 the national admin (LAPOR! "intervensi").
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from schema.canonical import Complaint, Kadar, Status, StatusEvent
from schema.regions import zone_for
from schema.working_days import WorkingCalendar

VERIFICATION_DAYS = 3
FOLLOW_UP_DAYS = 5
RESOLUTION_DAYS = {
    Kadar.DARURAT: 1,
    Kadar.PERMINTAAN_INFORMASI: 5,
    Kadar.TIDAK_BERPENGAWASAN: 14,
    Kadar.BERPENGAWASAN: 60,
}
# Working days past a missed deadline at which it escalates further up.
ESCALATE_TO_PROVINCE_AFTER = 3
ESCALATE_TO_NATIONAL_AFTER = 8

FINAL = frozenset({Status.SELESAI, Status.ARSIP})
_VERIFIED = frozenset({Status.TERVERIFIKASI, Status.ARSIP})
_ANSWERED = frozenset({Status.DITINDAKLANJUTI, Status.MENUNGGU_TANGGAPAN})
_RESOLVED = frozenset({Status.MENUNGGU_TANGGAPAN, Status.SELESAI})


class Clock(enum.Enum):
    """The deadlines a complaint is held to."""

    VERIFICATION = "VERIFICATION"
    FOLLOW_UP = "FOLLOW_UP"
    REPLY_WINDOW = "REPLY_WINDOW"
    RESOLUTION = "RESOLUTION"


class EscalationLevel(enum.Enum):
    """Who is told about a missed deadline."""

    REGENCY = "REGENCY"
    PROVINCE = "PROVINCE"
    NATIONAL = "NATIONAL"


@dataclass(frozen=True, slots=True)
class DeadlinePolicy:
    """The configurable parts: the calendar and the reply window."""

    calendar: WorkingCalendar = WorkingCalendar()
    reply_window_days: int = 10
    reply_window_working_days: bool = False  # LAPOR! says "10 hari", unit not specified


@dataclass(frozen=True, slots=True)
class Deadlines:
    """When each clock is due and when it was met (None: not started, or not yet met)."""

    verification_due: datetime
    verified_at: datetime | None
    follow_up_due: datetime | None
    first_follow_up_at: datetime | None
    reply_due: datetime | None
    resolution_due: datetime | None
    resolved_at: datetime | None
    closed_at: datetime | None

    def due(self, clock: Clock) -> datetime | None:
        """The due time of one clock."""
        return {
            Clock.VERIFICATION: self.verification_due,
            Clock.FOLLOW_UP: self.follow_up_due,
            Clock.REPLY_WINDOW: self.reply_due,
            Clock.RESOLUTION: self.resolution_due,
        }[clock]

    def met_at(self, clock: Clock) -> datetime | None:
        """When a clock was met (the reply window is "met" by closing)."""
        return {
            Clock.VERIFICATION: self.verified_at,
            Clock.FOLLOW_UP: self.first_follow_up_at,
            Clock.REPLY_WINDOW: self.closed_at,
            Clock.RESOLUTION: self.resolved_at,
        }[clock]


def _first(events: Sequence[StatusEvent], statuses: frozenset[Status]) -> datetime | None:
    return next((e.at for e in events if e.status in statuses), None)


def _last(events: Sequence[StatusEvent], status: Status) -> datetime | None:
    found = [e.at for e in events if e.status is status]
    return found[-1] if found else None


def compute(
    *,
    created_at: datetime,
    kode_wilayah: str,
    kadar: Kadar,
    status: Status,
    history: Sequence[StatusEvent],
    policy: DeadlinePolicy,
) -> Deadlines:
    """Every deadline of a complaint from its history (oldest event first)."""
    zone = zone_for(kode_wilayah)
    cal = policy.calendar
    verified_at = _first(history, _VERIFIED)
    first_follow_up = _first(history, _ANSWERED)
    resolved_at = _first(history, _RESOLVED)
    waiting_reply_since = _last(history, Status.MENUNGGU_TANGGAPAN)
    reply_due = None
    if status is Status.MENUNGGU_TANGGAPAN and waiting_reply_since is not None:
        days = policy.reply_window_days
        reply_due = (
            cal.due(waiting_reply_since, days, zone)
            if policy.reply_window_working_days
            else cal.due_calendar_days(waiting_reply_since, days, zone)
        )
    archived = verified_at is not None and _first(history, frozenset({Status.ARSIP})) == verified_at
    return Deadlines(
        verification_due=cal.due(created_at, VERIFICATION_DAYS, zone),
        verified_at=verified_at,
        follow_up_due=(cal.due(verified_at, FOLLOW_UP_DAYS, zone) if verified_at and not archived else None),
        first_follow_up_at=first_follow_up,
        reply_due=reply_due,
        resolution_due=(cal.due(verified_at, RESOLUTION_DAYS[kadar], zone) if verified_at and not archived else None),
        resolved_at=resolved_at,
        closed_at=_first(history, FINAL),
    )


def for_complaint(complaint: Complaint, history: Sequence[StatusEvent], policy: DeadlinePolicy) -> Deadlines:
    """`compute` for a canonical complaint."""
    return compute(
        created_at=complaint.created_at,
        kode_wilayah=complaint.location.kode_wilayah,
        kadar=complaint.effective_kadar,
        status=complaint.status,
        history=history,
        policy=policy,
    )


# The reporter's reply window is theirs to use, not a promise an agency can break.
AGENCY_CLOCKS = (Clock.VERIFICATION, Clock.FOLLOW_UP, Clock.RESOLUTION)


def missed(deadlines: Deadlines, status: Status, now: datetime) -> list[tuple[Clock, datetime]]:
    """Agency deadlines due before `now` and not met, for a complaint still open."""
    if status in FINAL:
        return []
    out = []
    for clock in AGENCY_CLOCKS:
        due = deadlines.due(clock)
        if due is not None and deadlines.met_at(clock) is None and due < now:
            out.append((clock, due))
    return out


def escalation(
    deadlines: Deadlines, status: Status, now: datetime, kode_wilayah: str, calendar: WorkingCalendar
) -> EscalationLevel | None:
    """Who should step in, judged by the oldest missed deadline."""
    late = missed(deadlines, status, now)
    if not late:
        return None
    oldest = min(due for _, due in late)
    zone = zone_for(kode_wilayah)
    days_late = calendar.working_days_between(oldest.astimezone(zone).date(), now.astimezone(zone).date())
    if days_late >= ESCALATE_TO_NATIONAL_AFTER:
        return EscalationLevel.NATIONAL
    if days_late >= ESCALATE_TO_PROVINCE_AFTER:
        return EscalationLevel.PROVINCE
    return EscalationLevel.REGENCY


@dataclass(frozen=True, slots=True)
class AgencyPerformance:
    """How one agency kept its deadlines over a period (complaints created in it)."""

    agency_id: str | None
    complaints: int
    verification_on_time: int
    verification_late: int
    follow_up_on_time: int
    follow_up_late: int
    resolution_on_time: int
    resolution_late: int
