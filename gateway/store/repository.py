"""The store's read path: every query takes the caller's RowScope and pushes it into SQL.

There is no unscoped read method: lists, counts, lookups by id or tracking ID and the
batch loads behind nested fields all start from `_scoped()`, so a row filter can never be
forgotten or applied after a page was cut. A complaint outside the scope is simply not
found.

Lists and lookups return complaints without their nested collections; the `*_for`
methods load those for many complaints in one query each (DataLoader batches).
"""

from __future__ import annotations

import builtins
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import fields
from datetime import UTC, datetime
from typing import Any, TypeVar, cast
from uuid import UUID

from tortoise.expressions import F, Q, Subquery
from tortoise.functions import Count
from tortoise.models import Model
from tortoise.queryset import QuerySet

from auth.scope import RowScope
from gateway.store import rows
from gateway.store.models import (
    AgencyRow,
    AttachmentRow,
    CategoryRow,
    ComplaintRow,
    ComplaintSourceRow,
    DispositionRow,
    FollowUpRow,
    ReporterReplyRow,
    ReporterRow,
    StatusEventRow,
)
from gateway.store.scoping import region_q, scope_q
from gateway.store.search_text import fold
from gateway.store.trees import AGENCY_TREE, CATEGORY_TREE
from schema.canonical import (
    Agency,
    AgencyLevel,
    Attachment,
    Category,
    Complaint,
    Disposition,
    FollowUp,
    Reporter,
    ReporterReply,
    SourceRef,
    Status,
    StatusEvent,
    statuses_in,
)
from schema.deadlines import FINAL, AgencyPerformance, Clock, Deadlines
from schema.queries import ComplaintFilter, Cursor, Page, SortOrder
from schema.tracking import canonical_tracking_id

# The stored deadline columns are named as the Deadlines fields.
DEADLINE_FIELDS = tuple(f.name for f in fields(Deadlines))
# clock -> (due column, met column)
_CLOCK_COLUMNS = {
    Clock.VERIFICATION: ("verification_due", "verified_at"),
    Clock.FOLLOW_UP: ("follow_up_due", "first_follow_up_at"),
    Clock.REPLY_WINDOW: ("reply_due", "closed_at"),
    Clock.RESOLUTION: ("resolution_due", "resolved_at"),
}
R = TypeVar("R")
_LEVEL_ORDER = {level: n for n, level in enumerate(AgencyLevel)}
M = TypeVar("M", bound=Model)

# Columns a list needs; the reporter and the folded search text stay behind.
_LIST_FIELDS = (
    "id",
    "tracking_id",
    "classification",
    "original_title",
    "title",
    "content",
    "incident_date",
    "kode_wilayah",
    "address",
    "latitude",
    "longitude",
    "suggested_agency_id",
    "routed_agency_id",
    "category_id",
    "tags",
    "is_anonymous",
    "is_secret",
    "channel",
    "status",
    "kadar",
    "rating_score",
    "rating_comment",
    "rated_at",
    "created_at",
    "updated_at",
)


def _q(lookups: dict[str, Any]) -> Q:
    # Lookups with computed names; spelt as Q(**{...}) mypy would match them against Q's
    # own `join_type` argument.
    return Q(**lookups)


def deadline_counts(now: datetime) -> dict[str, Count]:
    """Count expressions for a grouped query: complaints, and for each clock (but the reply
    window) the deadlines met on time and late (one missed and still unmet is late)."""
    counts: dict[str, Count] = {"complaints": Count("id")}
    for clock, (due, met) in _CLOCK_COLUMNS.items():
        if clock is Clock.REPLY_WINDOW:
            continue
        name = clock.value.lower()
        counts[f"{name}_on_time"] = Count("id", _filter=_q({f"{met}__lte": F(due)}))
        counts[f"{name}_late"] = Count(
            "id", _filter=_q({f"{met}__gt": F(due)}) | _q({f"{met}__isnull": True, f"{due}__lt": now})
        )
    return counts


def overdue_q(now: datetime) -> Q:
    """Open complaints past a deadline they have not met."""
    past = [
        _q({f"{due}__lt": now, f"{met}__isnull": True})
        for clock, (due, met) in _CLOCK_COLUMNS.items()
        if clock is not Clock.REPLY_WINDOW
    ]
    return Q(Q(*past, join_type=Q.OR), ~Q(status__in=[s.value for s in FINAL]))


