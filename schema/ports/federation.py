"""The federation port: live reads from the systems that own complaints."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Protocol

from auth.scope import RowScope
from schema.canonical import Complaint
from schema.live import Freshness, LivePage, SourceOutcome
from schema.queries import ComplaintFilter, Cursor, SortOrder


class FederationPort(Protocol):
    """Live reads from the systems that own complaints (implemented by gateway.federation)."""

    async def read_live(self, complaints: Sequence[Complaint]) -> list[tuple[Complaint, Freshness]]: ...
    def sources_in(self, partition: str | None) -> int: ...
    async def read_unsynced(
        self, scope: RowScope, system: str, source_id: str
    ) -> tuple[Complaint | None, SourceOutcome | None]: ...
    async def live_page(
        self,
        scope: RowScope,
        filter: ComplaintFilter,
        *,
        first: int,
        after: Cursor | None,
        order: SortOrder,
        now: datetime,
    ) -> LivePage[Complaint]: ...
