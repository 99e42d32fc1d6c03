"""The canonical complaint model: the contract every connector produces and the store keeps.

Plain frozen dataclasses and enums, with no ORM or GraphQL inside. Field names follow the
LAPOR! v3 complaint form where one exists (docs/domain.md §2.1, §3.3); Indonesian domain terms
keep their names in the enum values (tindak lanjut, disposisi, kode wilayah).

Timestamps are always timezone-aware and normalised to UTC here; a complaint is *shown* in
its region's zone (WIB/WITA/WIT), see `schema.regions.zone_for`.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import UTC, date, datetime


class Classification(enum.Enum):
    """Klasifikasi laporan: what kind of submission this is."""

    PENGADUAN = "PENGADUAN"  # a complaint about a public service
    PERMINTAAN_INFORMASI = "PERMINTAAN_INFORMASI"  # an information request (UU 14/2008)
    ASPIRASI = "ASPIRASI"  # a suggestion or aspiration


class Status(enum.Enum):
    """Canonical lifecycle status (docs/domain.md §1.3)."""

    SUBMITTED = "SUBMITTED"  # written, not yet in the verification queue
    BELUM_TERVERIFIKASI = "BELUM_TERVERIFIKASI"  # waiting for verification
    TUNDA = "TUNDA"  # on hold, e.g. waiting for the reporter's clarification
    TERVERIFIKASI = "TERVERIFIKASI"  # verified
    DIDISPOSISIKAN = "DIDISPOSISIKAN"  # disposed (forwarded) to an agency or unit
    DILIMPAHKAN = "DILIMPAHKAN"  # delegated to another agency (bukan wewenang)
    DITINDAKLANJUTI = "DITINDAKLANJUTI"  # a tindak lanjut (follow-up) was posted
    MENUNGGU_TANGGAPAN = "MENUNGGU_TANGGAPAN"  # waiting for the reporter's reply
    SELESAI = "SELESAI"  # closed
    ARSIP = "ARSIP"  # archived with a reason


class PublicBucket(enum.Enum):
    """The three tabs citizens see: Belum / Proses / Selesai."""

    WAITING = "WAITING"
    PROCESS = "PROCESS"
    DONE = "DONE"


_BUCKETS: dict[Status, PublicBucket] = {
    Status.SUBMITTED: PublicBucket.WAITING,
    Status.BELUM_TERVERIFIKASI: PublicBucket.WAITING,
    Status.TUNDA: PublicBucket.WAITING,
    Status.TERVERIFIKASI: PublicBucket.PROCESS,
    Status.DIDISPOSISIKAN: PublicBucket.PROCESS,
    Status.DILIMPAHKAN: PublicBucket.PROCESS,
    Status.DITINDAKLANJUTI: PublicBucket.PROCESS,
    Status.MENUNGGU_TANGGAPAN: PublicBucket.PROCESS,
    Status.SELESAI: PublicBucket.DONE,
    Status.ARSIP: PublicBucket.DONE,
}


def bucket_of(status: Status) -> PublicBucket:
    """Return the public bucket a status is shown in."""
    return _BUCKETS[status]


def statuses_in(bucket: PublicBucket) -> tuple[Status, ...]:
    """Return every status shown in a public bucket, in lifecycle order."""
    return tuple(s for s in Status if _BUCKETS[s] is bucket)


class Channel(enum.Enum):
    """Where the complaint was written."""

    WEB = "WEB"
    MOBILE_APP = "MOBILE_APP"
    SMS = "SMS"  # 1708
    WHATSAPP = "WHATSAPP"
    TWITTER = "TWITTER"
    EMAIL = "EMAIL"
    HOTLINE = "HOTLINE"
    WALK_IN = "WALK_IN"  # written down by an operator at a service desk
    REGENCY_SYSTEM = "REGENCY_SYSTEM"  # arrived from a regency's own system


class AgencyLevel(enum.Enum):
    """Where an agency (instansi) sits in the government hierarchy."""

    NATIONAL = "NATIONAL"  # kementerian/lembaga, and LAPOR! itself
    PROVINCE = "PROVINCE"  # pemerintah provinsi
    REGENCY = "REGENCY"  # pemerintah kabupaten
    CITY = "CITY"  # pemerintah kota
    UNIT = "UNIT"  # OPD / unit kerja under one of the above


class RegionLevel(enum.Enum):
    """Level of a kode wilayah (Kemendagri region code)."""

    PROVINCE = 1  # NN
    REGENCY = 2  # NN.NN (kabupaten or kota)
    DISTRICT = 3  # NN.NN.NN (kecamatan)
    VILLAGE = 4  # NN.NN.NN.NNNN (desa/kelurahan)


class Kadar(enum.Enum):
    """Kadar pengawasan: how much handling a complaint needs, which sets its resolution time."""

    DARURAT = "DARURAT"  # an emergency: 1 working day
    PERMINTAAN_INFORMASI = "PERMINTAAN_INFORMASI"  # an information request: 5 working days
    TIDAK_BERPENGAWASAN = "TIDAK_BERPENGAWASAN"  # no field check needed: 14 working days
    BERPENGAWASAN = "BERPENGAWASAN"  # needs a field check: 60 working days


def default_kadar(classification: Classification) -> Kadar:
    """The kadar a complaint has until an admin sets one at verification."""
    if classification is Classification.PERMINTAAN_INFORMASI:
        return Kadar.PERMINTAAN_INFORMASI
    return Kadar.TIDAK_BERPENGAWASAN


class DispositionKind(enum.Enum):
    """How a complaint moved between agencies."""

    DISPOSISI = "DISPOSISI"  # forwarded down to a unit that must act
    PELIMPAHAN = "PELIMPAHAN"  # handed sideways to the competent agency (bukan wewenang)


def utc(value: datetime) -> datetime:
    """Return an aware datetime in UTC; naive values are refused, not guessed."""
    if value.tzinfo is None:
        raise ValueError("naive datetime: a timezone is required")
    return value.astimezone(UTC)


@dataclass(frozen=True, slots=True)
class SourceRef:
    """A record's identity in one system: ("lapor", "1234567"), ("16.05/rest_json_v1", "rep_…")."""

    system: str
    id: str


