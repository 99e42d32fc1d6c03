"""A live list: fan out to a partition's sources, keep what the caller may see, merge, sort
and cut one page.

Records the index already links are read through the index query with the caller's scope
(the same SQL as an index list, so permissions cannot differ) and shown with their owner's
live status; records not synced yet are checked against the scope's grants one by one
(gateway.federation.live_scope). Paging is by the same (created_at, id) keyset as the index,
re-reading the sources for each page: a live list is as fresh as its page.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import replace
from datetime import datetime, timedelta

from auth.scope import RowScope
from connectors.protocol import Connector
from connectors.records import SourceComplaint, to_canonical
from gateway.federation.fanout import FanOut
from gateway.federation.live_read import overlay
from gateway.federation.live_scope import record_in_scope
from gateway.store.complaint_reads import known_ids
from gateway.store.outbox import pending_status_changes
from gateway.store.repository import ComplaintRepository, as_uuid
from gateway.store.source_links import complaints_holding, records_seen
from schema.canonical import Complaint, Status
from schema.live import LivePage
from schema.queries import ComplaintFilter, Cursor, SortOrder
from schema.regions import lies_in
from schema.validation import FieldError, ValidationFailed

# Ids per query: well under PostgreSQL's 32,767 parameters, whatever a fan-out returns.
CHUNK = 1000


def _chunks(values: list[str]) -> list[list[str]]:
    return [values[i : i + CHUNK] for i in range(0, len(values), CHUNK)]


# Without a created range, a live list reads what changed in this window.
DEFAULT_WINDOW = timedelta(days=30)
# Filters a live list applies; the others need the index (text search, category and
# agency subtrees, buckets, channels).
_UNSUPPORTED = {
    "buckets": "bucket",
    "agency_id": "agencyId",
    "category_id": "categoryId",
    "channels": "channel",
    "text": "text",
}


def check_live_filter(filter: ComplaintFilter) -> None:
    """Refuse filters a live list cannot apply, naming them."""
    errors = [
        FieldError(
            f"filter.{name}",
            "cannot be used with live: true",
            "status, kodeWilayah, classification, createdAfter/createdBefore",
        )
        for attr, name in _UNSUPPORTED.items()
        if getattr(filter, attr)
    ]
    if errors:
        raise ValidationFailed(errors)


def unsynced_complaint(system: str, record: SourceComplaint, *, says_secret: bool) -> Complaint:
    """A record the index does not hold yet, in the canonical shape; its id names its source.
    A record of a source that cannot say it is secret is shown (and audited) as secret, as
    the scope check took it."""
    ref = f"{system}:{record.source_id}"
    shown = to_canonical(record, id=ref, tracking_id=record.lapor_tracking_id or ref, routed_agency_id=record.agency_id)
    return shown if shown.is_secret or says_secret else replace(shown, is_secret=True)


def _wanted(c: Complaint, f: ComplaintFilter) -> bool:
    return (
        (not f.statuses or c.status in f.statuses)
        and lies_in(c.location.kode_wilayah, f.kode_wilayah)
        and (not f.classifications or c.classification in f.classifications)
        and (f.created_after is None or c.created_at >= f.created_after)
        and (f.created_before is None or c.created_at < f.created_before)
    )


class LiveLister:
    """Live pages over a FanOut, with the index for links and permissions."""

    def __init__(self, fanout: FanOut, connectors: Mapping[str, Connector], complaints: ComplaintRepository) -> None:
        self.fanout = fanout
        self.connectors = connectors
        self.complaints = complaints

    async def _links(
        self, found: list[tuple[str, SourceComplaint]], seen: dict[tuple[str, str], Status | None]
    ) -> dict[tuple[str, str], str]:
        """The index's complaint for each listed (system, source id) it knows: by the link
        table, or (a create whose answer was lost, so not linked yet) by the gateway's id
        the record carries or its LAPOR! tracking ID."""
        links: dict[tuple[str, str], str] = {}
        by_system: dict[str, list[str]] = {}
        for system, record in found:
            by_system.setdefault(system, []).append(record.source_id)
        for system, ids in by_system.items():
            for part in _chunks(ids):
                for source_id, cid, status in await records_seen(system, part):
                    links[(system, source_id)] = cid
                    seen[(system, source_id)] = status
        claims = [(s, r) for s, r in found if (s, r.source_id) not in links and (r.external_ref or r.lapor_tracking_id)]
        refs = sorted({str(u) for _, r in claims if r.external_ref and (u := as_uuid(r.external_ref))})
        tracking = sorted({r.lapor_tracking_id for _, r in claims if r.lapor_tracking_id})
        known: set[str] = set()
        for part in _chunks(refs):
            known |= await known_ids(part)
        national: dict[str, str] = {}
        for part in _chunks(tracking):
            national |= await complaints_holding(self.fanout.topology.national, part)
        for system, record in claims:
            ref = as_uuid(record.external_ref) if record.external_ref else None
            if ref is not None and str(ref) in known:
                links[(system, record.source_id)] = str(ref)
            elif record.lapor_tracking_id in national:
                links[(system, record.source_id)] = national[record.lapor_tracking_id]
        return links

    async def _visible(self, scope: RowScope, found: list[tuple[str, SourceComplaint]]) -> list[tuple[Complaint, str]]:
        seen: dict[tuple[str, str], Status | None] = {}
        links = await self._links(found, seen)
        linked = sorted(set(links.values()))
        indexed: dict[str, Complaint] = {}
        waiting: set[tuple[str, str]] = set()
        for part in _chunks(linked):  # the caller's scope, in SQL, as for an index list
            indexed |= {c.id: c for c in await self.complaints.get_many(scope, part) if c is not None}
            # Status changes accepted while a system was unreachable, still on their way.
            waiting |= await pending_status_changes(part)
        shown: dict[str, tuple[Complaint, str]] = {}
        for system, record in found:
            cid = links.get((system, record.source_id))
            if cid is not None:
                if cid in indexed:  # else outside the caller's scope
                    c = overlay(
                        indexed[cid],
                        record,
                        self.connectors[system],
                        seen=seen.get((system, record.source_id)),
                        owner_behind=(cid, system) in waiting,
                    )
                    # Listed by two systems of the partition (handed from one kab/kota to
                    # another): shown once, as the one that changed it last has it.
                    if cid not in shown or c.updated_at > shown[cid][0].updated_at:
                        shown[cid] = (c, system)
            elif await record_in_scope(scope, record, says_secret=self.connectors[system].says_secret):
                c = unsynced_complaint(system, record, says_secret=self.connectors[system].says_secret)
                shown[c.id] = (c, system)
        return list(shown.values())

    async def one(self, scope: RowScope, system: str, record: SourceComplaint) -> Complaint | None:
        """One record of `system` as the caller may see it: the index's complaint if it is
        synced (under the index's own scope), else the unsynced record if the grants hold it."""
        shown = await self._visible(scope, [(system, record)])
        return shown[0][0] if shown else None

    async def page(
        self,
        scope: RowScope,
        filter: ComplaintFilter,
        *,
        first: int,
        after: Cursor | None,
        order: SortOrder,
        now: datetime,
    ) -> LivePage[Complaint]:
        """One page of the partition `filter.kode_wilayah` as its sources show it now."""
        check_live_filter(filter)
        since = filter.created_after or now - DEFAULT_WINDOW
        found, outcomes = await self.fanout.gather(filter.kode_wilayah, since=since)
        rows = [(c, system) for c, system in await self._visible(scope, found) if _wanted(c, filter)]
        # Each source's count is of what the caller may see: no hint of the rest.
        seen = Counter(system for _, system in rows)
        outcomes = [replace(o, records=seen.get(o.system, 0)) for o in outcomes]
        newest = order is SortOrder.NEWEST_FIRST
        rows.sort(key=lambda row: (row[0].created_at, row[0].id), reverse=newest)
        total = len(rows)
        if after is not None:
            key = (after.created_at, after.id)
            rows = [
                r for r in rows if ((r[0].created_at, r[0].id) < key if newest else (r[0].created_at, r[0].id) > key)
            ]
        page = rows[:first]
        return LivePage(
            items=[c for c, _ in page],
            cursors=[Cursor(c.created_at, c.id).encode() for c, _ in page],
            has_next_page=len(rows) > first,
            systems=[system for _, system in page],
            total=total,
            sources=outcomes,
        )
