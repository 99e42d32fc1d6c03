"""Counts for the coordinators' view: per province, kab/kota or agency, the complaints
created in a period within a scope, how many are open and overdue, and how their deadlines
were kept. One grouped query per level, the scope pushed into it."""

from __future__ import annotations

from datetime import datetime

from tortoise.expressions import Q
from tortoise.functions import Count

from auth.scope import RowScope
from gateway.store.models import ComplaintRow
from gateway.store.repository import deadline_counts, overdue_q
from gateway.store.scoping import region_q, scope_q
from schema.coordination import GroupCounts
from schema.deadlines import FINAL

GROUP_COLUMNS = {"province": "province_code", "regency": "regency_code", "agency": "routed_agency_id"}


async def group_counts(
    scope: RowScope, *, by: str, within: str | None, since: datetime, until: datetime, now: datetime
) -> dict[str | None, GroupCounts]:
    """Counts per `by` ("province", "regency" or "agency") for complaints created in
    [since, until) in region `within` (everywhere for None)."""
    column = GROUP_COLUMNS[by]
    counts = deadline_counts(now) | {
        "open": Count("id", _filter=~Q(status__in=[s.value for s in FINAL])),
        "overdue": Count("id", _filter=overdue_q(now)),
    }
    query = ComplaintRow.filter(await scope_q(scope), created_at__gte=since, created_at__lt=until)
    if within:
        query = query.filter(region_q(within))
    rows = await query.annotate(**counts).group_by(column).values(column, *counts)
    out: dict[str | None, GroupCounts] = {}
    for r in rows:
        on_time = r["verification_on_time"] + r["follow_up_on_time"] + r["resolution_on_time"]
        late = r["verification_late"] + r["follow_up_late"] + r["resolution_late"]
        out[r[column]] = GroupCounts(r["complaints"], r["open"], r["overdue"], on_time, late)
    return out


class StoreCounts:
    """The GraphQL CountsReader port."""

    async def group_counts(
        self, scope: RowScope, *, by: str, within: str | None, since: datetime, until: datetime, now: datetime
    ) -> dict[str | None, GroupCounts]:
        """See `group_counts`."""
        return await group_counts(scope, by=by, within=within, since=since, until=until, now=now)
