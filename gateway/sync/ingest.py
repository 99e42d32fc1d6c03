"""Applying one source record to the index: idempotent, with its deliveries.

Each record is one transaction: the complaint, its link (system, source id, version), its
status and follow-ups, and the outbox entries the change causes commit together or not at
all. A record is recognised, in this order, by its link; by the gateway's id it carries
(`external_ref`, when the gateway created it there); by the LAPOR! tracking ID it carries;
only then is it new. A version already applied is skipped; a status is applied when it is
further along, or when the complaint's system of record changed it itself since it was last
read, in whatever direction (a reopen, a re-disposition: the owner wins for its own
complaints; the trail says so, the change goes on to LAPOR! and is never sent back to the
owner); a follow-up whose text the complaint already has is the same one.

The rest of what a source says travels too: its list of files (attachment metadata)
replaces the list it gave before; its category and incident date fill the
complaint's when it has none (an admin's later choice is not overwritten by every read);
its own disposition to an OPD is a hop of the disposition trail, added once per OPD; its
reporter replies are replies (sent on to the other holders that can mark them as the
reporter's), and an "agency" follow-up with the words of a reply the complaint already has
is that reply read back from a system that does not say who wrote it; a follow-up is
credited to the OPD the source says answered it, else to the complaint's routed agency.
A category or OPD that names nothing in the registry is left out and said (`notes`,
shown in sync status): the complaint is stored all the same.

A record labelled by the conformance check (`penghubung connector check --write` leaves
test records in a regency system) is skipped and said, unless the index already holds it.
"""

from __future__ import annotations

import hashlib
import logging
import uuid
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from enum import StrEnum

from connectors.check_round_trip import TEST_CONTENT, TEST_REF_PREFIX, TEST_TITLE
from connectors.records import SourceComplaint, SourceFollowUp, to_canonical
from gateway.domain.submission import government_of
from gateway.store import pulls
from gateway.store.attachments import mark_origin as mark_attachment_origin
from gateway.store.attachments import replace_from_source as replace_attachments
from gateway.store.echoes import lock_complaint
from gateway.store.errors import ConstraintViolated
from gateway.store.pulls import PulledLink
from gateway.store.registry import agency_registered, unknown_agencies, unknown_categories
from gateway.store.source_details import has_disposition_to, reply_texts
from gateway.store.transactions import transaction
from gateway.store.unit_of_work import StoredComplaint, UnitOfWork, unit_of_work
from gateway.store.writer import SubmittedBy
from gateway.sync.follow_up_echo import Echo, copy_of
from gateway.sync.outbox import enqueue_if_taken
from gateway.sync.propagate import (
    announce_follow_up,
    announce_new,
    announce_status,
    follow_up_key,
    home_regency,
    is_owner,
    status_key,
)
from gateway.sync.replies import reply_key
from gateway.sync.topology import Topology
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
from schema.lifecycle import is_further, leads_to
from schema.regions import regency_of
from schema.tracking import new_tracking_id

log = logging.getLogger(__name__)

# Appended to a link's version when the record was stored without a category or OPD the
# registry or the mapping lacked (no source writes it): the version differs, so the
# record's next read applies it again.
REGISTRY_GAP = "~gap"
# The check's test text starts with this whatever a mapping trims off its end.
TEST_CONTENT_PREFIX = TEST_CONTENT.split("(")[0].strip()


class Outcome(StrEnum):
    """What applying one record did."""

    CREATED = "created"
    LINKED = "linked"  # a record we knew under another system's id
    UPDATED = "updated"
    UNCHANGED = "unchanged"
    SKIPPED = "skipped"  # the conformance check's own test record: not a complaint


