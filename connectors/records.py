"""What a connector hands the gateway: one complaint as a source system knows it.

A `SourceComplaint` is canonical in its values (statuses, codes, UTC times) but keeps the
source's own identity (`source`, `source_id`) and a `version` for idempotent upserts; the
gateway assigns its own id and tracking ID when it first stores it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime

from schema.canonical import Attachment, Channel, Classification, Complaint, Location, Reporter, Status

# An upstream record before mapping: whatever JSON, XML or CSV gave us.
RawRecord = Mapping[str, object]

# The reporter's personal data: never in logs, errors or reports (their words stay out).
PERSONAL = frozenset({"reporter_name", "reporter_nik", "reporter_phone", "reporter_email"})
# Values a reason never quotes: personal data, and a file's name and link ("KTP_budi.jpg",
# ".../pelapor/0812...") that may identify the reporter too.
UNQUOTED = PERSONAL | {"attachment_name", "attachment_url"}


@dataclass(frozen=True, slots=True)
class Gap:
    """A part of a record the mapping could not carry; the record is stored without it."""

    field: str  # the canonical field, e.g. category_id
    message: str  # "record 12: category_id: the value 'X' is not in [maps.kategori] ..."

    def __str__(self) -> str:
        return self.message


@dataclass(frozen=True, slots=True)
class SourceFollowUp:
    """A follow-up (tindak lanjut) as a source lists it with its complaint."""

    source_id: str
    text: str
    at: datetime
    by_reporter: bool = False  # the reporter's reply (tanggapan pelapor), not an agency's answer
    # The agency (OPD) that answered, as a registry agency id, where the source says it
    # ([follow_ups] agency); else the complaint's routed agency is credited.
    agency: str | None = None
    # Why the source's answering agency could not be carried, e.g. a code with no map
    # entry, or a file that could not be read: reported like a record's gaps, never
    # personal data.
    gap: Gap | None = None
    attachments: tuple[Attachment, ...] = ()  # metadata of its files ([attachments] follow_ups)


@dataclass(frozen=True, slots=True)
class SourceComplaint:
    """One complaint, mapped from a source record."""

    source: str
    source_id: str
    version: str  # changes whenever the source record changes (e.g. its updated time)
    title: str
    content: str
    status: Status
    kode_wilayah: str
    created_at: datetime
    updated_at: datetime
    classification: Classification = Classification.PENGADUAN
    channel: Channel = Channel.REGENCY_SYSTEM
    address: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    category_code: str | None = None  # the source's own category code, if mapped
    lapor_tracking_id: str | None = None
    is_anonymous: bool = False
    is_secret: bool = False
    agency_id: str | None = None  # the instansi the source routes it to (national: institution_id)
    external_ref: str | None = None  # the gateway's id, when the gateway created this record
    category_id: str | None = None  # the registry's category, mapped from the source's own code
    incident_date: date | None = None  # the day it happened, in the source's time zone
    disposed_to: str | None = None  # the OPD (registry agency id) the source disposed it to
    disposed_at: datetime | None = None
    follow_ups: tuple[SourceFollowUp, ...] = ()
    # Metadata of the reporter's files as the source lists them ([attachments]), the
    # list as the source last said it; None when the mapping does not read files (then
    # nothing is said about them, and the index keeps what it has).
    attachments: tuple[Attachment, ...] | None = None
    # What the mapping could not carry but the record is still stored without it, e.g. a
    # category code with no entry in [maps.kategori]: "record 12: category_id: ...".
    # Never personal data: these are shown in sync status and logs.
    warnings: tuple[Gap, ...] = ()
    reporter: Reporter | None = field(default=None, repr=False)


def content_version(record: SourceComplaint) -> str:
    """A version that changes whenever what the gateway reads of a record changes.

    Some systems have no update time (a legacy export has only the submission date), or
    do not bump it for every change; the update time plus a digest of the mapped values
    catches a status change or a new follow-up either way.
    """
    parts = (
        record.updated_at.isoformat(),
        record.status.value,
        record.title,
        record.content,
        record.lapor_tracking_id or "",
        record.agency_id or "",
        record.category_id or "",
        record.incident_date.isoformat() if record.incident_date else "",
        record.disposed_to or "",
        record.channel.value,
        *(f"{f.source_id}:{f.text}{':pelapor' if f.by_reporter else ''}" for f in record.follow_ups),
        *(attachment_key(a) for a in record.attachments or ()),
    )
    digest = hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:16]
    return f"{record.updated_at.isoformat()}#{digest}"


def attachment_key(a: Attachment) -> str:
    """What tells one file's metadata from another's (a changed size or link is a change)."""
    return "\x1e".join((a.name, a.media_type, str(a.size), a.url or "", a.sha256 or ""))


def to_canonical(record: SourceComplaint, *, id: str, tracking_id: str, routed_agency_id: str | None) -> Complaint:
    """The record in the gateway's canonical shape, under the id and tracking ID given
    (what only the gateway knows, its history and follow-ups, left for the caller)."""
    return Complaint(
        id=id,
        tracking_id=tracking_id,
        classification=record.classification,
        original_title=record.title,
        content=record.content,
        location=Location(record.kode_wilayah, record.address, record.latitude, record.longitude),
        status=record.status,
        created_at=record.created_at,
        updated_at=record.updated_at,
        channel=record.channel,
        incident_date=record.incident_date,
        category_id=record.category_id,
        routed_agency_id=routed_agency_id,
        is_anonymous=record.is_anonymous,
        is_secret=record.is_secret,
        attachments=record.attachments or (),
    )
