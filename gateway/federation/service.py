"""The federation port of one request: live reads, live lists and writes, over the
connectors the gateway runs with (none: the index answers and writes stay local)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import datetime

from auth.policy import Access
from auth.principal import Principal
from auth.scope import RowScope
from connectors.protocol import Capability, Connector
from gateway.federation.fanout import FanOut
from gateway.federation.live_list import LiveLister
from gateway.federation.live_read import LiveReader, read_by_id
from gateway.federation.write_through import WriteThrough
from gateway.settings import FederationSettings
from gateway.store.repository import ComplaintRepository
from gateway.sync.topology import Topology
from schema.canonical import Complaint
from schema.lifecycle import ActionRequest
from schema.live import Freshness, LivePage, Outcome, SourceCallsExhausted, SourceOutcome, WriteReceipt
from schema.queries import ComplaintFilter, Cursor, SortOrder
from schema.validation import ComplaintDraft


class Federation:
    """Live reads and lists through the configured connectors (the GraphQL FederationPort)."""

    def __init__(
        self,
        connectors: Mapping[str, Connector],
        topology: Topology,
        complaints: ComplaintRepository,
        settings: FederationSettings,
        *,
        max_calls: int | None = None,
    ) -> None:
        self.connectors = connectors
        # One Federation serves one request: this is the request's budget of source calls.
        self.max_calls = max_calls
        self.calls = 0
        self.deadline = settings.read_deadline
        self.reader = LiveReader(connectors, topology, deadline=settings.read_deadline)
        fanout = FanOut(connectors, topology, deadline=settings.fanout_deadline, max_pages=settings.fanout_max_pages)
        self.fanout = fanout
        self.lister = LiveLister(fanout, connectors, complaints)

    def sources_in(self, partition: str | None) -> int:
        """How many connected systems a live list over the partition calls (None: all)."""
        return len(self.fanout.systems_of(partition))

    def _spend(self, calls: int) -> None:
        if self.max_calls is not None and self.calls + calls > self.max_calls:
            raise SourceCallsExhausted(calls, self.calls, self.max_calls)
        self.calls += calls

    async def read_live(self, complaints: Sequence[Complaint]) -> list[tuple[Complaint, Freshness]]:
        """Each complaint as its owner shows it now."""
        return await self.reader.read(complaints)

    async def read_unsynced(
        self, scope: RowScope, system: str, source_id: str
    ) -> tuple[Complaint | None, SourceOutcome | None]:
        """A record a live list showed as `system:source id`, read from its source now (the
        index's complaint once it is synced). (None, None): no such source is configured;
        (None, outcome): the source failed, has no such record, or the caller may not see it."""
        connector = self.connectors.get(system)
        if connector is None:
            return None, None
        if Capability.READ_ONE not in connector.capabilities:
            return None, SourceOutcome(system, Outcome.NOT_READABLE, 0.0, "it offers no read by id")
        self._spend(1)
        record, outcome = await read_by_id(system, connector, source_id, deadline=self.deadline)
        if record is None:
            return None, outcome
        found = await self.lister.one(scope, system, record)
        return found, replace(outcome, records=int(found is not None))

    async def live_page(
        self,
        scope: RowScope,
        filter: ComplaintFilter,
        *,
        first: int,
        after: Cursor | None,
        order: SortOrder,
        now: datetime,
    ) -> LivePage[Complaint]:
        """One page of a partition as its sources show it now."""
        self._spend(self.sources_in(filter.kode_wilayah))
        return await self.lister.page(scope, filter, first=first, after=after, order=order, now=now)


class Writes:
    """Mutations of one request through the system of record (the GraphQL WritePort)."""

    def __init__(self, through: WriteThrough, connectors: Mapping[str, Connector]) -> None:
        self.through = through
        self.connectors = connectors

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
    ) -> tuple[Complaint, WriteReceipt]:
        """A lifecycle action, through the complaint's owner."""
        return await self.through.act(
            complaint_id,
            request,
            principal=principal,
            access=access,
            now=now,
            request_id=request_id,
            connectors=self.connectors,
            idempotency_key=idempotency_key,
        )

    async def submit(
        self, draft: ComplaintDraft, *, principal: Principal, now: datetime, idempotency_key: str | None = None
    ) -> tuple[Complaint, WriteReceipt]:
        """A new complaint, stored and created in its system of record."""
        return await self.through.submit(
            draft, principal=principal, now=now, connectors=self.connectors, idempotency_key=idempotency_key
        )
