"""Deadline queries: overdue and due-soon complaints, and who keeps their deadlines."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import strawberry

from schema.deadlines import Clock
from schema.graphql.complaint_query import page_size
from schema.graphql.complaint_types import Complaint, case_file
from schema.graphql.deadline_types import DeadlineClock
from schema.graphql.inputs import ComplaintFilterInput, UserInputError
from schema.graphql.types import Agency, Ctx
from schema.queries import ComplaintFilter
from schema.validation import FieldError

DEFAULT_DUE_SOON_HOURS = 24
MAX_PERIOD_DAYS = 366


@strawberry.type(description="How one agency kept its deadlines over a period.")
class AgencyPerformance:
    agency_id: strawberry.ID | None
    complaints: int
    verification_on_time: int
    verification_late: int
    follow_up_on_time: int
    follow_up_late: int
    resolution_on_time: int
    resolution_late: int

    @strawberry.field
    async def agency(self, info: Ctx) -> Agency | None:
        if not self.agency_id:
            return None
        found = await info.context.agencies.load(str(self.agency_id))
        return Agency.from_canonical(found) if found else None


def _filter(filter: ComplaintFilterInput | None) -> ComplaintFilter:
    return filter.to_canonical() if filter else ComplaintFilter()


@strawberry.type
class DeadlineQuery:
    @strawberry.field(description="Open complaints in your case scope past a deadline, most overdue first.")
    async def overdue_complaints(
        self,
        info: Ctx,
        clock: DeadlineClock = Clock.VERIFICATION,
        filter: ComplaintFilterInput | None = None,
        first: int = 20,
    ) -> list[Complaint]:
        ctx = info.context
        found = await ctx.complaints.list_due(
            ctx.access.cases,
            clock,
            before=datetime.now(UTC),
            after=None,
            filter=_filter(filter),
            first=page_size(first, ctx.max_page_size),
        )
        return [case_file(ctx, c) for c in found]

    @strawberry.field(description="Open complaints in your case scope falling due within the next hours.")
    async def due_soon_complaints(
        self,
        info: Ctx,
        clock: DeadlineClock = Clock.VERIFICATION,
        within_hours: int = DEFAULT_DUE_SOON_HOURS,
        filter: ComplaintFilterInput | None = None,
        first: int = 20,
    ) -> list[Complaint]:
        ctx = info.context
        if not 1 <= within_hours <= 24 * 30:
            raise UserInputError([FieldError("withinHours", f"is {within_hours}", "1 to 720 hours")])
        now = datetime.now(UTC)
        found = await ctx.complaints.list_due(
            ctx.access.cases,
            clock,
            before=now + timedelta(hours=within_hours),
            after=now,
            filter=_filter(filter),
            first=page_size(first, ctx.max_page_size),
        )
        return [case_file(ctx, c) for c in found]

    @strawberry.field(
        description="Per agency: deadlines met on time or late, for complaints created in "
        "[since, until), within your case scope."
    )
    async def deadline_performance(
        self,
        info: Ctx,
        since: datetime,
        until: datetime,
        filter: ComplaintFilterInput | None = None,
    ) -> list[AgencyPerformance]:
        ctx = info.context
        errors = [
            FieldError(name, "has no time zone", "an ISO 8601 date-time with an offset")
            for name, value in (("since", since), ("until", until))
            if value.tzinfo is None
        ]
        if not errors and not timedelta(0) < until - since <= timedelta(days=MAX_PERIOD_DAYS):
            errors.append(
                FieldError("until", "is not after since, or too far", f"a period of 1 s to {MAX_PERIOD_DAYS} days")
            )
        if errors:
            raise UserInputError(errors)
        found = await ctx.complaints.performance(ctx.access.cases, since=since, until=until, filter=_filter(filter))
        return [
            AgencyPerformance(
                agency_id=strawberry.ID(p.agency_id) if p.agency_id else None,
                complaints=p.complaints,
                verification_on_time=p.verification_on_time,
                verification_late=p.verification_late,
                follow_up_on_time=p.follow_up_on_time,
                follow_up_late=p.follow_up_late,
                resolution_on_time=p.resolution_on_time,
                resolution_late=p.resolution_late,
            )
            for p in found
        ]
