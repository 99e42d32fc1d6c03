"""`penghubung sync reconcile SOURCE`: compare a source with the index, report, repair.

It reads the whole source and sorts every difference into:
- missing in the index: the source has a record the index does not link (repaired by
  applying it, as a pull would);
- index behind: the source's status is further along, or the source is the complaint's
  system of record and changed the status itself since it was last read, in whatever
  direction (repaired by applying it);
- source behind: the index's status is further along and the source shows something
  else than that status reads as there (repaired by enqueueing a status delivery);
- missing at the source: the index links a record the source no longer lists (reported
  only: someone deleted it there, and only a person can say whether that was right);
- not delivered: a complaint that belongs in the source, with no link and no create in
  the outbox (repaired by enqueueing its creation).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from connectors.protocol import Capability
from connectors.records import SourceComplaint
from gateway.store import outbound, source_links
from gateway.store.atomic import atomic
from gateway.sync.engine import SyncEngine
from gateway.sync.outbox import enqueue_if_taken
from gateway.sync.propagate import home_regency, is_owner
from schema.canonical import Status
from schema.lifecycle import is_further

SAMPLE = 5  # ids shown per kind of difference


@dataclass
class ReconcileReport:
    """Differences found (and repaired) for one source."""

    source: str
    in_source: int = 0
    linked: int = 0
    missing_in_index: list[str] = field(default_factory=list)
    index_behind: list[str] = field(default_factory=list)
    source_behind: list[str] = field(default_factory=list)
    missing_at_source: list[str] = field(default_factory=list)
    not_delivered: list[str] = field(default_factory=list)
    repaired: bool = False

    @property
    def differences(self) -> int:
        """How many differences in all."""
        return sum(
            len(x)
            for x in (
                self.missing_in_index,
                self.index_behind,
                self.source_behind,
                self.missing_at_source,
                self.not_delivered,
            )
        )

    def render(self) -> str:
        """A readable summary with a few ids per kind."""
        lines = [
            f"{self.source}: {self.in_source} records at the source, {self.linked} linked in the index, {self.differences} differences"
        ]
        for label, ids in (
            ("missing in the index", self.missing_in_index),
            ("index behind the source", self.index_behind),
            ("source behind the index", self.source_behind),
            ("linked but no longer at the source (not repaired: check there)", self.missing_at_source),
            ("belong there but never delivered", self.not_delivered),
        ):
            if ids:
                more = f" (and {len(ids) - SAMPLE} more)" if len(ids) > SAMPLE else ""
                lines.append(f"  {len(ids):5} {label}: {', '.join(ids[:SAMPLE])}{more}")
        if self.differences:
            lines.append(
                "  repaired (the worker delivers what was enqueued)"
                if self.repaired
                else "  not repaired (run with --repair)"
            )
        return "\n".join(lines)


async def reconcile(engine: SyncEngine, source: str, *, now: datetime, repair: bool) -> ReconcileReport:
    """Compare one source with the index; with `repair`, fix what can be fixed."""
    connector = engine.connectors[source]
    report = ReconcileReport(source, repaired=repair)
    listed: dict[str, SourceComplaint] = {}
    if Capability.LIST_CHANGES in connector.capabilities:
        async for batch in connector.changes():
            for record in batch.records:
                listed[record.source_id] = record
    report.in_source = len(listed)
    link_rows = await source_links.links_in(source)
    links = {link.source_id: link.complaint_id for link in link_rows}
    shown = {link.source_id: link.status for link in link_rows}  # what the source showed when last read
    report.linked = len(links)
    found = await outbound.complaints(list(links.values()))
    statuses = {r.id: r.status for r in found}
    homes = {r.id: await home_regency(r.routed_agency_id, r.kode_wilayah) for r in found}

    async def owner_moved(sid: str, cid: str, record: SourceComplaint) -> bool:
        # The system of record changed the status itself since it was last read: its
        # word, whatever the direction; never "source behind" to be set back.
        was = shown.get(sid)
        return (
            was is not None
            and record.status not in (was, statuses[cid])
            and await is_owner(source, cid, homes[cid], engine.topology)
        )

    def seen_as(status: Status) -> Status | None:
        return connector.status_as_read(status)

    for sid, record in listed.items():
        cid = links.get(sid)
        if cid is None:
            report.missing_in_index.append(sid)
            if repair:
                await engine.ingestor.apply(source, record, now=now)
        elif is_further(record.status, statuses[cid]) or await owner_moved(sid, cid, record):
            report.index_behind.append(sid)
            if repair:
                await engine.ingestor.apply(source, record, now=now)
        elif (
            record.status != seen_as(statuses[cid])
            and seen_as(statuses[cid]) is not None
            and is_further(statuses[cid], record.status)
        ):
            report.source_behind.append(sid)
            if repair:
                value = statuses[cid].value
                async with atomic():
                    await enqueue_if_taken(
                        engine.topology,
                        source,
                        "status",
                        cid,
                        f"reconcile:{cid}:{value}:{now.isoformat()}",
                        now=now,
                        status=value,
                    )
    if Capability.LIST_CHANGES in connector.capabilities:
        report.missing_at_source = sorted(sid for sid in links if sid not in listed)
    await _undelivered(engine, source, report, now=now, repair=repair)
    return report


async def _undelivered(
    engine: SyncEngine, source: str, report: ReconcileReport, *, now: datetime, repair: bool
) -> None:
    topology = engine.topology
    code = None if source == topology.national else next(k for k, v in topology.regencies.items() if v == source)
    for row in await source_links.unlinked(source, regency_code=code):
        if source != topology.national:
            home = await home_regency(row.routed_agency_id, row.kode_wilayah)
            if topology.regency_system(home) != source:
                continue
        report.not_delivered.append(row.tracking_id)
        if repair:
            async with atomic():
                await enqueue_if_taken(topology, source, "create", row.id, f"create:{row.id}", now=now)