async def filter_q(f: ComplaintFilter) -> Q:
    """The WHERE clause of a complaint filter."""
    q = Q()
    allowed: set[Status] | None = set(f.statuses) if f.statuses else None
    if f.buckets:
        in_buckets = {s for b in f.buckets for s in statuses_in(b)}
        allowed = in_buckets if allowed is None else allowed & in_buckets
    if allowed is not None:
        q &= Q(status__in=sorted(s.value for s in allowed))
    if f.kode_wilayah:
        q &= region_q(f.kode_wilayah)
    if f.agency_id:
        q &= Q(routed_agency_id__in=await AGENCY_TREE.subtree(f.agency_id))
    if f.category_id:
        q &= Q(category_id__in=await CATEGORY_TREE.subtree(f.category_id))
    if f.classifications:
        q &= Q(classification__in=[c.value for c in f.classifications])
    if f.channels:
        q &= Q(channel__in=[c.value for c in f.channels])
    if f.created_after:
        q &= Q(created_at__gte=f.created_after)
    if f.created_before:
        q &= Q(created_at__lt=f.created_before)
    if f.text:
        for word in fold(f.text).split():
            q &= Q(search_text__contains=word)
    return q


def _after_q(cursor: Cursor, order: SortOrder) -> Q:
    op = "lt" if order is SortOrder.NEWEST_FIRST else "gt"
    return _q({f"created_at__{op}": cursor.created_at}) | Q(
        Q(created_at=cursor.created_at), _q({f"id__{op}": cursor.id})
    )


def as_uuid(value: str) -> UUID | None:
    """The UUID a string spells, or None."""
    try:
        return UUID(value)
    except ValueError:
        return None