@dataclass(frozen=True, slots=True)
class Location:
    """Where the incident happened. kode_wilayah may be of any level."""

    kode_wilayah: str
    address: str | None = None
    latitude: float | None = None
    longitude: float | None = None


@dataclass(frozen=True, slots=True)
class Attachment:
    """Metadata of an attached file; the bytes live elsewhere (the gateway never holds them).

    `size` (bytes) and `sha256` are None when the system that holds the file does not say
    (an old export may give only a file name; most kab/kota systems give no digest); `url`
    is that system's own link to the file, where it gives one. A
    URL or a file name may identify the reporter: the public view shows neither as is.
    """

    name: str
    media_type: str
    size: int | None
    sha256: str | None = None
    url: str | None = None


@dataclass(frozen=True, slots=True)
class Reporter:
    """The pelapor. Personal data (UU 27/2022 PDP): kept apart from the complaint."""

    name: str | None = None
    nik: str | None = None
    phone: str | None = None
    email: str | None = None

    def __repr__(self) -> str:
        # Never let personal data reach a log line through a repr.
        return "Reporter(<redacted>)"


@dataclass(frozen=True, slots=True)
class StatusEvent:
    """One step of the status history."""

    status: Status
    at: datetime
    actor_agency_id: str | None = None
    note: str | None = None


@dataclass(frozen=True, slots=True)
class Disposition:
    """One hop of the disposition trail."""

    kind: DispositionKind
    to_agency_id: str
    at: datetime
    from_agency_id: str | None = None
    note: str | None = None


@dataclass(frozen=True, slots=True)
class FollowUp:
    """A tindak lanjut: an agency's answer to the complaint."""

    agency_id: str
    content: str
    at: datetime
    attachments: tuple[Attachment, ...] = ()


@dataclass(frozen=True, slots=True)
class ReporterReply:
    """The reporter's tanggapan to an agency's answer."""

    content: str
    at: datetime


@dataclass(frozen=True, slots=True)
class Rating:
    """The reporter's rating after closing (1 to 5)."""

    score: int
    at: datetime
    comment: str | None = None


@dataclass(frozen=True, slots=True)
class Complaint:
    """A laporan, in the gateway's one shape.

    `id` is the gateway's own stable identifier; `tracking_id` is the number the reporter
    sees (LAPOR!'s tracking ID once linked). `title` is what an admin edited, falling back
    to `original_title`.
    """

    id: str
    tracking_id: str
    classification: Classification
    original_title: str
    content: str
    location: Location
    status: Status
    created_at: datetime
    updated_at: datetime
    channel: Channel = Channel.WEB
    title: str | None = None
    incident_date: date | None = None
    category_id: str | None = None
    suggested_agency_id: str | None = None
    routed_agency_id: str | None = None
    tags: tuple[str, ...] = ()
    attachments: tuple[Attachment, ...] = ()
    is_anonymous: bool = False
    is_secret: bool = False
    sources: tuple[SourceRef, ...] = ()
    status_history: tuple[StatusEvent, ...] = ()
    dispositions: tuple[Disposition, ...] = ()
    follow_ups: tuple[FollowUp, ...] = ()
    replies: tuple[ReporterReply, ...] = ()
    rating: Rating | None = None
    kadar: Kadar | None = None
    reporter: Reporter | None = field(default=None, repr=False)

    @property
    def public_bucket(self) -> PublicBucket:
        """The tab a citizen finds this complaint under."""
        return bucket_of(self.status)

    @property
    def effective_kadar(self) -> Kadar:
        """The kadar set at verification, else the default for the classification."""
        return self.kadar or default_kadar(self.classification)

    @property
    def display_title(self) -> str:
        """The admin-edited title if there is one, else the reporter's."""
        return self.title or self.original_title


@dataclass(frozen=True, slots=True)
class Agency:
    """An instansi or one of its units (OPD)."""

    id: str
    name: str
    level: AgencyLevel
    kode_wilayah: str | None
    parent_id: str | None = None
    short_name: str | None = None


@dataclass(frozen=True, slots=True)
class Category:
    """A node of the category tree (kategori)."""

    id: str
    name: str
    parent_id: str | None = None


@dataclass(frozen=True, slots=True)
class Region:
    """A Kemendagri region (wilayah) with its code as a string."""

    code: str
    name: str
    level: RegionLevel
    parent_code: str | None
    kind: str  # provinsi | kabupaten | kota | kecamatan | desa | kelurahan
