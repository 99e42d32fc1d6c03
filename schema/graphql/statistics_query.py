"""`statistics`: complaint counts by status, category, region or agency over time, within the
caller's scope (the public's for callers without a case scope), small counts withheld
(schema.statistics)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta
from typing import Protocol

import strawberry

from auth.scope import RowScope
from schema import statistics as s
from schema.graphql.inputs import ComplaintFilterInput, UserInputError
from schema.graphql.types import Ctx
from schema.queries import ComplaintFilter
from schema.validation import FieldError

Dimension = strawberry.enum(s.Dimension, name="StatisticsDimension", description="What complaints are counted by: STATUS, CATEGORY, REGION (kab/kota inside a province filter, else province), AGENCY (routed to).")
Period = strawberry.enum(s.Period, name="StatisticsPeriod", description="How time is split: DAY, WEEK (from Monday), MONTH, ALL; days in WIB.")


class StatisticsReader(Protocol):
    """Day counts within a scope (implemented by gateway.store.statistics)."""

    async def day_counts(
        self, scope: RowScope, dimension: s.Dimension, *, since: datetime, until: datetime, filter: ComplaintFilter
    ) -> Sequence[s.DayCount]: ...


@strawberry.type(description="One cell: complaints created in a period with one value of the dimension.")
class StatisticsBucket:
    period_start: date = strawberry.field(description="The period's first day (WIB).")
    key: str | None = strawberry.field(description="The status, category id, kode wilayah or agency id (null: none set).")
    count: int | None = strawberry.field(description="Null when withheld (see suppressed).")
    suppressed: bool = strawberry.field(
        description="True when the count is withheld: below minimumCount, or the smallest beside a "
        "single withheld count in its period (so it cannot be recovered by subtraction)."
    )


@strawberry.type(description="Complaint counts over time, small counts withheld.")
class ComplaintStatistics:
    dimension: Dimension  # type: ignore[valid-type]
    period: Period  # type: ignore[valid-type]
    minimum_count: int = strawberry.field(description="Counts below this are withheld.")
    buckets: list[StatisticsBucket]
    suppressed_count: int = strawberry.field(description="How many buckets are withheld.")


@strawberry.type
class StatisticsQuery:
    @strawberry.field(
        description="Complaints created in [since, until) counted by a dimension per period, within "
        "your case scope (the public's without one); counts that could single a reporter out are withheld."
    )
    async def statistics(
        self,
        info: Ctx,
        group_by: Dimension,  # type: ignore[valid-type]
        since: datetime,
        until: datetime,
        period: Period = s.Period.MONTH,  # type: ignore[valid-type]
        filter: ComplaintFilterInput | None = None,
    ) -> ComplaintStatistics:
        ctx = info.context
        errors = [
            FieldError(name, "has no time zone", "an ISO 8601 date-time with an offset")
            for name, value in (("since", since), ("until", until))
            if value.tzinfo is None
        ]
        if not errors and not timedelta(0) < until - since <= timedelta(days=s.MAX_PERIOD_DAYS):
            errors.append(FieldError("until", "is not after since, or too far", f"a range of up to {s.MAX_PERIOD_DAYS} days"))
        if errors:
            raise UserInputError(errors)
        reader: StatisticsReader = ctx.statistics
        scope = ctx.access.public if ctx.access.cases.empty else ctx.access.cases
        used = filter.to_canonical() if filter else ComplaintFilter()
        days = await reader.day_counts(scope, group_by, since=since, until=until, filter=used)
        first = (since + timedelta(hours=7)).date()  # WIB, as the days are
        cells = s.buckets(days, period, first)
        return ComplaintStatistics(
            dimension=group_by,
            period=period,
            minimum_count=s.MIN_COUNT,
            buckets=[StatisticsBucket(period_start=b.period_start, key=b.key, count=b.count, suppressed=b.suppressed) for b in cells],
            suppressed_count=sum(b.suppressed for b in cells),
        )