class ComplaintRepository:
    """Scoped reads of complaints and their reference data."""

    async def _scoped(self, scope: RowScope) -> QuerySet[ComplaintRow]:
        return ComplaintRow.filter(await scope_q(scope))

    async def get(self, scope: RowScope, *, id: str | None = None, tracking_id: str | None = None) -> Complaint | None:
        """One complaint by gateway id or tracking ID, or None if absent or out of scope."""
        qs = await self._scoped(scope)
        if id is not None:
            uuid = as_uuid(id)
            if uuid is None:
                return None
            qs = qs.filter(id=uuid)
        if tracking_id is not None:
            qs = qs.filter(tracking_id=canonical_tracking_id(tracking_id))
        if id is None and tracking_id is None:
            return None
        row = await qs.only(*_LIST_FIELDS).first()
        return rows.complaint_from_row(row) if row else None

    async def get_by_keys(self, scope: RowScope, keys: Sequence[tuple[str, str]]) -> list[Complaint | None]:
        """Complaints by ("id", value) or ("tracking_id", value) keys, in the order asked:
        one query for a whole batch of lookups."""
        uuids = [u for kind, v in keys if kind == "id" and (u := as_uuid(v)) is not None]
        tracking = [canonical_tracking_id(v) for kind, v in keys if kind == "tracking_id"]
        match = Q(id__in=uuids) | Q(tracking_id__in=tracking)
        found = await (await self._scoped(scope)).filter(match).only(*_LIST_FIELDS)
        by_id = {str(r.id): r for r in found}
        by_tracking = {r.tracking_id: r for r in found}

        def pick(kind: str, value: str) -> Complaint | None:
            if kind == "id":
                uuid = as_uuid(value)
                row = by_id.get(str(uuid)) if uuid is not None else None
            else:
                row = by_tracking.get(canonical_tracking_id(value))
            return rows.complaint_from_row(row) if row is not None else None

        return [pick(kind, value) for kind, value in keys]

    async def get_many(self, scope: RowScope, ids: Sequence[str]) -> list[Complaint | None]:
        """Complaints by id in the order asked, None where absent or out of scope."""
        uuids = [u for u in (as_uuid(i) for i in ids) if u is not None]
        found = await (await self._scoped(scope)).filter(id__in=uuids).only(*_LIST_FIELDS)
        by_id = {str(r.id): rows.complaint_from_row(r) for r in found}
        return [by_id.get(i) for i in ids]

    async def list(
        self,
        scope: RowScope,
        filter: ComplaintFilter,
        *,
        first: int,
        after: Cursor | None = None,
        order: SortOrder = SortOrder.NEWEST_FIRST,
    ) -> Page[Complaint]:
        """One page in a stable (created_at, id) order, cut after scope and filter."""
        qs = (await self._scoped(scope)).filter(await filter_q(filter))
        if after is not None:
            qs = qs.filter(_after_q(after, order))
        direction = "-" if order is SortOrder.NEWEST_FIRST else ""
        found = await qs.order_by(f"{direction}created_at", f"{direction}id").limit(first + 1).only(*_LIST_FIELDS)
        page = [rows.complaint_from_row(r) for r in found[:first]]
        return Page(
            items=page,
            cursors=[Cursor(created_at=c.created_at, id=c.id) for c in page],
            has_next_page=len(found) > first,
        )

    async def deadlines_for(self, scope: RowScope, complaint_ids: Sequence[str]) -> builtins.list[Deadlines | None]:
        """Stored deadlines per complaint, None where absent or out of scope."""
        uuids = [u for u in (as_uuid(i) for i in complaint_ids) if u is not None]
        found = await (await self._scoped(scope)).filter(id__in=uuids).only("id", "created_at", *DEADLINE_FIELDS)
        by_id = {str(r.id): rows.deadlines_from_row(r) for r in found}
        return [by_id.get(i) for i in complaint_ids]

    async def list_due(
        self,
        scope: RowScope,
        clock: Clock,
        *,
        before: datetime,
        after: datetime | None,
        filter: ComplaintFilter,
        first: int,
    ) -> builtins.list[Complaint]:
        """Open complaints whose `clock` is not met and falls due in [after, before),
        soonest (or most overdue) first."""
        due, met = _CLOCK_COLUMNS[clock]
        qs = (
            (await self._scoped(scope))
            .filter(await filter_q(filter))
            .filter(
                **{f"{due}__lt": before, f"{due}__isnull": False, f"{met}__isnull": True},
                status__not_in=[s.value for s in FINAL],
            )
        )
        if after is not None:
            qs = qs.filter(**{f"{due}__gte": after})
        found = await qs.order_by(due, "id").limit(first).only(*_LIST_FIELDS)
        return [rows.complaint_from_row(r) for r in found]

    async def performance(
        self, scope: RowScope, *, since: datetime, until: datetime, filter: ComplaintFilter
    ) -> builtins.list[AgencyPerformance]:
        """Per routed agency: deadlines met on time or late (or missed, still unmet), for
        complaints created in [since, until). Counted in SQL, within the scope."""
        counts = deadline_counts(datetime.now(UTC))
        qs = (await self._scoped(scope)).filter(await filter_q(filter), created_at__gte=since, created_at__lt=until)
        found = await qs.annotate(**counts).group_by("routed_agency_id").values("routed_agency_id", *counts)
        return sorted(
            (
                AgencyPerformance(
                    agency_id=r["routed_agency_id"],
                    complaints=r["complaints"],
                    verification_on_time=r["verification_on_time"],
                    verification_late=r["verification_late"],
                    follow_up_on_time=r["follow_up_on_time"],
                    follow_up_late=r["follow_up_late"],
                    resolution_on_time=r["resolution_on_time"],
                    resolution_late=r["resolution_late"],
                )
                for r in found
            ),
            key=lambda p: (p.agency_id or "",),
        )

    async def exists(self, *, id: str | None = None, tracking_id: str | None = None) -> bool:
        """Whether a complaint exists at all, whoever may see it (for auditing denials)."""
        if id is not None:
            uuid = as_uuid(id)
            return uuid is not None and await ComplaintRow.filter(id=uuid).exists()
        return await ComplaintRow.filter(tracking_id=canonical_tracking_id(tracking_id or "")).exists()

    async def reporters_for(
        self,
        identities: RowScope,
        anonymous_identities: RowScope,
        complaint_ids: Sequence[str],
    ) -> builtins.list[Reporter | None]:
        """Reporter identities, None where absent or not to be revealed to this caller.

        Both scopes are pushed into the query: `identities` for complaints that are not
        anonymous, `anonymous_identities` for those that are.
        """
        uuids = [u for u in (as_uuid(i) for i in complaint_ids) if u is not None]
        allowed = (Q(is_anonymous=False) & await scope_q(identities)) | (
            Q(is_anonymous=True) & await scope_q(anonymous_identities)
        )
        pairs = await ComplaintRow.filter(allowed, id__in=uuids, reporter_id__isnull=False).values_list(
            "id", "reporter_id"
        )
        people = {r.id: r for r in await ReporterRow.filter(id__in=[p for _, p in pairs])}
        by_complaint = {str(c): rows.reporter_from_row(people[p]) for c, p in pairs if p in people}
        return [by_complaint.get(i) for i in complaint_ids]

    async def count(self, scope: RowScope, filter: ComplaintFilter) -> int:
        """How many complaints match, within the scope."""
        return await (await self._scoped(scope)).filter(await filter_q(filter)).count()

    async def _children(
        self,
        model: type[M],
        scope: RowScope,
        complaint_ids: Sequence[str],
        convert: Callable[[M], R],
        order: tuple[str, ...] = ("at", "id"),
    ) -> builtins.list[builtins.list[R]]:
        uuids = [u for u in (as_uuid(i) for i in complaint_ids) if u is not None]
        grouped: dict[str, list[R]] = defaultdict(list)
        visible = (await self._scoped(scope)).filter(id__in=uuids).values("id")
        found: Iterable[Any] = await model.filter(complaint_id__in=Subquery(visible)).order_by(*order)
        for row in found:
            grouped[str(row.complaint_id)].append(convert(row))
        return [grouped.get(i, []) for i in complaint_ids]

    async def status_history_for(
        self, scope: RowScope, complaint_ids: Sequence[str]
    ) -> builtins.list[builtins.list[StatusEvent]]:
        """Status events per complaint, oldest first."""
        return await self._children(StatusEventRow, scope, complaint_ids, rows.status_event_from_row)

    async def dispositions_for(
        self, scope: RowScope, complaint_ids: Sequence[str]
    ) -> builtins.list[builtins.list[Disposition]]:
        """Disposition trail per complaint, oldest first."""
        return await self._children(DispositionRow, scope, complaint_ids, rows.disposition_from_row)

    async def follow_ups_for(
        self, scope: RowScope, complaint_ids: Sequence[str]
    ) -> builtins.list[builtins.list[FollowUp]]:
        """Follow-ups (tindak lanjut) per complaint, oldest first."""
        return await self._children(FollowUpRow, scope, complaint_ids, rows.follow_up_from_row)

    async def replies_for(
        self, scope: RowScope, complaint_ids: Sequence[str]
    ) -> builtins.list[builtins.list[ReporterReply]]:
        """Reporter replies per complaint, oldest first."""
        return await self._children(ReporterReplyRow, scope, complaint_ids, rows.reply_from_row)

    async def attachments_for(
        self, scope: RowScope, complaint_ids: Sequence[str]
    ) -> builtins.list[builtins.list[Attachment]]:
        """Attachment metadata per complaint."""
        return await self._children(AttachmentRow, scope, complaint_ids, rows.attachment_from_row, order=("id",))

    async def sources_for(
        self, scope: RowScope, complaint_ids: Sequence[str]
    ) -> builtins.list[builtins.list[SourceRef]]:
        """Every (system, id) each complaint is known by."""
        return await self._children(ComplaintSourceRow, scope, complaint_ids, rows.source_from_row, order=("id",))


