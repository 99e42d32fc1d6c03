"""GraphQL object types for reference data and the values inside a complaint.

Times are shown in the complaint's region zone (WIB/WITA/WIT) with their offset, so a
client can display them as the agency sees them and still compare them exactly. Nested
collections resolve through the request's DataLoaders: one store query per batch.
"""

from __future__ import annotations

from datetime import datetime, timezone

import strawberry
from strawberry.types import Info

from schema import canonical as c
from schema import regions as r
from schema.graphql.context import GraphQLContext
from schema.privacy import mask_file_name
from schema.validation import FieldError

# A page of a region's children: the default and the most one page may hold. The largest
# family in the Kemendagri data (a kecamatan's desa) is 108, so one page of the maximum
# still gives any region all its children.
REGION_PAGE_DEFAULT = 50
REGION_PAGE_MAX = 120

# strawberry.enum marks the enum class itself (and returns it): each name below is that
# class, so type checkers take it as a type.
strawberry.enum(c.Classification, description="Klasifikasi: kind of submission.")
Classification = c.Classification
strawberry.enum(
    c.Status,
    description="Lifecycle status, in LAPOR!'s Indonesian terms: SUBMITTED (written), "
    "BELUM_TERVERIFIKASI (awaiting verification), TUNDA (on hold), TERVERIFIKASI (verified), "
    "DIDISPOSISIKAN (disposed to a unit), DILIMPAHKAN (handed to the competent agency), "
    "DITINDAKLANJUTI (answered), MENUNGGU_TANGGAPAN (awaiting the reporter's reply), "
    "SELESAI (closed), ARSIP (archived).",
)
Status = c.Status
strawberry.enum(c.PublicBucket, description="The tab citizens see: Belum (waiting), Proses, Selesai.")
PublicBucket = c.PublicBucket
strawberry.enum(c.Channel, description="Where the complaint was written.")
Channel = c.Channel
strawberry.enum(c.AgencyLevel, description="Level of an agency (instansi).")
AgencyLevel = c.AgencyLevel
strawberry.enum(c.RegionLevel, description="Level of a kode wilayah.")
RegionLevel = c.RegionLevel
strawberry.enum(c.Kadar, description="Kadar pengawasan: the handling tier.")
Kadar = c.Kadar
strawberry.enum(c.DispositionKind, description="Disposisi (down to a unit) or pelimpahan (sideways).")
DispositionKind = c.DispositionKind

Ctx = Info[GraphQLContext, None]


def local_time(at: datetime, zone: timezone) -> datetime:
    """An instant shown in a region's zone."""
    return at.astimezone(zone)


@strawberry.federation.type(keys=["code"], description="A Kemendagri region (wilayah).")
class Region:
    code: str = strawberry.field(description="Kode wilayah, e.g. 16.05.")
    name: str
    level: RegionLevel
    kind: str = strawberry.field(description="provinsi, kabupaten, kota, kecamatan, desa...")
    parent_code: str | None

    @strawberry.field(description="WIB, WITA or WIT.")
    def time_zone(self) -> str:
        return str(r.zone_for(self.code).tzname(None))

    @strawberry.field(description="The region this one lies in.")
    def parent(self) -> Region | None:
        return region_of(self.parent_code) if self.parent_code else None

    @strawberry.field(
        description=f"Regions directly under this one, in code order: a page of `first` "
        f"(at most {REGION_PAGE_MAX}) after the child code `after`."
    )
    def children(self, first: int = REGION_PAGE_DEFAULT, after: str | None = None) -> list[Region]:
        # Paged so that a nested tree (`regions { children { children ... } } }`) has a
        # cost the budget can see: unpaged, three levels were every desa in Indonesia.
        if not 1 <= first <= REGION_PAGE_MAX:
            from schema.graphql.inputs import UserInputError  # inputs imports this module

            raise UserInputError([FieldError("first", f"is {first}", f"an integer from 1 to {REGION_PAGE_MAX}")])
        found = r.children(self.code)
        if after is not None:
            found = [x for x in found if x.code > after.strip()]
        return [Region.from_canonical(x) for x in found[:first]]

    @classmethod
    def resolve_reference(cls, code: str) -> Region | None:
        """A region for the federation router (`_entities`)."""
        return region_of(code)

    @classmethod
    def from_canonical(cls, x: c.Region) -> Region:
        return cls(
            code=x.code,
            name=x.name,
            level=x.level,
            kind=x.kind,
            parent_code=x.parent_code,
        )


def region_of(code: str) -> Region | None:
    """The GraphQL region for a code, or None if it names no region."""
    found = r.get_region(code)
    return Region.from_canonical(found) if found else None