@dataclass(frozen=True, slots=True)
class Ingestor:
    """Applies records from sources to the index."""

    topology: Topology
    policy: deadlines.DeadlinePolicy = deadlines.DeadlinePolicy()
    # Agency id -> its kode wilayah, and kab/kota -> its government agency, for bulk pulls
    # (the registry changes rarely; a new Ingestor per engine start reads it afresh).
    _agency_regions: dict[str, str | None] = field(default_factory=dict, compare=False, repr=False)
    # Keyed by the kab/kota (at most 514 entries), the only part of a record's code the
    # answer depends on: keyed by the record's own kecamatan or desa code, it grew with
    # every place complaints came from, for as long as the worker ran.
    _governments: dict[str | None, str | None] = field(default_factory=dict, compare=False, repr=False)
    # Registry ids found (category, agency). Only found ones: an id the registry lacks
    # may be loaded any time (`penghubung reference load`), and is looked up again.
    _known: set[tuple[str, str]] = field(default_factory=set, compare=False, repr=False)
    # How each system keeps follow-up times (its mapping's precision and zone), to
    # recognise a copy read back; a system without one is judged by each value.
    echoes: Mapping[str, Echo] = field(default_factory=dict, compare=False, repr=False)

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

        async def work() -> tuple[Outcome, str | None, list[str]]:
            said: list[str] = []  # afresh for each attempt: nothing of a failed one stays
            async with unit_of_work() as uow:
                outcome, cid = await self._apply(uow, source, record, now, said, set())
            return outcome, cid, said

        for _ in range(3):
            try:
                outcome, cid, said = await transaction(work, what=f"pull {source}/{record.source_id}")
                if cid is not None and changed is not None:
                    changed.append(cid)
                if notes is not None:
                    notes.extend(said)
                return outcome
            except ConstraintViolated:
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
        # A record whose version is applied already is no news, whatever happens meanwhile:
        # left out before anything is locked. Systems that can only be asked for "changed
        # since this date" send the whole day again on every pull; without this, each of
        # those records cost a lock and two reads per pull, growing all day.
        applied_before = await pulls.applied_versions(source, [r.source_id for r in records])
        is_fresh = [applied_before.get(r.source_id) != r.version for r in records]
        fresh = [r for r, new in zip(records, is_fresh, strict=True) if new]

        async def work() -> list[tuple[Outcome, str | None]]:
            said.clear()  # run again whole after a deadlock: nothing of a failed attempt stays
            async with unit_of_work() as uow:
                # The lock order (gateway.store.locks): every complaint of the page first, in
                # id order, before any link or status of them is written.
                locked = await self._lock_page(uow, source, fresh)
                applied = [await self._apply(uow, source, record, now, said, locked) for record in fresh]
                if then is not None:
                    await then()
            return applied

        try:
            applied = await transaction(work, what=f"pull {source}: a page of {len(fresh)}")
            if changed is not None:
                changed.extend(cid for _, cid in applied if cid is not None)
            if notes is not None:
                notes.extend(said)
            outcomes = [outcome for outcome, _ in applied]
        except ConstraintViolated:
            log.debug("ingest race on a page of %s; applying it record by record", source)
            outcomes = [await self.apply(source, record, now=now, changed=changed, notes=notes) for record in fresh]
            if then is not None:
                await then()
        in_order = iter(outcomes)
        return [next(in_order) if new else Outcome.UNCHANGED for new in is_fresh]

    async def _lock_page(self, uow: UnitOfWork, source: str, records: Sequence[SourceComplaint]) -> set[str]:
        """Lock the complaints a page may touch, in id order; returns their ids.

        Looked up in bulk the ways `_find` recognises a record (a superset does no harm:
        a complaint locked here that `_find` then does not link stays as it was)."""
        ids: set[str] = set()
        source_ids = [r.source_id for r in records]
        if source_ids:
            ids.update(await pulls.complaints_linked(source, source_ids))
        for r in records:
            if r.external_ref:
                try:
                    ids.add(str(uuid.UUID(r.external_ref)))
                except ValueError:
                    pass
        trackings = [r.lapor_tracking_id for r in records if r.lapor_tracking_id]
        if trackings and source != self.topology.national:
            ids.update(await pulls.complaints_linked(self.topology.national, trackings))
        await uow.lock(ids)
        return ids

    async def _find_locked(
        self, uow: UnitOfWork, source: str, record: SourceComplaint, locked: set[str]
    ) -> tuple[StoredComplaint | None, PulledLink | None]:
        """`_find`, with the complaint found locked (the lock order: the complaint before
        its link), and read again once it is held: what a write-through committed while
        this waited for the lock is what the record is compared with."""
        row, link = await self._find(uow, source, record)
        while row is not None and str(row.id) not in locked:
            await uow.lock([row.id])
            locked.add(str(row.id))
            row, link = await self._find(uow, source, record)
        return row, link

    async def _find(
        self, uow: UnitOfWork, source: str, record: SourceComplaint
    ) -> tuple[StoredComplaint | None, PulledLink | None]:
        link = await pulls.pulled_link(source, record.source_id)
        if link is not None:
            return await uow.complaint(link.complaint_id), link
        found: StoredComplaint | None = None
        if record.external_ref:
            try:
                cid = uuid.UUID(record.external_ref)
            except ValueError:
                cid = None
            if cid is not None:
                found = await uow.complaint(cid)
        if found is None and record.lapor_tracking_id and source != self.topology.national:
            national = await pulls.pulled_link(self.topology.national, record.lapor_tracking_id)
            if national is not None:
                found = await uow.complaint(national.complaint_id)
        if found is not None and not await self._belongs(found, source):
            # A reference is only a claim: a kab/kota's record naming a complaint routed
            # elsewhere (a typo, or a push trying to reach a complaint it may not see) is
            # not linked to it; it stays a complaint of its own.
            log.warning("%s/%s names a complaint that is not routed there; not linked", source, record.source_id)
            return None, None
        return found, None

    async def _belongs(self, row: StoredComplaint, source: str) -> bool:
        """Whether a system may hold this complaint: the national one always; a kab/kota's
        when the complaint is routed there or its creation there is in the outbox."""
        if source == self.topology.national:
            return True
        home = await self._home(row.routed_agency_id, row.kode_wilayah)
        if self.topology.regency_system(home) == source:
            return True
        return await pulls.create_queued(row.id, source)

    async def _exists(self, kind: str, id: str) -> bool:
        if (kind, id) in self._known:
            return True
        unknown = unknown_categories if kind == "category" else unknown_agencies
        if await unknown([id]):
            return False
        self._known.add((kind, id))
        return True

    async def _checked(
        self, record: SourceComplaint, notes: list[str], row: StoredComplaint | None
    ) -> tuple[SourceComplaint, bool]:
        """The record with only registry ids that exist, and whether it is stored without a
        part (the mapping or the registry lacked it); what was left out goes to `notes` (not
        a category gap of a complaint that has a category: nothing is missing there, e.g.
        one the gateway created in the source under the source's catch-all code)."""
        before = len(notes)
        has_category = row is not None and row.category_id is not None
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
        follow_ups = await self._answering(record, notes)
        gap = len(notes) > before
        if (category, unit, follow_ups) == (record.category_id, record.disposed_to, record.follow_ups):
            return record, gap
        return replace(record, category_id=category, disposed_to=unit, follow_ups=follow_ups), gap

    async def _answering(self, record: SourceComplaint, notes: list[str]) -> tuple[SourceFollowUp, ...]:
        """The follow-ups with only answering agencies the registry knows; the rest are
        credited to the routed agency, as before the source said who answered, and said."""
        out = []
        for f in record.follow_ups:
            if f.gap is not None:
                notes.append(str(f.gap))
            if f.agency is not None and not await self._exists("agency", f.agency):
                notes.append(
                    f"record {record.source_id}: follow_ups.agency: '{f.agency[:40]}' names no agency in the"
                    " registry (credited to the routed agency)"
                )
                f = replace(f, agency=None)
            out.append(f)
        return tuple(out)

    async def _apply(
        self, uow: UnitOfWork, source: str, record: SourceComplaint, now: datetime, notes: list[str], locked: set[str]
    ) -> tuple[Outcome, str | None]:
        """What happened, and to which complaint (None when nothing did). `locked`: the
        complaints this transaction holds already."""
        row, link = await self._find_locked(uow, source, record, locked)
        if row is None and _is_check_record(record):
            # Left behind by `penghubung connector check --write`: pulling it would show a
            # test to the public and file it in LAPOR!. One the index already holds stays.
            notes.append(
                f"record {record.source_id}: a labelled conformance-check test record (skipped, not a complaint)"
            )
            return Outcome.SKIPPED, None
        if link is not None and link.version == record.version:
            return Outcome.UNCHANGED, None
        if row is not None and await self._brings_follow_ups(str(row.id), source, record):
            # One at a time with a mutation writing a follow-up through this complaint's
            # system of record (it holds the row while it records it): either that
            # follow-up is in the index by the time this record's are compared, or the
            # mutation finds the copy read here and takes it over. Taken before any row of
            # this record is written, in the mutation's order (complaint, then its links).
            await lock_complaint(row.id)
        record, gap = await self._checked(record, notes, row)
        # Stored without a part the registry or the mapping lacked: the link keeps a
        # version the record never has, so its next read applies it again and fills the
        # part in once the registry entry is loaded (or the map entry added).
        version = f"{record.version[:60]}{REGISTRY_GAP}" if gap else record.version  # the column holds 64
        if row is None:
            return Outcome.CREATED, await self._create(uow, source, record, now, version)
        outcome = Outcome.UPDATED
        # What this system showed last time: the same status again is no news from it.
        base = link.status if link is not None else None
        if link is None:
            await pulls.add_pulled_link(
                row.id, source, record.source_id, version=version, synced_at=now, status=record.status
            )
            outcome = Outcome.LINKED
        else:
            await pulls.record_read(link.id, version=version, synced_at=now, status=record.status)
        # The system of record changed the status itself since we last read it: its word,
        # whatever the direction (a reopen, a re-disposition), and never sent back to it.
        owner_moved = (
            base is not None
            and record.status != base
            and await is_owner(
                source, str(row.id), await self._home(row.routed_agency_id, row.kode_wilayah), self.topology
            )
        )
        if base is None or record.status != base:
            await self._advance(uow, row, source, record, now, owner=owner_moved)
        await self._follow_ups(uow, str(row.id), source, record, row.routed_agency_id, now)
        await self._details(uow, row, source, record, now)
        await self._catch_up(
            uow, str(row.id), source, record, now, linked=outcome is Outcome.LINKED, status=not owner_moved
        )
        if source == self.topology.national:
            # LAPOR! may route it (again) to a connected kab/kota that does not have it yet.
            regency = await self._home(await self._agency(record) or row.routed_agency_id, row.kode_wilayah)
            await announce_new(str(row.id), regency_code=regency, origin=source, topology=self.topology, now=now)
        return outcome, str(row.id)

    async def _catch_up(
        self,
        uow: UnitOfWork,
        cid: str,
        source: str,
        record: SourceComplaint,
        now: datetime,
        *,
        linked: bool,
        status: bool = True,
    ) -> None:
        """The source is behind the index (a delivery it never got, or one that landed just
        before a worker died): enqueue what it lacks. Keys make this a no-op when queued.
        `status` False: the source is the system of record and just changed the status
        itself; whatever the index holds, it is not sent back there."""
        current = await uow.status_of(cid)
        if status and current is not None and current != record.status:
            # The deliverer decides whether the source really differs (in its own words)
            # and whether it moved ahead on its own. The key names the record's version:
            # once per divergence, and a later one (the source moved away again after it
            # was brought in line) is a new delivery, not blocked by the first.
            key = f"{await status_key(cid, current.value)}:behind:{_digest(record.version)}"
            await enqueue_if_taken(self.topology, source, "status", cid, key, now=now, status=current.value)
        if linked:
            have = {follow_up_key(f.text) for f in record.follow_ups}
            for held in await pulls.follow_up_keys_not_from(cid, source):
                if held and held not in have:
                    await enqueue_if_taken(
                        self.topology,
                        source,
                        "follow_up",
                        cid,
                        f"follow_up:{cid}:{held}",
                        now=now,
                        payload={"key": held},
                    )

    async def _home(self, routed: str | None, kode_wilayah: str) -> str:
        return await home_regency(routed, kode_wilayah, cache=self._agency_regions)

    async def _agency(self, record: SourceComplaint) -> str | None:
        if record.agency_id and await agency_registered(record.agency_id):
            return record.agency_id
        return None

    async def _create(self, uow: UnitOfWork, source: str, record: SourceComplaint, now: datetime, version: str) -> str:
        routed = await self._agency(record)
        if routed is None:
            regency = regency_of(record.kode_wilayah)
            if regency not in self._governments:
                self._governments[regency] = await government_of(record.kode_wilayah)
            routed = self._governments[regency]
        cid = str(uuid.uuid4())
        listed = _listed(record)
        history = [StatusEvent(Status.BELUM_TERVERIFIKASI, record.created_at, note=f"received from {source}")]
        if record.status is not Status.BELUM_TERVERIFIKASI:
            history.append(StatusEvent(record.status, record.updated_at, note=f"status in {source}"))
        complaint = replace(
            to_canonical(record, id=cid, tracking_id=new_tracking_id(), routed_agency_id=routed),
            updated_at=max(record.updated_at, record.created_at),
            sources=(SourceRef(source, record.source_id),),
            status_history=tuple(history),
            follow_ups=tuple(
                FollowUp(agency_id=f.agency or routed or source, content=f.text, at=f.at, attachments=f.attachments)
                for f in listed
            ),
            replies=tuple(ReporterReply(f.text, f.at) for f in _unique(record, by_reporter=True)),
            dispositions=(_disposition(source, record, routed),) if record.disposed_to else (),
            reporter=record.reporter,
        )
        await uow.insert([complaint], submitted_by=SubmittedBy(subject=f"connector:{source}"), policy=self.policy)
        await pulls.record_first_read(source, record.source_id, version=version, synced_at=now, status=record.status)
        await mark_attachment_origin(cid, source)
        # Stored in the order given: each row is linked to its follow-up's id there.
        for row, f in zip(await pulls.follow_ups_by_id(cid), listed, strict=False):
            await pulls.mark_pulled_follow_up(
                row.id, key=follow_up_key(row.content), system=source, source_id=f.source_id
            )
        regency = await self._home(routed, record.kode_wilayah)
        await announce_new(cid, regency_code=regency, origin=source, topology=self.topology, now=now)
        if record.lapor_tracking_id and source != self.topology.national:
            # It came from LAPOR! (the regency says so) though the index does not know that
            # tracking ID: the national create must look it up there, never make a double.
            await pulls.look_up_on_create(cid, self.topology.national, record.lapor_tracking_id)
        return cid

    async def _advance(
        self,
        uow: UnitOfWork,
        row: StoredComplaint,
        source: str,
        record: SourceComplaint,
        now: datetime,
        *,
        owner: bool = False,
    ) -> None:
        """Take the source's status: when it is further along, or (`owner`) when the system
        of record changed it itself, in whatever direction."""
        if is_further(record.status, row.status):
            # Only over a status still behind this one: a change made meanwhile by another
            # worker or in the gateway (which locks the row) is not overwritten.
            behind = [s for s in Status if is_further(record.status, s)]
            note = f"status in {source}"
        elif owner and record.status != row.status:
            behind = [row.status]
            note = _moved_back(source, row.status, record.status)
        else:
            return
        taken = await uow.change_status(row, record.status, at=now, policy=self.policy, note=note, only_from=behind)
        if not taken:
            return
        await announce_status(str(row.id), record.status.value, origin=source, topology=self.topology, now=now)

    async def _details(
        self, uow: UnitOfWork, row: StoredComplaint, source: str, record: SourceComplaint, now: datetime
    ) -> None:
        """Category, incident date, files, the source's disposition and its reporter replies,
        on a complaint the index already has."""
        cid = row.id
        await uow.fill_in(
            cid,
            category_id=record.category_id if row.category_id is None else None,
            incident_date=record.incident_date if row.incident_date is None else None,
        )
        if record.attachments is not None:
            # The source's list as it is now: a file it removed goes, one it added comes.
            await replace_attachments(str(cid), source, record.attachments)
        unit = record.disposed_to
        # Once per OPD: the same disposition read again (every later version says it) is
        # not a new hop; a disposition made in the gateway to that OPD is the same one.
        if unit is not None and not await has_disposition_to(str(cid), unit):
            await uow.add_disposition(str(cid), _disposition(source, record, row.routed_agency_id))
        replies = _unique(record, by_reporter=True)
        if replies:
            # The follow-ups' rule: a reply differing only in spacing or case is the same one.
            known = {follow_up_key(t) for t in await reply_texts(str(cid))}
            for f in replies:
                key = follow_up_key(f.text)
                if key not in known:
                    known.add(key)
                    await uow.add_reply(str(cid), f.text, f.at)
                    # Where a reply made in the gateway goes, one read from a system goes too.
                    await announce_follow_up(
                        str(cid), reply_key(f.text), origin=source, topology=self.topology, now=now, reply=True
                    )

    @staticmethod
    async def _brings_follow_ups(cid: str, source: str, record: SourceComplaint) -> bool:
        """Whether the record has a follow-up the index has not linked to its id there yet
        (or a reply it does not have)."""
        if not record.follow_ups:
            return False
        linked = {
            (str(links[source]), key)
            for links, key in await pulls.follow_up_links(cid)
            if isinstance(links, dict) and source in links
        }
        replies = {follow_up_key(t) for t in await reply_texts(cid)}
        return any(
            follow_up_key(f.text) not in replies
            if f.by_reporter
            else (f.source_id, follow_up_key(f.text)) not in linked
            for f in record.follow_ups
        )

    async def _follow_ups(
        self, uow: UnitOfWork, cid: str, source: str, record: SourceComplaint, agency: str | None, now: datetime
    ) -> None:
        """The record's follow-ups the index does not hold yet. One is held when a follow-up
        is linked to its id in this system; else when one with the same words, a fitting
        author and a time that can be its time there (`copy_of`: the system's precision, a
        date-only export included) is not linked to another of this system's follow-ups
        yet; it is linked to it then. Two with the same words in this system (two ids) are
        two follow-ups, whatever day they share."""
        if not record.follow_ups:
            return
        held = await pulls.follow_ups_by_time(cid)
        # The reporter's own words read back from a system that does not say who wrote them
        # are the reply, never an agency's answer credited to the routed agency.
        replies = {follow_up_key(t) for t in await reply_texts(cid)}
        echo = self.echoes.get(source) or Echo(source)
        linked = {(str((r.links or {})[source]), r.key) for r in held if source in (r.links or {})}
        taken = {r.id for r in held if source in (r.links or {})}
        for f in _listed(record):
            key = follow_up_key(f.text)
            if key in replies or (f.source_id, key) in linked:
                continue
            linked.add((f.source_id, key))
            row = next(
                (
                    r
                    for r in held
                    if r.id not in taken
                    and r.key == key
                    and _author_fits(r.agency_id, f.agency, agency)
                    and copy_of(echo, r.at, f.at, from_there=r.origin_system == source)
                ),
                None,
            )
            if row is not None:
                taken.add(row.id)
                await pulls.link_follow_up(row.id, {**(row.links or {}), source: f.source_id})
                continue
            created = await uow.add_follow_up(
                cid,
                agency_id=f.agency or agency or source,
                content=f.text,
                at=f.at,
                key=key,
                origin_system=source,
                attachments=f.attachments,
                links={source: f.source_id},
            )
            held.append(created)
            taken.add(created.id)
            await announce_follow_up(cid, key, origin=source, topology=self.topology, now=now)


