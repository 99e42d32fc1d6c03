"""Fanning one list read out to every source of a partition, concurrently, under one deadline.

A partition is a kode wilayah prefix: "16" is every connected kab/kota of Sumatera
Selatan, "16.05" one of them. Every source is called at once (each under its own
connection cap and circuit breaker, in its UpstreamClient), so the whole read takes as long
as the slowest source that answers, and at most the deadline; a source that fails is an
outcome in the answer, not a failed query. A source lists what changed since a time where
it can filter by time (the `changes` cursor), and is read for at most `max_pages` pages.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from contextlib import aclosing
from dataclasses import dataclass, replace
from datetime import datetime

from connectors.protocol import Capability, Connector
from connectors.records import SourceComplaint
from gateway.federation.calls import call_source
from gateway.sync.topology import Topology
from schema.live import Outcome, SourceOutcome
from schema.regions import lies_in, provinces_and_regencies


def _overlaps(regency: str, partition: str | None) -> bool:
    """Whether a kab/kota lies in the partition, or the partition in it (a kecamatan)."""
    return lies_in(regency, partition) or (partition is not None and lies_in(partition, regency))


@dataclass(frozen=True, slots=True)
class Fetched:
    """What one source listed."""

    records: list[SourceComplaint]
    truncated: bool
    unreadable: int = 0  # records its mapping could not read (left out)


class FanOut:
    """Concurrent list reads of the sources of a partition."""

    def __init__(
        self, connectors: Mapping[str, Connector], topology: Topology, *, deadline: float, max_pages: int = 3
    ) -> None:
        self.connectors = connectors
        self.topology = topology
        self.deadline = deadline
        self.max_pages = max_pages

    def systems_of(self, partition: str | None) -> list[str]:
        """The connected kab/kota systems whose region overlaps the partition."""
        return sorted(name for code, name in self.topology.regencies.items() if _overlaps(code, partition))

    async def _list(self, connector: Connector, since: datetime | None) -> Fetched:
        records: list[SourceComplaint] = []
        pages = unreadable = 0
        cursor = connector.cursor_for(since) if since is not None else None
        async with aclosing(connector.changes(cursor)) as batches:  # type: ignore[type-var]  # changes() is an async generator; the protocol says only AsyncIterator
            async for batch in batches:
                records.extend(batch.records)
                unreadable += len(batch.rejected)
                pages += 1
                if pages >= self.max_pages:
                    return Fetched(records, truncated=True, unreadable=unreadable)
        return Fetched(records, truncated=False, unreadable=unreadable)

    async def _one(self, system: str, since: datetime | None) -> tuple[Fetched | None, SourceOutcome]:
        connector = self.connectors.get(system)
        if connector is None:
            return None, SourceOutcome(system, Outcome.ERROR, 0.0, "no connector is configured for it")
        if Capability.LIST_CHANGES not in connector.capabilities:
            return None, SourceOutcome(system, Outcome.NOT_READABLE, 0.0, "it offers no list to read")
        fetched, outcome = await call_source(system, lambda: self._list(connector, since), deadline=self.deadline)
        if fetched is not None:
            note = (
                f"{fetched.unreadable} of its records could not be read by its mapping" if fetched.unreadable else None
            )
            outcome = replace(outcome, records=len(fetched.records), truncated=fetched.truncated, error=note)
        return fetched, outcome

    def unconnected_in(self, partition: str | None) -> list[SourceOutcome]:
        """The kab/kota of the partition with no connected system: a live list cannot ask
        them (LAPOR! holds their complaints; the index answers with live: false)."""
        return [
            SourceOutcome(
                f"{r.code} (not connected)",
                Outcome.NOT_READABLE,
                0.0,
                "not connected; its complaints are in LAPOR! and the index (live: false)",
            )
            for r in provinces_and_regencies()
            if len(r.code) == 5 and r.code not in self.topology.regencies and _overlaps(r.code, partition)
        ]

    async def gather(
        self, partition: str | None, *, since: datetime | None
    ) -> tuple[list[tuple[str, SourceComplaint]], list[SourceOutcome]]:
        """Every record the partition's sources list, with the system it came from, and
        each source's outcome (in system order), then the kab/kota it cannot ask."""
        systems = self.systems_of(partition)
        answers = await asyncio.gather(*(self._one(s, since) for s in systems))
        records = [(s, r) for s, (fetched, _) in zip(systems, answers, strict=True) if fetched for r in fetched.records]
        return records, [outcome for _, outcome in answers] + self.unconnected_in(partition)
