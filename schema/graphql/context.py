"""The per-request GraphQL context: who is asking, what they may see, the ports, the loaders.

The ports are Protocols so that this package never imports the ORM; the gateway passes
its store implementations in. There are two sets of DataLoaders, one per view: the public
view (non-secret complaints, public fields) and the case view (the caller's case scope),
so a nested field can never be loaded under a wider scope than its parent was.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any, Protocol

from auth.audit import AuditAction
from auth.policy import Access, access_for
from auth.principal import Principal
from auth.scope import RowScope
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
from schema.deadlines import AgencyPerformance, Clock, DeadlinePolicy, Deadlines
from schema.lifecycle import ActionRequest
from schema.live import INDEX_ONLY, Freshness, LivePage, SourceOutcome, WriteReceipt
from schema.queries import ComplaintFilter, Cursor, Page, SortOrder
from schema.validation import ComplaintDraft
from strawberry.dataloader import DataLoader

if TYPE_CHECKING:
    from starlette.requests import Request
    from starlette.responses import Response
    from starlette.websockets import WebSocket

    from auth.audit import AuditFilter, AuditRecord
    from schema.graphql.connection_query import SourcesReader
    from schema.graphql.coordination_query import CountsReader
    from schema.graphql.statistics_query import StatisticsReader
    from schema.graphql.subscription import UpdatesPort
    from schema.graphql.sync_query import SyncReader


class ComplaintReader(Protocol):
    """Scoped complaint reads (implemented by gateway.store.repository)."""

    async def get(
        self, scope: RowScope, *, id: str | None = None, tracking_id: str | None = None
    ) -> Complaint | None: ...
    async def get_by_keys(
        self, scope: RowScope, keys: Sequence[tuple[str, str]]
    ) -> list[Complaint | None]: ...
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
    async def reporters_for(
        self,
        identities: RowScope,
        anonymous_identities: RowScope,
        complaint_ids: Sequence[str],
    ) -> list[Reporter | None]: ...
    async def deadlines_for(
        self, scope: RowScope, complaint_ids: Sequence[str]
    ) -> list[Deadlines | None]: ...
    async def list_due(
        self,
        scope: RowScope,
        clock: Clock,
        *,
        before: datetime,
        after: datetime | None,
        filter: ComplaintFilter,
        first: int,
    ) -> list[Complaint]: ...
    async def performance(
        self, scope: RowScope, *, since: datetime, until: datetime, filter: ComplaintFilter
    ) -> list[AgencyPerformance]: ...


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


class WritePort(Protocol):
    """Mutations through the system of record (implemented by gateway.federation)."""

    async def act(
        self,
        complaint_id: str,
        request: ActionRequest,
        *,
        principal: Principal,
        access: Access,
        now: datetime,
        request_id: str,
        idempotency_key: str | None = None,
    ) -> tuple[Complaint, WriteReceipt]: ...
    async def submit(
        self, draft: ComplaintDraft, *, principal: Principal, now: datetime, idempotency_key: str | None = None
    ) -> tuple[Complaint, WriteReceipt]: ...


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


class AuditReader(Protocol):
    """Reads the audit log, newest first (implemented by gateway.audit.read_audit)."""

    async def __call__(self, f: AuditFilter, *, first: int, after: Cursor | None) -> Page[AuditRecord]: ...


class Auditor(Protocol):
    """Notes acts for the audit log (implemented by gateway.audit.AuditTrail)."""

    def record(
        self, action: AuditAction, *, complaint_id: str | None = None, reason: str | None = None
    ) -> None: ...


def _batched(
    reader: ComplaintReader, scope: RowScope, method: str
) -> DataLoader[str, list[Any]]:
    async def load(keys: list[str]) -> list[list[Any]]:
        return list(await getattr(reader, method)(scope, keys))

    return DataLoader(load_fn=load)


@dataclass
class Loaders:
    """One DataLoader per nested collection of one view: one store query per batch."""

    status_history: DataLoader[str, list[StatusEvent]]
    dispositions: DataLoader[str, list[Disposition]]
    follow_ups: DataLoader[str, list[FollowUp]]
    replies: DataLoader[str, list[ReporterReply]]
    attachments: DataLoader[str, list[Attachment]]
    sources: DataLoader[str, list[SourceRef]]
    deadlines: DataLoader[str, Deadlines | None]

    @classmethod
    def create(cls, complaints: ComplaintReader, scope: RowScope) -> Loaders:
        """Fresh loaders for one request and one scope."""
        return cls(
            status_history=_batched(complaints, scope, "status_history_for"),
            dispositions=_batched(complaints, scope, "dispositions_for"),
            follow_ups=_batched(complaints, scope, "follow_ups_for"),
            replies=_batched(complaints, scope, "replies_for"),
            attachments=_batched(complaints, scope, "attachments_for"),
            sources=_batched(complaints, scope, "sources_for"),
            deadlines=_batched(complaints, scope, "deadlines_for"),
        )


@dataclass
class GraphQLContext:
    """What every resolver can reach through `info.context`."""

    principal: Principal
    complaints: ComplaintReader
    references: ReferenceReader
    writes: WritePort
    audit: Auditor
    max_page_size: int
    audit_reader: AuditReader  # for auditors
    statistics: StatisticsReader
    updates: UpdatesPort
    coordination: CountsReader
    deadline_policy: DeadlinePolicy = field(default_factory=DeadlinePolicy)
    request_id: str = "-"
    sources: SourcesReader | None = None  # when a sources file is configured
    sync: SyncReader | None = None  # when syncing
    federation: FederationPort | None = None  # when sources are configured
    demo: bool = False
    router_trusted: bool = False  # the request carries the federation router's shared secret
    request: Request | WebSocket | None = None
    response: Response | WebSocket | None = None
    # graphql-transport-ws connection_init payload (Strawberry sets it on a socket's context)
    connection_params: dict[str, object] | None = None
    access: Access = field(init=False)
    public_loaders: Loaders = field(init=False)
    case_loaders: Loaders = field(init=False)
    reporters: DataLoader[str, Reporter | None] = field(init=False)
    agencies: DataLoader[str, Agency | None] = field(init=False)
    categories: DataLoader[str, Category | None] = field(init=False)
    live_reads: DataLoader[Complaint, tuple[Complaint, Freshness]] = field(init=False)
    case_lookups: DataLoader[tuple[str, str], Complaint | None] = field(init=False)

    def become(self, principal: Principal) -> None:
        """Act for another principal (a WebSocket's token arrives after the context is made)."""
        self.principal = principal
        self.__post_init__()

    def refresh_loaders(self) -> None:
        """Fresh DataLoaders (a subscription lives long; its loaders' caches must not)."""
        self.__post_init__()

    def __post_init__(self) -> None:
        self.access = access_for(self.principal)
        self.public_loaders = Loaders.create(self.complaints, self.access.public)
        self.case_loaders = Loaders.create(self.complaints, self.access.cases)
        access, complaints, references = self.access, self.complaints, self.references

        async def load_reporters(keys: list[str]) -> list[Reporter | None]:
            return await complaints.reporters_for(
                access.identities, access.anonymous_identities, keys
            )

        async def load_agencies(keys: list[str]) -> list[Agency | None]:
            found = {a.id: a for a in await references.agencies(ids=keys)}
            return [found.get(k) for k in keys]

        async def load_categories(keys: list[str]) -> list[Category | None]:
            # The category tree is small; one read answers every key.
            found = {c.id: c for c in await references.categories()}
            return [found.get(k) for k in keys]

        federation = self.federation

        async def load_live(keys: list[Complaint]) -> list[tuple[Complaint, Freshness]]:
            # Every complaint a request reads live goes out in one batch: one upstream
            # call per distinct record, all at once.
            if federation is None:
                return [(k, INDEX_ONLY) for k in keys]
            return await federation.read_live(keys)

        self.live_reads = DataLoader(load_fn=load_live, cache_key_fn=lambda c: c.id)

        async def load_cases(keys: list[tuple[str, str]]) -> list[Complaint | None]:
            # Lookups by key in one request (aliases, federation entities) in one query,
            # so what follows them (live reads) batches too.
            return await complaints.get_by_keys(access.cases, keys)

        self.case_lookups = DataLoader(load_fn=load_cases)
        self.reporters = DataLoader(load_fn=load_reporters)
        self.agencies = DataLoader(load_fn=load_agencies)
        self.categories = DataLoader(load_fn=load_categories)
