"""Applying one source record to the index: idempotent, forward-only, with its deliveries.

Each record is one transaction: the complaint, its link (system, source id, version), its
status and follow-ups, and the outbox entries the change causes commit together or not at
all. A record is recognised, in this order, by its link; by the gateway's id it carries
(`external_ref`, when the gateway created it there); by the LAPOR! tracking ID it carries;
only then is it new. A version already applied is skipped; a status is applied only when
it is further along; a follow-up whose text the complaint already has is the same one.

The rest of what a source says travels too: its category and incident date fill the
complaint's when it has none (an admin's later choice is not overwritten by every read);
its own disposition to an OPD is a hop of the disposition trail, added once per OPD; its
reporter replies are replies. A category or OPD that names nothing in the registry is left
out and said (`notes`, shown in sync status): the complaint is stored all the same.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from enum import StrEnum

from connectors.records import SourceComplaint, to_canonical
from schema import deadlines
from schema.canonical import (
    Disposition,
    DispositionKind,
    FollowUp,
    ReporterReply,
    SourceRef,
    Status,
    StatusEvent,
)
from schema.lifecycle import is_further
from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from gateway.store import rows
from gateway.store.models import (
    AgencyRow,
    CategoryRow,
    ComplaintRow,
    ComplaintSourceRow,
    DispositionRow,
    FollowUpRow,
    OutboxRow,
    ReporterReplyRow,
    StatusEventRow,
)
from gateway.store.writer import SubmittedBy, deadline_columns, insert_complaints
from gateway.submission import government_of
from gateway.sync import outbox
from gateway.sync.outbox import enqueue
from gateway.sync.propagate import (
    status_key,
    announce_follow_up,
    announce_new,
    announce_status,
    follow_up_key,
    home_regency,
)
from gateway.sync.topology import Topology
from gateway.tracking import new_tracking_id

log = logging.getLogger(__name__)


class Outcome(StrEnum):
    """What applying one record did."""

    CREATED = "created"
    LINKED = "linked"  # a record we knew under another system's id
    UPDATED = "updated"
    UNCHANGED = "unchanged"


@dataclass(frozen=True, slots=True)
class Ingestor:
    """Applies records from sources to the index."""

    topology: Topology
    policy: deadlines.DeadlinePolicy = deadlines.DeadlinePolicy()
    # Agency id -> its kode wilayah, and kode -> the government agency, for bulk pulls
    # (the registry changes rarely; a new Ingestor per engine start reads it afresh).
    _agency_regions: dict[str, str | None] = field(default_factory=dict, compare=False, repr=False)
    _governments: dict[str, str | None] = field(default_factory=dict, compare=False, repr=False)
    # Registry ids already looked up (category, agency): whether each exists.
    _known: dict[tuple[str, str], bool] = field(default_factory=dict, compare=False, repr=False)

    async def apply(
        self,
        source: str,
        record: SourceComplaint,
        *,
        now: datetime,
        changed: list[str] | None = None,
        notes: list[str] | None = None,
    ) -> Outcome:
        """Apply one record; safe to repeat (a retried page applies nothing twice).
        `changed` collects the ids of the complaints it created or changed; `notes` what
        the record said that could not be stored (no personal data)."""
        for _ in range(3):
            said: list[str] = []
            try:
                async with in_transaction():
                    outcome, cid = await self._apply(source, record, now, said)
                if cid is not None and changed is not None:
                    changed.append(cid)
                if notes is not None:
                    notes.extend(said)
                return outcome
            except IntegrityError:
                # Another worker linked or created the same record first: look again.
                log.debug("ingest race on %s/%s; retrying", source, record.source_id)
        raise RuntimeError(f"{source}/{record.source_id}: could not be applied after 3 tries")

    async def apply_page(
        self,
        source: str,
        records: Sequence[SourceComplaint],
        *,
        now: datetime,
        then: Callable[[], Awaitable[object]] | None = None,
        changed: list[str] | None = None,
        notes: list[str] | None = None,
    ) -> list[Outcome]:
        """Apply a page in one transaction (with `then`, e.g. saving the cursor, inside it):
        a page costs one commit instead of one per record. If another worker races on one
        of them, the page is applied again one record per transaction. `changed` collects
        the ids of the complaints created or changed, once the page committed."""
        said: list[str] = []
        try:
            async with in_transaction():
                applied = [await self._apply(source, record, now, said) for record in records]
                if then is not None:
                    await then()
            if changed is not None:
                changed.extend(cid for _, cid in applied if cid is not None)
            if notes is not None:
                notes.extend(said)
            return [outcome for outcome, _ in applied]
        except IntegrityError:
            log.debug("ingest race on a page of %s; applying it record by record", source)
        outcomes = [await self.apply(source, record, now=now, changed=changed, notes=notes) for record in records]
        if then is not None:
            await then()
        return outcomes

    async def _find(self, source: str, record: SourceComplaint) -> tuple[ComplaintRow | None, ComplaintSourceRow | None]:
        link = await ComplaintSourceRow.filter(system=source, source_id=record.source_id).first()
        if link is not None:
            return await ComplaintRow.filter(id=link.complaint_id).first(), link  # type: ignore[attr-defined]
        found: ComplaintRow | None = None
        if record.external_ref:
            try:
                cid = uuid.UUID(record.external_ref)
            except ValueError:
                cid = None
            if cid is not None:
                found = await ComplaintRow.filter(id=cid).first()
        if found is None and record.lapor_tracking_id and source != self.topology.national:
            national = await ComplaintSourceRow.filter(
                system=self.topology.national, source_id=record.lapor_tracking_id
            ).first()
            if national is not None:
                found = await ComplaintRow.filter(id=national.complaint_id).first()  # type: ignore[attr-defined]
        if found is not None and not await self._belongs(found, source):
            # A reference is only a claim: a kab/kota's record naming a complaint routed
            # elsewhere (a typo, or a push trying to reach a complaint it may not see) is
            # not linked to it; it stays a complaint of its own.
            log.warning("%s/%s names a complaint that is not routed there; not linked", source, record.source_id)
            return None, None
        return found, None

    async def _belongs(self, row: ComplaintRow, source: str) -> bool:
        """Whether a system may hold this complaint: the national one always; a kab/kota's
        when the complaint is routed there or its creation there is in the outbox."""
        if source == self.topology.national:
            return True
        home = await self._home(row.routed_agency_id, row.kode_wilayah)  # type: ignore[attr-defined]
        if self.topology.regency_system(home) == source:
            return True
        return await OutboxRow.filter(complaint_id=row.id, destination=source, kind="create").exists()

    async def _exists(self, kind: str, id: str) -> bool:
        if (kind, id) not in self._known:
            table = CategoryRow if kind == "category" else AgencyRow
            self._known[(kind, id)] = await table.filter(id=id).exists()
        return self._known[(kind, id)]

    async def _checked(
        self, record: SourceComplaint, notes: list[str], row: ComplaintRow | None
    ) -> SourceComplaint:
        """The record with only registry ids that exist; what was left out goes to `notes`
        (not a category gap of a complaint that has a category: nothing is missing there,
        e.g. one the gateway created in the source under the source's catch-all code)."""
        has_category = row is not None and row.category_id is not None  # type: ignore[attr-defined]
        notes.extend(str(g) for g in record.warnings if not (g.field == "category_id" and has_category))
        category, unit = record.category_id, record.disposed_to
        if category is not None and not has_category and not await self._exists("category", category):
            notes.append(
                f"record {record.source_id}: category_id: '{category[:40]}' names no category in the registry"
                " (stored without it)"
            )
            category = None
        if unit is not None and not await self._exists("agency", unit):
            notes.append(
                f"record {record.source_id}: disposed_to: '{unit[:40]}' names no agency in the registry"
                " (stored without the disposition)"
            )
            unit = None
        if (category, unit) == (record.category_id, record.disposed_to):
            return record
        return replace(record, category_id=category, disposed_to=unit)

    async def _apply(
        self, source: str, record: SourceComplaint, now: datetime, notes: list[str]
    ) -> tuple[Outcome, str | None]:
        """What happened, and to which complaint (None when nothing did)."""
        row, link = await self._find(source, record)
        if link is not None and link.version == record.version:
            return Outcome.UNCHANGED, None
        record = await self._checked(record, notes, row)
        if row is None:
            return Outcome.CREATED, await self._create(source, record, now)
        outcome = Outcome.UPDATED
        # What this system showed last time: the same status again is no news from it.
        base = link.status if link is not None else None
        if link is None:
            await ComplaintSourceRow.create(
                complaint_id=row.id, system=source, source_id=record.source_id, version=record.version,
                synced_at=now, status=record.status,
            )
            outcome = Outcome.LINKED
        else:
            await ComplaintSourceRow.filter(id=link.id).update(version=record.version, synced_at=now, status=record.status)
        if base is None or record.status != base:
            await self._advance(row, source, record, now)
        await self._follow_ups(str(row.id), source, record, row.routed_agency_id, now)  # type: ignore[attr-defined]
        await self._details(row, source, record)
        await self._catch_up(str(row.id), source, record, now, linked=outcome is Outcome.LINKED)
        if source == self.topology.national:
            # LAPOR! may route it (again) to a connected kab/kota that does not have it yet.
            regency = await self._home(await self._agency(record) or row.routed_agency_id, row.kode_wilayah)  # type: ignore[attr-defined]
            await announce_new(str(row.id), regency_code=regency, origin=source, topology=self.topology, now=now)
        return outcome, str(row.id)

    async def _catch_up(self, cid: str, source: str, record: SourceComplaint, now: datetime, *, linked: bool) -> None:
        """The source is behind the index (a delivery it never got, or one that landed just
        before a worker died): enqueue what it lacks. Keys make this a no-op when queued."""
        row = await ComplaintRow.filter(id=cid).only("id", "status").first()
        current = row.status if row is not None else None
        if current is not None and current != record.status and self.topology.takes(source, "status", current.value):
            # The deliverer decides whether the source really differs (in its own words)
            # and whether it moved ahead on its own; the key makes this once per change.
            await enqueue(source, "status", cid, await status_key(cid, current.value), now=now)
        if linked and self.topology.takes(source, "follow_up"):
            have = {follow_up_key(f.text) for f in record.follow_ups}
            for key in await FollowUpRow.filter(complaint_id=cid).exclude(origin_system=source).values_list("key", flat=True):
                if key and key not in have:
                    await enqueue(source, "follow_up", cid, f"follow_up:{cid}:{key}", now=now, payload={"key": key})

    async def _home(self, routed: str | None, kode_wilayah: str) -> str:
        return await home_regency(routed, kode_wilayah, cache=self._agency_regions)

    async def _agency(self, record: SourceComplaint) -> str | None:
        if record.agency_id and await AgencyRow.filter(id=record.agency_id).exists():
            return record.agency_id
        return None

    async def _create(self, source: str, record: SourceComplaint, now: datetime) -> str:
        routed = await self._agency(record)
        if routed is None:
            if record.kode_wilayah not in self._governments:
                self._governments[record.kode_wilayah] = await government_of(record.kode_wilayah)
            routed = self._governments[record.kode_wilayah]
        cid = str(uuid.uuid4())
        history = [StatusEvent(Status.BELUM_TERVERIFIKASI, record.created_at, note=f"received from {source}")]
        if record.status is not Status.BELUM_TERVERIFIKASI:
            history.append(StatusEvent(record.status, record.updated_at, note=f"status in {source}"))
        complaint = replace(
            to_canonical(record, id=cid, tracking_id=new_tracking_id(), routed_agency_id=routed),
            updated_at=max(record.updated_at, record.created_at),
            sources=(SourceRef(source, record.source_id),),
            status_history=tuple(history),
            follow_ups=tuple(
                FollowUp(agency_id=routed or source, content=f.text, at=f.at) for f in _unique(record)
            ),
            replies=tuple(ReporterReply(f.text, f.at) for f in _replies(record)),
            dispositions=(_disposition(source, record, routed),) if record.disposed_to else (),
            reporter=record.reporter,
        )
        await insert_complaints([complaint], submitted_by=SubmittedBy(subject=f"connector:{source}"), policy=self.policy)
        await ComplaintSourceRow.filter(system=source, source_id=record.source_id).update(
            version=record.version, synced_at=now, status=record.status
        )
        await FollowUpRow.filter(complaint_id=cid).update(origin_system=source)
        for f in await FollowUpRow.filter(complaint_id=cid):
            await FollowUpRow.filter(id=f.id).update(key=follow_up_key(f.content))
        regency = await self._home(routed, record.kode_wilayah)
        await announce_new(cid, regency_code=regency, origin=source, topology=self.topology, now=now)
        if record.lapor_tracking_id and source != self.topology.national:
            # It came from LAPOR! (the regency says so) though the index does not know that
            # tracking ID: the national create must look it up there, never make a double.
            await OutboxRow.filter(
                complaint_id=cid, destination=self.topology.national, kind="create", state=outbox.PENDING
            ).update(payload={"lapor_tracking_id": record.lapor_tracking_id})
        return cid

    async def _advance(self, row: ComplaintRow, source: str, record: SourceComplaint, now: datetime) -> None:
        if not is_further(record.status, row.status):
            return
        cid = row.id
        # Only over a status still behind this one: a change made meanwhile by another
        # worker or in the gateway (which locks the row) is not overwritten.
        behind = [s for s in Status if is_further(record.status, s)]
        claimed = await ComplaintRow.filter(id=cid, status__in=behind).update(status=record.status, updated_at=now)
        if not claimed:
            return
        await StatusEventRow.create(
            complaint_id=cid, status=record.status, at=now, actor_agency_id=None, note=f"status in {source}"
        )
        history = [rows.status_event_from_row(e) for e in await StatusEventRow.filter(complaint_id=cid).order_by("at", "id")]
        due = deadlines.compute(
            created_at=row.created_at,
            kode_wilayah=row.kode_wilayah,
            kadar=row.kadar or rows.complaint_from_row(row).effective_kadar,
            status=record.status,
            history=history,
            policy=self.policy,
        )
        await ComplaintRow.filter(id=cid).update(**deadline_columns(due))
        await announce_status(str(cid), record.status.value, origin=source, topology=self.topology, now=now)

    async def _details(self, row: ComplaintRow, source: str, record: SourceComplaint) -> None:
        """Category, incident date, the source's disposition and its reporter replies, on a
        complaint the index already has."""
        cid = row.id
        filled: dict[str, object] = {}
        if row.category_id is None and record.category_id is not None:  # type: ignore[attr-defined]
            filled["category_id"] = record.category_id
        if row.incident_date is None and record.incident_date is not None:
            filled["incident_date"] = record.incident_date
        if filled:
            await ComplaintRow.filter(id=cid).update(**filled)
        unit = record.disposed_to
        # Once per OPD: the same disposition read again (every later version says it) is
        # not a new hop; a disposition made in the gateway to that OPD is the same one.
        if unit is not None and not await DispositionRow.filter(complaint_id=cid, to_agency_id=unit).exists():
            d = _disposition(source, record, row.routed_agency_id)  # type: ignore[attr-defined]
            await DispositionRow.create(
                complaint_id=cid, kind=d.kind, from_agency_id=d.from_agency_id, to_agency_id=d.to_agency_id,
                at=d.at, note=d.note,
            )
        replies = _replies(record)
        if replies:
            known = set(await ReporterReplyRow.filter(complaint_id=cid).values_list("content", flat=True))
            for f in replies:
                if f.text not in known:
                    known.add(f.text)
                    await ReporterReplyRow.create(complaint_id=cid, content=f.text, at=f.at)

    async def _follow_ups(self, cid: str, source: str, record: SourceComplaint, agency: str | None, now: datetime) -> None:
        if not record.follow_ups:
            return
        known = set(await FollowUpRow.filter(complaint_id=cid).values_list("key", flat=True))
        for f in _unique(record):
            key = follow_up_key(f.text)
            if key in known:
                continue
            known.add(key)
            await FollowUpRow.create(
                complaint_id=cid, agency_id=agency or source, content=f.text, at=f.at, key=key, origin_system=source
            )
            await announce_follow_up(cid, key, origin=source, topology=self.topology, now=now)


def _disposition(source: str, record: SourceComplaint, routed: str | None) -> Disposition:
    """The source's own disposition to an OPD, as a hop of the trail."""
    assert record.disposed_to is not None
    return Disposition(
        kind=DispositionKind.DISPOSISI,
        to_agency_id=record.disposed_to,
        at=record.disposed_at or record.updated_at,
        from_agency_id=routed,
        note=f"disposed in {source}",
    )


def _replies(record: SourceComplaint) -> list:  # type: ignore[type-arg]
    """The reporter's replies among a record's follow-ups, each text once."""
    seen: set[str] = set()
    out = []
    for f in record.follow_ups:
        if f.by_reporter and f.text not in seen:
            seen.add(f.text)
            out.append(f)
    return out


def _unique(record: SourceComplaint) -> list:  # type: ignore[type-arg]
    """The agencies' follow-ups of a record, each text once."""
    seen: set[str] = set()
    out = []
    for f in record.follow_ups:
        if f.by_reporter:
            continue
        key = follow_up_key(f.text)
        if key not in seen:
            seen.add(key)
            out.append(f)
    return out
