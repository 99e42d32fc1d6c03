"""GraphQL types for deadlines: each clock's due time, time left, and escalation."""

from __future__ import annotations

from datetime import datetime, timezone

import strawberry

from schema import deadlines as d
from schema.canonical import Status as CanonicalStatus
from schema.graphql.types import local_time

# strawberry.enum marks the enum class itself (and returns it): each name below is that
# class, so type checkers take it as a type.
strawberry.enum(d.Clock, name="DeadlineClock", description="A promised deadline.")
DeadlineClock = d.Clock
strawberry.enum(d.EscalationLevel, description="Who is told about a missed deadline.")
EscalationLevel = d.EscalationLevel


@strawberry.type(description="One deadline of a complaint.")
class Deadline:
    clock: DeadlineClock
    due: datetime = strawberry.field(description="End of the last day, in the region's zone.")
    met_at: datetime | None = strawberry.field(description="When it was met, if it was.")
    seconds_left: int | None = strawberry.field(
        description="Until due (negative when overdue); null once met or closed."
    )
    overdue: bool = strawberry.field(description="Due, not met, and the complaint still open.")
    met_on_time: bool | None = strawberry.field(description="Null until met.")


@strawberry.type(description="A complaint's deadlines and, when one was missed, escalation.")
class ComplaintDeadlines:
    verification: Deadline
    follow_up: Deadline | None = strawberry.field(description="Starts at verification.")
    reply_window: Deadline | None = strawberry.field(description="The reporter's 10 days after the final answer.")
    resolution: Deadline | None = strawberry.field(description="By kadar; starts at verification.")
    escalation: EscalationLevel | None = strawberry.field(
        description="Regency, then province, then national, as a missed deadline ages."
    )

    @classmethod
    def build(
        cls,
        due: d.Deadlines,
        *,
        status: CanonicalStatus,
        now: datetime,
        zone: timezone,
        escalation: d.EscalationLevel | None,
    ) -> ComplaintDeadlines:
        open_ = status not in d.FINAL

        def one(clock: d.Clock) -> Deadline | None:
            at = due.due(clock)
            if at is None:
                return None
            met = due.met_at(clock)
            return Deadline(
                clock=clock,
                due=local_time(at, zone),
                met_at=local_time(met, zone) if met else None,
                seconds_left=int((at - now).total_seconds()) if met is None and open_ else None,
                overdue=met is None and open_ and at < now,
                met_on_time=(met <= at) if met else None,
            )

        verification = one(d.Clock.VERIFICATION)
        assert verification is not None  # every complaint has this clock
        return cls(
            verification=verification,
            follow_up=one(d.Clock.FOLLOW_UP),
            reply_window=one(d.Clock.REPLY_WINDOW),
            resolution=one(d.Clock.RESOLUTION),
            escalation=escalation,
        )
