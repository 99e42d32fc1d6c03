"""Read ports: complaints and their parts, reference data, statistics and coordination counts."""

from __future__ import annotations

import builtins
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Protocol

from auth.scope import RowScope
from schema import coordination as co
from schema import statistics as s
from schema.canonical import (
    Agency,
    Attachment,
    Category,
    Complaint,
    Disposition,
    FollowUp,
    Reporter,
    ReporterReply,
    SourceRef,
    StatusEvent,
)
from schema.deadlines import AgencyPerformance, Clock, Deadlines
from schema.queries import ComplaintFilter, Cursor, Page, SortOrder


class ComplaintReader(Protocol):
    """Scoped complaint reads (implemented by gateway.store.repository)."""

    async def get(
        self, scope: RowScope, *, id: str | None = None, tracking_id: str | None = None
    ) -> Complaint | None: ...
    async def get_by_keys(
        self, scope: RowScope, keys: Sequence[tuple[str, str]]
    ) -> builtins.list[Complaint | None]: ...
    async def exists(self, *, id: str | None = None, tracking_id: str | None = None) -> bool: ...
    async def list(
        self,
        scope: RowScope,
        filter: ComplaintFilter,
        *,
        first: int,
        after: Cursor | None = None,
        order: SortOrder = SortOrder.NEWEST_FIRST,
    ) -> Page[Complaint]: ...
    async def count(self, scope: RowScope, filter: ComplaintFilter) -> int: ...
    async def status_history_for(
        self, scope: RowScope, complaint_ids: Sequence[str]
    ) -> builtins.list[builtins.list[StatusEvent]]: ...
    async def dispositions_for(
        self, scope: RowScope, complaint_ids: Sequence[str]
    ) -> builtins.list[builtins.list[Disposition]]: ...
    async def follow_ups_for(
        self, scope: RowScope, complaint_ids: Sequence[str]
    ) -> builtins.list[builtins.list[FollowUp]]: ...
    async def replies_for(
        self, scope: RowScope, complaint_ids: Sequence[str]
    ) -> builtins.list[builtins.list[ReporterReply]]: ...
    async def attachments_for(
        self, scope: RowScope, complaint_ids: Sequence[str]
    ) -> builtins.list[builtins.list[Attachment]]: ...
    async def sources_for(
        self, scope: RowScope, complaint_ids: Sequence[str]
    ) -> builtins.list[builtins.list[SourceRef]]: ...
    async def reporters_for(
        self,
        identities: RowScope,
        anonymous_identities: RowScope,
        complaint_ids: Sequence[str],
    ) -> builtins.list[Reporter | None]: ...
    async def deadlines_for(self, scope: RowScope, complaint_ids: Sequence[str]) -> builtins.list[Deadlines | None]: ...
    async def list_due(
        self,
        scope: RowScope,
        clock: Clock,
        *,
        before: datetime,
        after: datetime | None,
        filter: ComplaintFilter,
        first: int,
    ) -> builtins.list[Complaint]: ...
    async def performance(
        self, scope: RowScope, *, since: datetime, until: datetime, filter: ComplaintFilter
    ) -> builtins.list[AgencyPerformance]: ...


class ReferenceReader(Protocol):
    """Agencies and categories (implemented by gateway.store.repository)."""

    async def agencies(
        self,
        *,
        kode_wilayah: str | None = None,
        parent_id: str | None = None,
        ids: Sequence[str] | None = None,
    ) -> builtins.list[Agency]: ...
    async def categories(self) -> builtins.list[Category]: ...


class StatisticsReader(Protocol):
    """Day counts within a scope (implemented by gateway.store.statistics)."""

    async def day_counts(
        self, scope: RowScope, dimension: s.Dimension, *, since: datetime, until: datetime, filter: ComplaintFilter
    ) -> Sequence[s.DayCount]: ...


class CountsReader(Protocol):
    """Grouped counts within a scope (implemented by gateway.store.coordination)."""

    async def group_counts(
        self, scope: RowScope, *, by: str, within: str | None, since: datetime, until: datetime, now: datetime
    ) -> Mapping[str | None, co.GroupCounts]: ...