class ReferenceRepository:
    """Regions, agencies and categories: public reference data, no scope needed."""

    async def agencies(
        self,
        *,
        kode_wilayah: str | None = None,
        parent_id: str | None = None,
        ids: Sequence[str] | None = None,
    ) -> list[Agency]:
        """Agencies, optionally within a region (and below it) or under a parent."""
        qs = AgencyRow.all()
        if kode_wilayah:
            qs = qs.filter(Q(kode_wilayah=kode_wilayah) | Q(kode_wilayah__startswith=kode_wilayah + "."))
        if parent_id:
            qs = qs.filter(parent_id=parent_id)
        if ids is not None:
            qs = qs.filter(id__in=list(ids))
        found = [rows.agency_from_row(r) for r in await qs.order_by("id")]
        # Parents before their units, then by id: a listing reads top-down.
        return sorted(found, key=lambda a: (_LEVEL_ORDER[a.level], a.id))

    async def categories(self) -> list[Category]:
        """The whole category tree, parents before children."""
        found = await CategoryRow.all().order_by("id")
        return [rows.category_from_row(r) for r in found]

    async def agency_ids(self) -> set[str]:
        """Every agency id (for validating input)."""
        return set(cast(list[str], await AgencyRow.all().values_list("id", flat=True)))

    async def category_ids(self) -> set[str]:
        """Every category id (for validating input)."""
        return set(cast(list[str], await CategoryRow.all().values_list("id", flat=True)))
