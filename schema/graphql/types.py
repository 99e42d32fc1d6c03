"""GraphQL object types wrapping the canonical model.

Times are shown in the complaint's region zone (WIB/WITA/WIT) with their offset, so a
client can display them as the agency sees them and still compare them exactly. Nested
collections resolve through the request's DataLoaders: one store query per batch.

The reporter's identity is not part of this type; revealing it is a separate, permitted
and audited act (the permissions issue).
"""

from __future__ import annotations

from datetime import date, datetime, timezone

import strawberry
from strawberry.types import Info

from schema import canonical as c
from schema import regions as r
from schema.graphql.context import GraphQLContext

Classification = strawberry.enum(c.Classification, description="Klasifikasi: kind of submission.")
Status = strawberry.enum(c.Status, description="Canonical lifecycle status (domain.md §1.3).")
PublicBucket = strawberry.enum(
    c.PublicBucket, description="The tab citizens see: Belum (waiting), Proses, Selesai."
)
Channel = strawberry.enum(c.Channel, description="Where the complaint was written.")
AgencyLevel = strawberry.enum(c.AgencyLevel, description="Level of an agency (instansi).")
RegionLevel = strawberry.enum(c.RegionLevel, description="Level of a kode wilayah.")
DispositionKind = strawberry.enum(
    c.DispositionKind, description="Disposisi (down to a unit) or pelimpahan (sideways)."
)

Ctx = Info[GraphQLContext, None]


def _local(at: datetime, zone: timezone) -> datetime:
    return at.astimezone(zone)


@strawberry.type(description="A Kemendagri region (wilayah).")
class Region:
    code: str = strawberry.field(description="Kode wilayah, e.g. 16.05.")
    name: str
    level: RegionLevel  # type: ignore[valid-type]
    kind: str = strawberry.field(description="provinsi, kabupaten, kota, kecamatan, desa...")
    parent_code: str | None

    @strawberry.field(description="WIB, WITA or WIT.")
    def time_zone(self) -> str:
        return str(r.zone_for(self.code).tzname(None))

    @strawberry.field(description="The region this one lies in.")
    def parent(self) -> Region | None:
        return region_of(self.parent_code) if self.parent_code else None

    @strawberry.field(description="Regions directly under this one.")
    def children(self) -> list[Region]:
        return [Region.from_canonical(x) for x in r.children(self.code)]

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


@strawberry.type(description="An agency (instansi) or one of its units (OPD).")
class Agency:
    id: strawberry.ID
    name: str
    short_name: str | None
    level: AgencyLevel  # type: ignore[valid-type]
    kode_wilayah: str | None
    parent_id: strawberry.ID | None

    @strawberry.field
    async def parent(self, info: Ctx) -> Agency | None:
        if not self.parent_id:
            return None
        found = await info.context.loaders.agencies.load(str(self.parent_id))
        return Agency.from_canonical(found) if found else None

    @strawberry.field
    def region(self) -> Region | None:
        return region_of(self.kode_wilayah) if self.kode_wilayah else None

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


@strawberry.type(description="A node of the category tree (kategori).")
class Category:
    id: strawberry.ID
    name: str
    parent_id: strawberry.ID | None
    children: list[Category] = strawberry.field(default_factory=list)

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


@strawberry.type(description="Metadata of an attached file.")
class Attachment:
    name: str
    media_type: str
    size: int
    sha256: str

    @classmethod
    def from_canonical(cls, a: c.Attachment) -> Attachment:
        return cls(name=a.name, media_type=a.media_type, size=a.size, sha256=a.sha256)


@strawberry.type(description="One step of the status history.")
class StatusEvent:
    status: Status  # type: ignore[valid-type]
    at: datetime
    actor_agency_id: strawberry.ID | None
    note: str | None


@strawberry.type(description="One hop of the disposition trail.")
class Disposition:
    kind: DispositionKind  # type: ignore[valid-type]
    from_agency_id: strawberry.ID | None
    to_agency_id: strawberry.ID
    at: datetime
    note: str | None

    @strawberry.field
    async def to_agency(self, info: Ctx) -> Agency | None:
        found = await info.context.loaders.agencies.load(str(self.to_agency_id))
        return Agency.from_canonical(found) if found else None


@strawberry.type(description="A tindak lanjut: an agency's answer.")
class FollowUp:
    agency_id: strawberry.ID
    content: str
    at: datetime
    attachments: list[Attachment]

    @strawberry.field
    async def agency(self, info: Ctx) -> Agency | None:
        found = await info.context.loaders.agencies.load(str(self.agency_id))
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