def _moved_back(source: str, before: Status, after: Status) -> str:
    """The trail's note for a status the system of record moved back: what it was, and
    whether the gateway's own lifecycle has such a step (a reopen of a closed complaint
    has none; the system of record's word stands all the same)."""
    what = "reopened" if before in (Status.SELESAI, Status.ARSIP) else "moved back"
    rule = (
        ""
        if leads_to(before, after)
        else "; not a step the gateway's lifecycle allows, taken as the system of record's word"
    )
    return f"{what} in {source} (from {before.value}{rule})"


def _digest(text: str) -> str:
    """A short fingerprint of a record's version, for an outbox key (the column is bounded)."""
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _is_check_record(record: SourceComplaint) -> bool:
    """Whether a record carries the conformance check's label: its title, the start of its
    text (`Uji koneksi Penghubung`, "Penghubung connection test") or its reference prefix."""
    return (
        record.title == TEST_TITLE
        or record.content.startswith(TEST_CONTENT_PREFIX)
        or (record.external_ref or "").lower().startswith(TEST_REF_PREFIX)
    )


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


def _listed(record: SourceComplaint) -> list[SourceFollowUp]:
    """A record's agency follow-ups, each once by its id and words (a system listing one
    twice), in time order: the same words twice under two ids are two follow-ups."""
    seen: set[tuple[str, str]] = set()
    out = []
    for f in sorted((f for f in record.follow_ups if not f.by_reporter), key=lambda f: f.at):
        mark = (f.source_id, follow_up_key(f.text))
        if mark not in seen:
            seen.add(mark)
            out.append(f)
    return out


def _author_fits(held: str | None, read: str | None, routed: str | None) -> bool:
    """Whether a follow-up read with author `read` can be one the index credits to `held`:
    unless both name an agency and they differ (a row credited to the routed agency, for
    a system that did not say who answered, fits any)."""
    return read is None or held is None or held in (read, routed)


def _unique(record: SourceComplaint, *, by_reporter: bool) -> list[SourceFollowUp]:
    """A record's follow-ups by the reporter (replies) or by the agencies, each once by
    `follow_up_key` (a text differing only in spacing or case is the same one)."""
    seen: set[str] = set()
    out: list[SourceFollowUp] = []
    for f in record.follow_ups:
        if f.by_reporter != by_reporter:
            continue
        key = follow_up_key(f.text)
        if key not in seen:
            seen.add(key)
            out.append(f)
    return out
