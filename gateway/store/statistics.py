"""Complaint counts per day and per value of a dimension, counted in SQL within a scope.

Days are taken in WIB (UTC+7): the zone of most kab/kota, and one zone for the whole
country keeps a national table consistent. The caller sums days into periods and withholds
small counts (schema.statistics).
"""

from __future__ import annotations

from datetime import date, datetime

from tortoise import connections
from tortoise.expressions import RawSQL
from tortoise.functions import Count

from auth.scope import RowScope
from gateway.store.models import ComplaintRow
from gateway.store.repository import filter_q
from gateway.store.scoping import scope_q
from schema.queries import ComplaintFilter
from schema.regions import level_of
from schema.statistics import DayCount, Dimension

_WIB_DAY = {
    "sqlite": "date(created_at, '+7 hours')",
    "postgres": "to_char(created_at AT TIME ZONE 'Asia/Jakarta', 'YYYY-MM-DD')",
}


def dimension_column(dimension: Dimension, filter: ComplaintFilter) -> str:
    """The complaint column a dimension counts by (a region: kab/kota within a province
    filter, province otherwise)."""
    if dimension is Dimension.STATUS:
        return "status"
    if dimension is Dimension.CATEGORY:
        return "category_id"
    if dimension is Dimension.AGENCY:
        return "routed_agency_id"
    code = filter.kode_wilayah
    return "regency_code" if code and level_of(code).value >= 1 else "province_code"


async def day_counts(
    scope: RowScope, dimension: Dimension, *, since: datetime, until: datetime, filter: ComplaintFilter
) -> list[DayCount]:
    """Complaints created in [since, until) within the scope, per WIB day and dimension value."""
    dialect = connections.get("default").capabilities.dialect
    column = dimension_column(dimension, filter)
    rows = (
        await ComplaintRow.filter(
            await scope_q(scope), await filter_q(filter), created_at__gte=since, created_at__lt=until
        )
        .annotate(day=RawSQL(_WIB_DAY[dialect]), n=Count("id"))
        .group_by("day", column)
        .values("day", column, "n")
    )
    return [
        DayCount(
            date.fromisoformat(str(r["day"])[:10]),
            None if r[column] is None else str(getattr(r[column], "value", r[column])),
            r["n"],
        )
        for r in rows
    ]


class StoreStatistics:
    """The GraphQL StatisticsReader port."""

    async def day_counts(
        self, scope: RowScope, dimension: Dimension, *, since: datetime, until: datetime, filter: ComplaintFilter
    ) -> list[DayCount]:
        """See `day_counts`."""
        return await day_counts(scope, dimension, since=since, until=until, filter=filter)