@strawberry.type(description="A complaint (laporan).")
class Complaint:
    id: strawberry.ID = strawberry.field(description="The gateway's stable id.")
    tracking_id: str = strawberry.field(description="The number the reporter sees.")
    classification: Classification  # type: ignore[valid-type]
    title: str = strawberry.field(description="The admin-edited title, else the reporter's.")
    original_title: str
    content: str
    incident_date: date | None
    location: Location
    category_id: strawberry.ID | None
    suggested_agency_id: strawberry.ID | None
    routed_agency_id: strawberry.ID | None
    tags: list[str]
    is_anonymous: bool
    is_secret: bool
    channel: Channel  # type: ignore[valid-type]
    status: Status  # type: ignore[valid-type]
    public_bucket: PublicBucket  # type: ignore[valid-type]
    rating: Rating | None
    time_zone: str = strawberry.field(description="WIB, WITA or WIT: the zone times are in.")
    created_at: datetime
    updated_at: datetime

    @strawberry.field
    async def category(self, info: Ctx) -> Category | None:
        if not self.category_id:
            return None
        found = await info.context.loaders.categories.load(str(self.category_id))
        return (
            Category(
                id=strawberry.ID(found.id),
                name=found.name,
                parent_id=strawberry.ID(found.parent_id) if found.parent_id else None,
            )
            if found
            else None
        )

    @strawberry.field
    async def routed_agency(self, info: Ctx) -> Agency | None:
        return await self._agency(info, self.routed_agency_id)

    @strawberry.field
    async def suggested_agency(self, info: Ctx) -> Agency | None:
        return await self._agency(info, self.suggested_agency_id)

    @staticmethod
    async def _agency(info: Ctx, agency_id: strawberry.ID | None) -> Agency | None:
        if not agency_id:
            return None
        found = await info.context.loaders.agencies.load(str(agency_id))
        return Agency.from_canonical(found) if found else None

    def _zone(self) -> timezone:
        return r.zone_for(self.location.kode_wilayah)

    @strawberry.field(description="Status history, oldest first.")
    async def status_history(self, info: Ctx) -> list[StatusEvent]:
        zone = self._zone()
        return [
            StatusEvent(
                status=e.status,
                at=_local(e.at, zone),
                actor_agency_id=strawberry.ID(e.actor_agency_id) if e.actor_agency_id else None,
                note=e.note,
            )
            for e in await info.context.loaders.status_history.load(str(self.id))
        ]

    @strawberry.field(description="Disposition trail, oldest first.")
    async def dispositions(self, info: Ctx) -> list[Disposition]:
        zone = self._zone()
        return [
            Disposition(
                kind=d.kind,
                from_agency_id=strawberry.ID(d.from_agency_id) if d.from_agency_id else None,
                to_agency_id=strawberry.ID(d.to_agency_id),
                at=_local(d.at, zone),
                note=d.note,
            )
            for d in await info.context.loaders.dispositions.load(str(self.id))
        ]

    @strawberry.field(description="Follow-ups (tindak lanjut), oldest first.")
    async def follow_ups(self, info: Ctx) -> list[FollowUp]:
        zone = self._zone()
        return [
            FollowUp(
                agency_id=strawberry.ID(f.agency_id),
                content=f.content,
                at=_local(f.at, zone),
                attachments=[Attachment.from_canonical(a) for a in f.attachments],
            )
            for f in await info.context.loaders.follow_ups.load(str(self.id))
        ]

    @strawberry.field(description="The reporter's replies, oldest first.")
    async def replies(self, info: Ctx) -> list[ReporterReply]:
        zone = self._zone()
        return [
            ReporterReply(content=x.content, at=_local(x.at, zone))
            for x in await info.context.loaders.replies.load(str(self.id))
        ]

    @strawberry.field
    async def attachments(self, info: Ctx) -> list[Attachment]:
        return [
            Attachment.from_canonical(a)
            for a in await info.context.loaders.attachments.load(str(self.id))
        ]

    @strawberry.field(description="Every (system, id) this complaint is known by.")
    async def sources(self, info: Ctx) -> list[SourceRef]:
        return [
            SourceRef(system=s.system, id=s.id)
            for s in await info.context.loaders.sources.load(str(self.id))
        ]

    @classmethod
    def from_canonical(cls, x: c.Complaint) -> Complaint:
        zone = r.zone_for(x.location.kode_wilayah)
        rating = (
            Rating(score=x.rating.score, comment=x.rating.comment, at=_local(x.rating.at, zone))
            if x.rating
            else None
        )
        return cls(
            id=strawberry.ID(x.id),
            tracking_id=x.tracking_id,
            classification=x.classification,
            title=x.display_title,
            original_title=x.original_title,
            content=x.content,
            incident_date=x.incident_date,
            location=Location(
                kode_wilayah=x.location.kode_wilayah,
                address=x.location.address,
                latitude=x.location.latitude,
                longitude=x.location.longitude,
            ),
            category_id=strawberry.ID(x.category_id) if x.category_id else None,
            suggested_agency_id=(
                strawberry.ID(x.suggested_agency_id) if x.suggested_agency_id else None
            ),
            routed_agency_id=strawberry.ID(x.routed_agency_id) if x.routed_agency_id else None,
            tags=list(x.tags),
            is_anonymous=x.is_anonymous,
            is_secret=x.is_secret,
            channel=x.channel,
            status=x.status,
            public_bucket=x.public_bucket,
            rating=rating,
            time_zone=str(zone.tzname(None)),
            created_at=_local(x.created_at, zone),
            updated_at=_local(x.updated_at, zone),
        )


@strawberry.type(description="Pagination state of a connection.")
class PageInfo:
    has_next_page: bool
    end_cursor: str | None


@strawberry.type
class ComplaintEdge:
    cursor: str
    node: Complaint