@strawberry.federation.type(keys=["id"], description="An agency (instansi) or one of its units (OPD).")
class Agency:
    id: strawberry.ID
    name: str
    short_name: str | None
    level: AgencyLevel
    kode_wilayah: str | None
    parent_id: strawberry.ID | None

    @strawberry.field
    async def parent(self, info: Ctx) -> Agency | None:
        if not self.parent_id:
            return None
        found = await info.context.agencies.load(str(self.parent_id))
        return Agency.from_canonical(found) if found else None

    @strawberry.field
    def region(self) -> Region | None:
        return region_of(self.kode_wilayah) if self.kode_wilayah else None

    @classmethod
    async def resolve_reference(cls, info: Ctx, id: strawberry.ID) -> Agency | None:
        """An agency for the federation router (`_entities`)."""
        found = await info.context.agencies.load(str(id))
        return cls.from_canonical(found) if found else None

    @classmethod
    def from_canonical(cls, a: c.Agency) -> Agency:
        return cls(
            id=strawberry.ID(a.id),
            name=a.name,
            short_name=a.short_name,
            level=a.level,
            kode_wilayah=a.kode_wilayah,
            parent_id=strawberry.ID(a.parent_id) if a.parent_id else None,
        )


@strawberry.federation.type(keys=["id"], description="A node of the category tree (kategori).")
class Category:
    id: strawberry.ID
    name: str
    parent_id: strawberry.ID | None
    children: list[Category] = strawberry.field(default_factory=list)

    @classmethod
    async def resolve_reference(cls, info: Ctx, id: strawberry.ID) -> Category | None:
        """A category for the federation router (`_entities`), without its children."""
        found = await info.context.categories.load(str(id))
        if found is None:
            return None
        return cls(
            id=strawberry.ID(found.id),
            name=found.name,
            parent_id=strawberry.ID(found.parent_id) if found.parent_id else None,
        )

    @classmethod
    def tree(cls, items: list[c.Category]) -> list[Category]:
        """Build the tree; returns the roots."""
        nodes = {
            x.id: cls(
                id=strawberry.ID(x.id),
                name=x.name,
                parent_id=strawberry.ID(x.parent_id) if x.parent_id else None,
            )
            for x in items
        }
        roots: list[Category] = []
        for x in items:
            node = nodes[x.id]
            parent = nodes.get(x.parent_id) if x.parent_id else None
            (parent.children if parent else roots).append(node)
        return roots


@strawberry.type(description="Where the incident happened.")
class Location:
    kode_wilayah: str
    address: str | None
    latitude: float | None
    longitude: float | None

    @strawberry.field
    def region(self) -> Region | None:
        return region_of(self.kode_wilayah)


@strawberry.type(description="Metadata of an attached file (the gateway never holds the bytes).")
class Attachment:
    name: str
    media_type: str
    size: int | None = strawberry.field(description="In bytes, where the system holding it says.")
    sha256: str | None = strawberry.field(description="The file's SHA-256, where the system holding it gives one.")
    url: str | None = strawberry.field(
        description="The holding system's own link to the file; staff views only (null in public ones)."
    )

    @classmethod
    def from_canonical(cls, a: c.Attachment) -> Attachment:
        return cls(name=a.name, media_type=a.media_type, size=a.size, sha256=a.sha256, url=a.url)

    @classmethod
    def public(cls, a: c.Attachment) -> Attachment:
        """What anyone may see: no link (it may lead to a reporter's photo or name the
        reporter), and the file name with contact details masked."""
        return cls(name=mask_file_name(a.name), media_type=a.media_type, size=a.size, sha256=a.sha256, url=None)


@strawberry.type(description="One step of the status history, as the public sees it.")
class PublicStatusEvent:
    status: Status
    at: datetime


@strawberry.type(description="One step of the status history, with who acted and why.")
class StatusEvent:
    status: Status
    at: datetime
    actor_agency_id: strawberry.ID | None
    note: str | None


@strawberry.type(description="One hop of the disposition trail.")
class Disposition:
    kind: DispositionKind
    from_agency_id: strawberry.ID | None
    to_agency_id: strawberry.ID
    at: datetime
    note: str | None

    @strawberry.field
    async def to_agency(self, info: Ctx) -> Agency | None:
        found = await info.context.agencies.load(str(self.to_agency_id))
        return Agency.from_canonical(found) if found else None


@strawberry.type(description="A tindak lanjut: an agency's answer.")
class FollowUp:
    agency_id: strawberry.ID
    content: str
    at: datetime
    attachments: list[Attachment]

    @strawberry.field
    async def agency(self, info: Ctx) -> Agency | None:
        found = await info.context.agencies.load(str(self.agency_id))
        return Agency.from_canonical(found) if found else None


@strawberry.type(description="The reporter's tanggapan (reply).")
class ReporterReply:
    content: str
    at: datetime


@strawberry.type(description="The reporter's rating after closing.")
class Rating:
    score: int
    comment: str | None
    at: datetime


@strawberry.type(description="A record's identity in one system.")
class SourceRef:
    system: str
    id: str


@strawberry.type(description="The reporter (pelapor): personal data, each read is audited.")
class Reporter:
    name: str | None
    nik: str | None
    phone: str | None
    email: str | None


@strawberry.type(description="Pagination state of a connection.")
class PageInfo:
    has_next_page: bool
    end_cursor: str | None
