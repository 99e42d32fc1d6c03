"""Reading complaints live from their owners, in one batch per request.

The complaint is found in the index first, within the caller's scope: whether a caller may
see it is never the source's decision. Its owner's copy then supplies what changes there
(the status, the last update); a status the owner shows only in its own coarser words is
not news. When the owner cannot answer in time, the index's values are the answer, marked
stale, with when they were last synced and what failed.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping, Sequence
from dataclasses import replace

from connectors.protocol import Capability, Connector
from connectors.records import SourceComplaint
from gateway.federation.calls import call_source
from gateway.federation.owner import Owner, owners_of
from gateway.store.outbox import pending_status_changes
from gateway.sync.topology import Topology
from schema.canonical import Complaint, Status
from schema.lifecycle import is_further
from schema.live import INDEX_ONLY, Freshness, Outcome, SourceOutcome


def overlay(
    indexed: Complaint,
    record: SourceComplaint,
    connector: Connector,
    *,
    seen: Status | None = None,
    owner_behind: bool = False,
) -> Complaint:
    """The indexed complaint with what its owner shows now.

    The owner's status is news only when it differs from what it showed when last synced
    (`seen`) and is not just the index's status in the owner's own, maybe coarser, words; a
    system that cannot express the index's status (no word for it) or has a change still on
    its way to it (`owner_behind`) is not taken to have moved back, unless it moved further
    on its own."""
    as_owner_words = connector.status_as_read(indexed.status)
    status = record.status
    if (
        record.status in (indexed.status, as_owner_words)
        or (seen is not None and record.status == seen)
        or ((owner_behind or as_owner_words is None) and not is_further(record.status, indexed.status))
    ):
        status = indexed.status
    return replace(indexed, status=status, updated_at=max(indexed.updated_at, record.updated_at))


async def read_by_id(
    system: str, connector: Connector, source_id: str, *, deadline: float
) -> tuple[SourceComplaint | None, SourceOutcome]:
    """One record from its source within `deadline`; an answer without it is NOT_FOUND."""
    record, outcome = await call_source(system, lambda: connector.read_one(source_id), deadline=deadline)
    if outcome.outcome is Outcome.OK and record is None:
        outcome = replace(outcome, outcome=Outcome.NOT_FOUND, error=f"it has no record {source_id}")
    return record, outcome


class LiveReader:
    """Live reads through the configured connectors, each within `deadline` seconds."""

    def __init__(self, connectors: Mapping[str, Connector], topology: Topology, *, deadline: float) -> None:
        self.connectors = connectors
        self.topology = topology
        self.deadline = deadline

    async def _one(
        self, indexed: Complaint, owner: Owner, waiting: set[tuple[str, str]]
    ) -> tuple[Complaint, Freshness]:
        connector = self.connectors.get(owner.system)
        if connector is None:
            failed = SourceOutcome(owner.system, Outcome.ERROR, 0.0, "no connector is configured for it")
            return indexed, Freshness(live=False, stale=True, synced_at=owner.synced_at, source=failed)
        if Capability.READ_ONE not in connector.capabilities:
            unread = SourceOutcome(
                owner.system, Outcome.NOT_READABLE, 0.0, "it offers no read by id; the index answers"
            )
            return indexed, Freshness(live=False, stale=False, synced_at=owner.synced_at, source=unread)
        record, outcome = await read_by_id(owner.system, connector, owner.source_id, deadline=self.deadline)
        if record is None:
            return indexed, Freshness(live=False, stale=True, synced_at=owner.synced_at, source=outcome)
        behind = (indexed.id, owner.system) in waiting
        current = overlay(indexed, record, connector, seen=owner.seen, owner_behind=behind)
        return current, Freshness(live=True, stale=False, synced_at=owner.synced_at, source=replace(outcome, records=1))

    async def read(self, complaints: Sequence[Complaint]) -> list[tuple[Complaint, Freshness]]:
        """Each complaint as its owner shows it now (or the index's, marked); the owners
        are found in one batch and called concurrently, one call per distinct record."""
        owners = await owners_of([c.id for c in complaints], self.topology)
        # Status changes accepted while their owner was unreachable, still on their way.
        waiting = await pending_status_changes(list(owners)) if owners else set()
        calls: dict[str, asyncio.Task[tuple[Complaint, Freshness]]] = {}
        async with asyncio.TaskGroup() as group:
            for c in complaints:
                if c.id in owners and c.id not in calls:
                    calls[c.id] = group.create_task(self._one(c, owners[c.id], waiting))
        return [calls[c.id].result() if c.id in calls else (c, INDEX_ONLY) for c in complaints]
