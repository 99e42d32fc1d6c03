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
from functools import cached_property
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


class Loaders:
    """One DataLoader per nested collection of one view: one store query per batch.

    Each is made when a resolver first asks for it: most operations read one or two nested
    collections, and every loader made is garbage for the collector once the request ends.
    """

    def __init__(self, complaints: ComplaintReader, scope: RowScope) -> None:
        self._complaints = complaints
        self._scope = scope

    @classmethod
    def create(cls, complaints: ComplaintReader, scope: RowScope) -> Loaders:
        """Fresh loaders for one request and one scope."""
        return cls(complaints, scope)

    @cached_property
    def status_history(self) -> DataLoader[str, list[StatusEvent]]:
        return _batched(self._complaints.status_history_for, self._scope)

    @cached_property
    def dispositions(self) -> DataLoader[str, list[Disposition]]:
        return _batched(self._complaints.dispositions_for, self._scope)

    @cached_property
    def follow_ups(self) -> DataLoader[str, list[FollowUp]]:
        return _batched(self._complaints.follow_ups_for, self._scope)

    @cached_property
    def replies(self) -> DataLoader[str, list[ReporterReply]]:
        return _batched(self._complaints.replies_for, self._scope)

    @cached_property
    def attachments(self) -> DataLoader[str, list[Attachment]]:
        return _batched(self._complaints.attachments_for, self._scope)

    @cached_property
    def sources(self) -> DataLoader[str, list[SourceRef]]:
        return _batched(self._complaints.sources_for, self._scope)

    @cached_property
    def deadlines(self) -> DataLoader[str, Deadlines | None]:
        return _batched(self._complaints.deadlines_for, self._scope)


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

    def become(self, principal: Principal) -> None:
        """Act for another principal (a WebSocket's token arrives after the context is made)."""
        self.principal = principal
        self.__post_init__()

    def refresh_loaders(self) -> None:
        """Fresh DataLoaders (a subscription lives long; its loaders' caches must not)."""
        for name in _PER_REQUEST:
            self.__dict__.pop(name, None)

    def release(self) -> None:
        """Let go of what one request made, once its answer is rendered.

        graphql-core's execution context refers to itself (bound methods on it) and to this
        context, so this context lives until the cycle collector finds it; dropped here, the
        loaders, their caches and the request are freed at once instead of piling up in
        the collector's older generations, whose full scans are the longest pauses.
        """
        self.refresh_loaders()
        self.request = None
        self.response = None

    def __post_init__(self) -> None:
        self.access = access_for(self.principal)
        self.refresh_loaders()

    # The loaders below are made on first use. None of their load functions refers to this
    # context (only to what they read through), so that dropping them frees them.

    @cached_property
    def public_loaders(self) -> Loaders:
        return Loaders.create(self.complaints, self.access.public)

    @cached_property
    def case_loaders(self) -> Loaders:
        return Loaders.create(self.complaints, self.access.cases)

    @cached_property
    def reporters(self) -> DataLoader[str, Reporter | None]:
        access, complaints = self.access, self.complaints

        async def load_reporters(keys: list[str]) -> list[Reporter | None]:
            return await complaints.reporters_for(access.identities, access.anonymous_identities, keys)

        return DataLoader(load_fn=load_reporters)

    @cached_property
    def agencies(self) -> DataLoader[str, Agency | None]:
        references = self.references

        async def load_agencies(keys: list[str]) -> list[Agency | None]:
            found = {a.id: a for a in await references.agencies(ids=keys)}
            return [found.get(k) for k in keys]

        return DataLoader(load_fn=load_agencies)

    @cached_property
    def categories(self) -> DataLoader[str, Category | None]:
        references = self.references

        async def load_categories(keys: list[str]) -> list[Category | None]:
            # The category tree is small; one read answers every key.
            found = {c.id: c for c in await references.categories()}
            return [found.get(k) for k in keys]

        return DataLoader(load_fn=load_categories)

    @cached_property
    def live_reads(self) -> DataLoader[Complaint, tuple[Complaint, Freshness]]:
        federation = self.federation

        async def load_live(keys: list[Complaint]) -> list[tuple[Complaint, Freshness]]:
            # Every complaint a request reads live goes out in one batch: one upstream
            # call per distinct record, all at once.
            if federation is None:
                return [(k, INDEX_ONLY) for k in keys]
            return await federation.read_live(keys)

        return DataLoader(load_fn=load_live, cache_key_fn=_complaint_id)

    @cached_property
    def case_lookups(self) -> DataLoader[tuple[str, str], Complaint | None]:
        access, complaints = self.access, self.complaints

        async def load_cases(keys: list[tuple[str, str]]) -> list[Complaint | None]:
            # Lookups by key in one request (aliases, federation entities) in one query,
            # so what follows them (live reads) batches too.
            return await complaints.get_by_keys(access.cases, keys)

        return DataLoader(load_fn=load_cases)


def _complaint_id(complaint: Complaint) -> str:
    return complaint.id


# What `refresh_loaders` and `release` drop: everything made per request on first use.
_PER_REQUEST = ("public_loaders", "case_loaders", "reporters", "agencies", "categories", "live_reads", "case_lookups")
