"""The per-request GraphQL context: who is asking (as a RowScope), the ports, the loaders.

The ports are Protocols so that this package never imports the ORM; the gateway passes
its store implementations in.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from auth.scope import RowScope
from schema.canonical import (
    Agency,
    Attachment,
    Category,
    Complaint,
    Disposition,
    FollowUp,
    ReporterReply,
    SourceRef,
    StatusEvent,
)
from schema.queries import ComplaintFilter, Cursor, Page, SortOrder
from schema.validation import ComplaintDraft
from strawberry.dataloader import DataLoader


class ComplaintReader(Protocol):
    """Scoped complaint reads (implemented by gateway.store.repository)."""

    async def get(
        self, scope: RowScope, *, id: str | None = None, tracking_id: str | None = None
    ) -> Complaint | None: ...
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
    ) -> list[list[StatusEvent]]: ...
    async def dispositions_for(
        self, scope: RowScope, complaint_ids: Sequence[str]
    ) -> list[list[Disposition]]: ...
    async def follow_ups_for(
        self, scope: RowScope, complaint_ids: Sequence[str]
    ) -> list[list[FollowUp]]: ...
    async def replies_for(
        self, scope: RowScope, complaint_ids: Sequence[str]
    ) -> list[list[ReporterReply]]: ...
    async def attachments_for(
        self, scope: RowScope, complaint_ids: Sequence[str]
    ) -> list[list[Attachment]]: ...
    async def sources_for(
        self, scope: RowScope, complaint_ids: Sequence[str]
    ) -> list[list[SourceRef]]: ...


class ReferenceReader(Protocol):
    """Agencies and categories (implemented by gateway.store.repository)."""

    async def agencies(
        self,
        *,
        kode_wilayah: str | None = None,
        parent_id: str | None = None,
        ids: Sequence[str] | None = None,
    ) -> list[Agency]: ...
    async def categories(self) -> list[Category]: ...


class Submitter(Protocol):
    """Stores new complaints (implemented by gateway.submission)."""

    async def submit(self, draft: ComplaintDraft, *, now: datetime) -> Complaint: ...


def _batched(
    reader: ComplaintReader, scope: RowScope, method: str
) -> DataLoader[str, list[Any]]:
    async def load(keys: list[str]) -> list[list[Any]]:
        return list(await getattr(reader, method)(scope, keys))

    return DataLoader(load_fn=load)


@dataclass
class Loaders:
    """One DataLoader per nested collection: one store query per batch, per request."""

    status_history: DataLoader[str, list[StatusEvent]]
    dispositions: DataLoader[str, list[Disposition]]
    follow_ups: DataLoader[str, list[FollowUp]]
    replies: DataLoader[str, list[ReporterReply]]
    attachments: DataLoader[str, list[Attachment]]
    sources: DataLoader[str, list[SourceRef]]
    agencies: DataLoader[str, Agency | None]
    categories: DataLoader[str, Category | None]

    @classmethod
    def create(
        cls, complaints: ComplaintReader, references: ReferenceReader, scope: RowScope
    ) -> Loaders:
        """Fresh loaders for one request (their caches must not outlive it)."""

        async def load_agencies(keys: list[str]) -> list[Agency | None]:
            found = {a.id: a for a in await references.agencies(ids=keys)}
            return [found.get(k) for k in keys]

        async def load_categories(keys: list[str]) -> list[Category | None]:
            # The category tree is small; one read answers every key.
            found = {c.id: c for c in await references.categories()}
            return [found.get(k) for k in keys]

        return cls(
            status_history=_batched(complaints, scope, "status_history_for"),
            dispositions=_batched(complaints, scope, "dispositions_for"),
            follow_ups=_batched(complaints, scope, "follow_ups_for"),
            replies=_batched(complaints, scope, "replies_for"),
            attachments=_batched(complaints, scope, "attachments_for"),
            sources=_batched(complaints, scope, "sources_for"),
            agencies=DataLoader(load_fn=load_agencies),
            categories=DataLoader(load_fn=load_categories),
        )


@dataclass
class GraphQLContext:
    """What every resolver can reach through `info.context`."""

    scope: RowScope
    complaints: ComplaintReader
    references: ReferenceReader
    submission: Submitter
    max_page_size: int
    loaders: Loaders = field(init=False)
    request: Any = None
    response: Any = None

    def __post_init__(self) -> None:
        self.loaders = Loaders.create(self.complaints, self.references, self.scope)
