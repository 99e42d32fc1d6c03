"""A live list: fan out to a partition's sources, keep what the caller may see, merge, sort
and cut one page.

Records the index already links are read through the index query with the caller's scope
(the same SQL as an index list, so permissions cannot differ) and shown with their owner's
live status; records not synced yet are checked against the scope's grants one by one
(gateway.federation.live_scope). Paging is by the same (created_at, id) keyset as the index,
re-reading the sources for each page: a live list is as fresh as its page.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta

from auth.scope import RowScope
from connectors.protocol import Connector
from connectors.records import SourceComplaint
from schema.canonical import Complaint, Location
from schema.live import LivePage
from schema.queries import ComplaintFilter, Cursor, SortOrder
from schema.validation import FieldError, ValidationFailed

from gateway.federation.fanout import FanOut, in_region
from gateway.federation.live_read import overlay
from gateway.federation.live_scope import record_in_scope
from gateway.store.models import ComplaintSourceRow
from gateway.store.repository import ComplaintRepository

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
        FieldError(f"filter.{name}", "cannot be used with live: true", "status, kodeWilayah, classification, createdAfter/createdBefore")
        for attr, name in _UNSUPPORTED.items()
        if getattr(filter, attr)
    ]
    if errors:
        raise ValidationFailed(errors)


def unsynced_complaint(system: str, record: SourceComplaint) -> Complaint:
    """A record the index does not hold yet, in the canonical shape; its id names its source."""
    ref = f"{system}:{record.source_id}"
    return Complaint(
        id=ref,
        tracking_id=record.lapor_tracking_id or ref,
        classification=record.classification,
        original_title=record.title,
        content=record.content,
        location=Location(record.kode_wilayah, record.address, record.latitude, record.longitude),
        status=record.status,
        created_at=record.created_at,
        updated_at=record.updated_at,
        channel=record.channel,
        routed_agency_id=record.agency_id,
        is_anonymous=record.is_anonymous,
        is_secret=record.is_secret,
    )


def _wanted(c: Complaint, f: ComplaintFilter) -> bool:
    return (
        (not f.statuses or c.status in f.statuses)
        and in_region(c.location.kode_wilayah, f.kode_wilayah)
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

    async def _visible(
        self, scope: RowScope, found: list[tuple[str, SourceComplaint]]
    ) -> list[tuple[Complaint, str]]:
        # One query for the links of everything listed, one (scoped) for the linked complaints.
        systems = sorted({s for s, _ in found})
        ids = sorted({r.source_id for _, r in found})
        links = {
            (x["system"], x["source_id"]): str(x["complaint_id"])
            for x in await ComplaintSourceRow.filter(system__in=systems, source_id__in=ids).values(
                "system", "source_id", "complaint_id"
            )
        } if found else {}
        linked = sorted(set(links.values()))
        indexed = {c.id: c for c in await self.complaints.get_many(scope, linked) if c is not None}
        shown: dict[str, tuple[Complaint, str]] = {}
        for system, record in found:
            cid = links.get((system, record.source_id))
            if cid is not None:
                if cid in indexed:  # else outside the caller's scope
                    c = overlay(indexed[cid], record, self.connectors[system])
                    # Listed by two systems of the partition (handed from one kab/kota to
                    # another): shown once, as the one that changed it last has it.
                    if cid not in shown or c.updated_at > shown[cid][0].updated_at:
                        shown[cid] = (c, system)
            elif await record_in_scope(scope, record):
                c = unsynced_complaint(system, record)
                shown[c.id] = (c, system)
        return list(shown.values())

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
        newest = order is SortOrder.NEWEST_FIRST
        rows.sort(key=lambda row: (row[0].created_at, row[0].id), reverse=newest)
        total = len(rows)
        if after is not None:
            key = (after.created_at, after.id)
            rows = [r for r in rows if ((r[0].created_at, r[0].id) < key if newest else (r[0].created_at, r[0].id) > key)]
        page = rows[:first]
        return LivePage(
            items=[c for c, _ in page],
            cursors=[Cursor(c.created_at, c.id).encode() for c, _ in page],
            has_next_page=len(rows) > first,
            systems=[system for _, system in page],
            total=total,
            sources=outcomes,
        )
