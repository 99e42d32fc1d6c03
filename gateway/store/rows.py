"""Conversions between Tortoise rows and canonical values, in both directions."""

from __future__ import annotations

from dataclasses import fields

from gateway.store.models import (
    AgencyRow,
    AttachmentRow,
    CategoryRow,
    ComplaintRow,
    ComplaintSourceRow,
    DispositionRow,
    FollowUpRow,
    RegionRow,
    ReporterReplyRow,
    ReporterRow,
    StatusEventRow,
)
from schema.canonical import (
    Agency,
    Attachment,
    Category,
    Complaint,
    Disposition,
    FollowUp,
    Location,
    Rating,
    Region,
    RegionLevel,
    Reporter,
    ReporterReply,
    SourceRef,
    StatusEvent,
)
from schema.deadlines import Deadlines


def complaint_from_row(row: ComplaintRow) -> Complaint:
    """A complaint without its nested collections (those load in batches)."""
    rating = (
        Rating(score=row.rating_score, at=row.rated_at, comment=row.rating_comment)
        if row.rating_score is not None and row.rated_at is not None
        else None
    )
    return Complaint(
        id=str(row.id),
        tracking_id=row.tracking_id,
        classification=row.classification,
        original_title=row.original_title,
        title=row.title,
        content=row.content,
        incident_date=row.incident_date,
        location=Location(
            kode_wilayah=row.kode_wilayah,
            address=row.address,
            latitude=row.latitude,
            longitude=row.longitude,
        ),
        status=row.status,
        channel=row.channel,
        category_id=row.category_id,
        suggested_agency_id=row.suggested_agency_id,
        routed_agency_id=row.routed_agency_id,
        tags=tuple(row.tags or ()),
        is_anonymous=row.is_anonymous,
        is_secret=row.is_secret,
        rating=rating,
        kadar=row.kadar,
        created_at=row.created_at,
        updated_at=row.updated_at,
    )


def agency_from_row(row: AgencyRow) -> Agency:
    """Canonical agency."""
    return Agency(
        id=row.id,
        name=row.name,
        short_name=row.short_name,
        level=row.level,
        kode_wilayah=row.kode_wilayah,
        parent_id=row.parent_id,
    )


def category_from_row(row: CategoryRow) -> Category:
    """Canonical category."""
    return Category(id=row.id, name=row.name, parent_id=row.parent_id)


def region_from_row(row: RegionRow) -> Region:
    """Canonical region."""
    return Region(
        code=row.code,
        name=row.name,
        level=RegionLevel(row.level),
        parent_code=row.parent_code,
        kind=row.kind,
    )


def attachment_from_dict(d: dict[str, object]) -> Attachment:
    """Attachment metadata stored as JSON."""
    return Attachment(
        name=str(d["name"]),
        media_type=str(d["media_type"]),
        # Older rows have no url; a size and a digest are absent where the source gave none.
        size=int(d["size"]) if d.get("size") is not None else None,  # type: ignore[call-overload]  # a stored attachment's size is an int
        sha256=str(d["sha256"]) if d.get("sha256") is not None else None,
        url=str(d["url"]) if d.get("url") is not None else None,
    )


def attachment_to_dict(a: Attachment) -> dict[str, object]:
    """Attachment metadata as JSON."""
    return {"name": a.name, "media_type": a.media_type, "size": a.size, "sha256": a.sha256, "url": a.url}


def attachment_from_row(row: AttachmentRow) -> Attachment:
    """Canonical attachment metadata."""
    return Attachment(name=row.name, media_type=row.media_type, size=row.size, sha256=row.sha256, url=row.url)


def status_event_from_row(row: StatusEventRow) -> StatusEvent:
    """Canonical status event."""
    return StatusEvent(status=row.status, at=row.at, actor_agency_id=row.actor_agency_id, note=row.note)


def disposition_from_row(row: DispositionRow) -> Disposition:
    """Canonical disposition."""
    return Disposition(
        kind=row.kind,
        from_agency_id=row.from_agency_id,
        to_agency_id=row.to_agency_id,
        at=row.at,
        note=row.note,
    )


def follow_up_from_row(row: FollowUpRow) -> FollowUp:
    """Canonical follow-up (tindak lanjut)."""
    return FollowUp(
        agency_id=row.agency_id,
        content=row.content,
        at=row.at,
        attachments=tuple(attachment_from_dict(a) for a in row.attachments or ()),
    )


def reply_from_row(row: ReporterReplyRow) -> ReporterReply:
    """Canonical reporter reply."""
    return ReporterReply(content=row.content, at=row.at)


def source_from_row(row: ComplaintSourceRow) -> SourceRef:
    """Canonical source reference."""
    return SourceRef(system=row.system, id=row.source_id)


def reporter_from_row(row: ReporterRow) -> Reporter:
    """Canonical reporter (personal data: handle with care)."""
    return Reporter(name=row.name, nik=row.nik, phone=row.phone, email=row.email)


def deadlines_from_row(row: ComplaintRow) -> Deadlines:
    """The stored deadlines of a complaint."""
    values = {f.name: getattr(row, f.name) for f in fields(Deadlines)}
    # Every complaint has a verification clock; a row written before it existed falls
    # back to its creation time (the migration fills it in).
    values["verification_due"] = values["verification_due"] or row.created_at
    return Deadlines(**values)
