"""Small reads of the complaint table outside the scoped repository: how many there are
(the demo), where they are (live-update events, a complaint's owner), which wait for a
reply whose window has passed (the worker's auto-close), and the few unscoped reads of
federation (which ids the index holds, a complaint's status, a repeated write's answer)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from gateway.store import rows
from gateway.store.models import ComplaintRow
from schema.canonical import Complaint, Status


@dataclass(frozen=True, slots=True)
class Place:
    """Where a complaint belongs: its location and the agency it is routed to."""

    id: str
    kode_wilayah: str
    routed_agency_id: str | None


async def complaint_count() -> int:
    """How many complaints the index holds."""
    return await ComplaintRow.all().count()


async def regions_of(complaint_ids: Sequence[str]) -> dict[str, str]:
    """Each complaint's kode wilayah, by id as text (unknown ids are absent); one query."""
    return {
        str(k): v for k, v in await ComplaintRow.filter(id__in=list(complaint_ids)).values_list("id", "kode_wilayah")
    }


async def reply_window_ended(*, now: datetime, limit: int) -> list[str]:
    """Up to `limit` complaints waiting for the reporter's reply whose window ended before
    `now`, the longest overdue first."""
    due = (
        await ComplaintRow.filter(status=Status.MENUNGGU_TANGGAPAN, reply_due__lt=now)
        .order_by("reply_due")
        .limit(limit)
        .values_list("id", flat=True)
    )
    return [str(cid) for cid in due]


async def places_of(complaint_ids: Sequence[str]) -> list[Place]:
    """Each complaint's place (unknown ids are absent); one query."""
    found = await ComplaintRow.filter(id__in=list(complaint_ids)).values("id", "kode_wilayah", "routed_agency_id")
    return [Place(str(p["id"]), p["kode_wilayah"], p["routed_agency_id"]) for p in found]


async def known_ids(complaint_ids: Sequence[str]) -> set[str]:
    """Which of these ids the index holds; one query."""
    return {str(i) for i in await ComplaintRow.filter(id__in=list(complaint_ids)).values_list("id", flat=True)}


async def status_of(complaint_id: str) -> Status | None:
    """The complaint's status in the index (None: no such complaint)."""
    row = await ComplaintRow.filter(id=complaint_id).only("id", "status").first()
    return row.status if row is not None else None


async def complaint_unscoped(complaint_id: str) -> Complaint:
    """The complaint with this id, whoever asks (without its nested collections); for an
    answer the caller's own scope re-reads.

    Raises the ORM's DoesNotExist when there is none."""
    return rows.complaint_from_row(await ComplaintRow.get(id=complaint_id))
