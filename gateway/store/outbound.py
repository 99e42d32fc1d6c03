"""What a delivery reads of the index to send a complaint to another system: the complaint
as it stands now, its reporter (where that system may see them), the note of its current
status, its follow-ups and the reporter's replies, and its place in the status history."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import cast

from gateway.store import rows
from gateway.store.models import ComplaintRow, FollowUpRow, ReporterReplyRow, ReporterRow, StatusEventRow
from schema.canonical import Channel, Classification, Reporter, ReporterReply, Status


@dataclass(frozen=True, slots=True)
class OutboundComplaint:
    """The complaint's columns a delivery sends or decides by."""

    id: str
    status: Status
    title: str | None
    original_title: str
    content: str
    kode_wilayah: str
    created_at: datetime
    classification: Classification
    channel: Channel
    incident_date: date | None
    category_id: str | None
    address: str | None
    latitude: float | None
    longitude: float | None
    routed_agency_id: str | None
    is_anonymous: bool
    is_secret: bool
    reporter_id: str | None  # the reporter's identity is read apart, only where it may go


@dataclass(frozen=True, slots=True)
class OutboundFollowUp:
    """A follow-up's words, when and by whom (its files are not sent)."""

    agency_id: str
    content: str
    at: datetime


def _outbound(row: ComplaintRow) -> OutboundComplaint:
    reporter_id = row.reporter_id
    return OutboundComplaint(
        id=str(row.id),
        status=row.status,
        title=row.title,
        original_title=row.original_title,
        content=row.content,
        kode_wilayah=row.kode_wilayah,
        created_at=row.created_at,
        classification=row.classification,
        channel=row.channel,
        incident_date=row.incident_date,
        category_id=row.category_id,
        address=row.address,
        latitude=row.latitude,
        longitude=row.longitude,
        routed_agency_id=row.routed_agency_id,
        is_anonymous=row.is_anonymous,
        is_secret=row.is_secret,
        reporter_id=str(reporter_id) if reporter_id is not None else None,
    )


async def complaint(complaint_id: str) -> OutboundComplaint | None:
    """The complaint as it stands now (None: deleted)."""
    row = await ComplaintRow.filter(id=complaint_id).first()
    return _outbound(row) if row is not None else None


async def complaints(complaint_ids: list[str]) -> list[OutboundComplaint]:
    """These complaints as they stand now (deleted ones are absent); one query."""
    return [_outbound(row) for row in await ComplaintRow.filter(id__in=complaint_ids)]


async def reporter(reporter_id: str) -> Reporter | None:
    """The reporter's identity (personal data: only for a system that may see it)."""
    found = await ReporterRow.filter(id=reporter_id).first()
    return rows.reporter_from_row(found) if found else None


async def status_note(complaint_id: str, status: Status) -> str | None:
    """The note of the latest status event that reached `status` (None: no such event or no note)."""
    event = await StatusEventRow.filter(complaint_id=complaint_id, status=status).order_by("-at", "-id").first()
    return event.note if event is not None else None


async def status_steps(complaint_id: str) -> int:
    """How many steps the complaint's status history has."""
    return await StatusEventRow.filter(complaint_id=complaint_id).count()


async def follow_up_keys(complaint_id: str) -> list[str]:
    """The fingerprints of the complaint's follow-ups (those that have one)."""
    keys = cast(list[str | None], await FollowUpRow.filter(complaint_id=complaint_id).values_list("key", flat=True))
    return [k for k in keys if k]


async def follow_up(complaint_id: str, key: str) -> OutboundFollowUp | None:
    """The complaint's follow-up with this fingerprint (None: deleted)."""
    found = await FollowUpRow.filter(complaint_id=complaint_id, key=key).first()
    return OutboundFollowUp(found.agency_id, found.content, found.at) if found is not None else None


async def replies(complaint_id: str) -> list[ReporterReply]:
    """The reporter's replies to the complaint, oldest first."""
    return [
        rows.reply_from_row(r) for r in await ReporterReplyRow.filter(complaint_id=complaint_id).order_by("at", "id")
    ]
