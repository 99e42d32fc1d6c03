"""The per-request GraphQL context: who is asking, what they may see, the ports, the loaders.

The ports are Protocols (schema.ports) so that this package never imports the ORM; the
gateway passes its store implementations in. There are two sets of DataLoaders, one per
view: the public view (non-secret complaints, public fields) and the case view (the
caller's case scope), so a nested field can never be loaded under a wider scope than its
parent was.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, TypeVar

from strawberry.dataloader import DataLoader

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
from schema.deadlines import DeadlinePolicy, Deadlines
from schema.live import INDEX_ONLY, Freshness
from schema.ports.federation import FederationPort
from schema.ports.reads import ComplaintReader, ReferenceReader
from schema.ports.writes import Auditor, AuditReader, WritePort

if TYPE_CHECKING:
    from starlette.requests import Request
    from starlette.responses import Response
    from starlette.websockets import WebSocket

    from schema.ports.reads import CountsReader, StatisticsReader
    from schema.ports.sources import SourcesReader
    from schema.ports.sync import SyncReader
    from schema.ports.updates import UpdatesPort


V = TypeVar("V")


def _batched(
    load_many: Callable[[RowScope, Sequence[str]], Awaitable[Sequence[V]]], scope: RowScope
) -> DataLoader[str, V]:
    async def load(keys: list[str]) -> list[V]:
        return list(await load_many(scope, keys))

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
            status_history=_batched(complaints.status_history_for, scope),
            dispositions=_batched(complaints.dispositions_for, scope),
            follow_ups=_batched(complaints.follow_ups_for, scope),
            replies=_batched(complaints.replies_for, scope),
            attachments=_batched(complaints.attachments_for, scope),
            sources=_batched(complaints.sources_for, scope),
            deadlines=_batched(complaints.deadlines_for, scope),
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
            return await complaints.reporters_for(access.identities, access.anonymous_identities, keys)

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
