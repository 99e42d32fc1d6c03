"""`statistics`: complaint counts by status, category, region or agency over time, within the
caller's scope (the public's for callers without a case scope), small counts withheld
(schema.statistics)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Annotated

import strawberry

from schema import statistics as s
from schema.graphql.inputs import ComplaintFilterInput, UserInputError
from schema.graphql.types import Ctx
from schema.ports.reads import StatisticsReader
from schema.queries import ComplaintFilter
from schema.regions import WIB
from schema.validation import FieldError

# strawberry.enum marks the enum class itself (and returns it): each name below is that
# class, so type checkers take it as a type.
strawberry.enum(
    s.Dimension,
    name="StatisticsDimension",
    description="What complaints are counted by: STATUS, CATEGORY, REGION (kab/kota inside a province filter, else province), AGENCY (routed to).",
)
Dimension = s.Dimension
strawberry.enum(
    s.Period,
    name="StatisticsPeriod",
    description="How time is split: DAY, WEEK (from Monday), MONTH, ALL; days in WIB.",
)
Period = s.Period


@strawberry.type(description="One cell: complaints created in a period with one value of the dimension.")
class StatisticsBucket:
    period_start: date = strawberry.field(description="The period's first day (WIB).")
    key: str | None = strawberry.field(
        description="The status, category id, kode wilayah or agency id (null: none set)."
    )
    count: int | None = strawberry.field(description="Null when withheld (see suppressed).")
    suppressed: bool = strawberry.field(
        description="True when the count is withheld: below minimumCount, or the smallest beside a "
        "single withheld count in its period (so it cannot be recovered by subtraction)."
    )


@strawberry.type(description="Complaint counts over time, small counts withheld.")
class ComplaintStatistics:
    dimension: Dimension
    period: Period
    minimum_count: int = strawberry.field(description="Counts below this are withheld.")
    buckets: list[StatisticsBucket]
    suppressed_count: int = strawberry.field(description="How many buckets are withheld.")


@strawberry.type
class StatisticsQuery:
    @strawberry.field(
        description="Complaints created from one WIB day to another counted by a dimension per period, "
        "within what you may read (the public's complaints, and your case scope); counts that could "
        "single a reporter out are withheld."
    )
    async def statistics(
        self,
        info: Ctx,
        group_by: Dimension,
        from_date: Annotated[date, strawberry.argument(name="from", description="The first day (WIB).")],
        to_date: Annotated[date, strawberry.argument(name="to", description="The last day (WIB), included.")],
        period: Period = s.Period.MONTH,
        filter: ComplaintFilterInput | None = None,
    ) -> ComplaintStatistics:
        ctx = info.context
        used = filter.to_canonical() if filter else ComplaintFilter()
        errors = [
            FieldError(
                f"filter.{name}", "cannot be used in statistics", "from and to (whole days), and the other filters"
            )
            for name, value in (
                ("createdAfter", used.created_after),
                ("createdBefore", used.created_before),
                ("text", used.text),
            )
            if value
        ]
        days = (to_date - from_date).days + 1
        if days < 1:
            errors.append(FieldError("to", f"is before from ({from_date.isoformat()})", "a day on or after from"))
        elif days > s.MAX_PERIOD_DAYS:
            errors.append(
                FieldError("to", f"is {days} days after from", f"a range of at most {s.MAX_PERIOD_DAYS} days")
            )
        elif period is s.Period.DAY and days > s.MAX_DAILY_DAYS:
            errors.append(
                FieldError(
                    "period",
                    f"is DAY over {days} days",
                    f"WEEK or MONTH, or a range of at most {s.MAX_DAILY_DAYS} days",
                )
            )
        if errors:
            raise UserInputError(errors)
        # Whole WIB days only: ranges shifted by seconds could tell one complaint's time.
        since = datetime.combine(from_date, time.min, WIB)
        until = datetime.combine(to_date + timedelta(days=1), time.min, WIB)
        reader: StatisticsReader = ctx.statistics
        # What the caller may read as a member of the public, and in its case scope.
        scope = ctx.access.public | ctx.access.cases
        counted = await reader.day_counts(scope, group_by, since=since, until=until, filter=used)
        cells = s.buckets(counted, period, from_date)
        return ComplaintStatistics(
            dimension=group_by,
            period=period,
            minimum_count=s.MIN_COUNT,
            buckets=[
                StatisticsBucket(period_start=b.period_start, key=b.key, count=b.count, suppressed=b.suppressed)
                for b in cells
            ],
            suppressed_count=sum(b.suppressed for b in cells),
        )
