"""The two faces of a complaint: `PublicComplaint` (no private fields at all) and `Complaint`.

`PublicComplaint` is what anyone may read of a non-secret complaint. `Complaint` is the
case file, served only within the caller's case scope; it adds the private fields, and
its `reporter` field reveals the reporter's identity only where the policy allows (the
check is pushed into the query) and records each reveal in the audit log.

Nested collections resolve through the request's DataLoaders of the same view, so a
nested field is never loaded under a wider scope than its parent.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timezone
from typing import Any, TypeVar

import strawberry

from auth.audit import AuditAction
from schema import canonical as c
from schema import deadlines as d
from schema import regions as r
from schema.graphql.context import GraphQLContext, Loaders
from schema.graphql.deadline_types import ComplaintDeadlines
from schema.graphql.live_types import SourceOutcome
from schema.graphql.public_view import masked
from schema.graphql.types import (
    Agency,
    Attachment,
    Category,
    Channel,
    Classification,
    Ctx,
    Disposition,
    FollowUp,
    Kadar,
    Location,
    PageInfo,
    PublicBucket,
    PublicStatusEvent,
    Rating,
    Reporter,
    ReporterReply,
    SourceRef,
    Status,
    StatusEvent,
    local_time,
)
from schema.live import INDEX_ONLY, Freshness

T = TypeVar("T")


def _id(value: str | None) -> strawberry.ID | None:
    return strawberry.ID(value) if value else None


async def _agency(info: Ctx, agency_id: strawberry.ID | None) -> Agency | None:
    if not agency_id:
        return None
    found = await info.context.agencies.load(str(agency_id))
    return Agency.from_canonical(found) if found else None


@strawberry.type(description="A complaint as anyone may read it: no private fields at all.")
class PublicComplaint:
    id: strawberry.ID = strawberry.field(description="The gateway's stable id.")
    tracking_id: str = strawberry.field(description="The number the reporter sees.")
    classification: Classification
    title: str = strawberry.field(description="The admin-edited title, else the reporter's.")
    content: str
    incident_date: date | None
    location: Location
    category_id: strawberry.ID | None
    routed_agency_id: strawberry.ID | None
    is_anonymous: bool
    status: Status
    public_bucket: PublicBucket
    rating: Rating | None
    time_zone: str = strawberry.field(description="WIB, WITA or WIT: the zone times are in.")
    created_at: datetime
    updated_at: datetime

    def _loaders(self, info: Ctx) -> Loaders:
        return info.context.public_loaders

    def _zone(self) -> timezone:
        return r.zone_for(self.location.kode_wilayah)

    def _attachment(self, a: c.Attachment) -> Attachment:
        # Anyone reads this: no link to the file, contact details in its name masked.
        return Attachment.public(a)

    @strawberry.field
    async def category(self, info: Ctx) -> Category | None:
        if not self.category_id:
            return None
        found = await info.context.categories.load(str(self.category_id))
        if found is None:
            return None
        return Category(id=strawberry.ID(found.id), name=found.name, parent_id=_id(found.parent_id))

    @strawberry.field(description="The agency handling it.")
    async def routed_agency(self, info: Ctx) -> Agency | None:
        return await _agency(info, self.routed_agency_id)

    def _shown(self, value: T) -> T:
        """What a resolver of this type answers: masked for the public view (the case view
        overrides this and shows the text as written)."""
        return masked(value)

    @strawberry.field(description="Follow-ups (tindak lanjut), oldest first.")
    async def follow_ups(self, info: Ctx) -> list[FollowUp]:
        zone = self._zone()
        return self._shown(
            [
                FollowUp(
                    agency_id=strawberry.ID(f.agency_id),
                    content=f.content,
                    at=local_time(f.at, zone),
                    attachments=[self._attachment(a) for a in f.attachments],
                )
                for f in await self._loaders(info).follow_ups.load(str(self.id))
            ]
        )

    @strawberry.field(description="Status history, oldest first.")
    async def status_history(self, info: Ctx) -> list[PublicStatusEvent]:
        zone = self._zone()
        return [
            PublicStatusEvent(status=e.status, at=local_time(e.at, zone))
            for e in await self._loaders(info).status_history.load(str(self.id))
        ]

    @strawberry.field(description="Each promised deadline, time left, and any escalation.")
    async def deadlines(self, info: Ctx) -> ComplaintDeadlines | None:
        found = await self._loaders(info).deadlines.load(str(self.id))
        if found is None:
            return None
        now = datetime.now(UTC)
        policy = info.context.deadline_policy
        return ComplaintDeadlines.build(
            found,
            status=self.status,
            now=now,
            zone=self._zone(),
            escalation=d.escalation(found, self.status, now, self.location.kode_wilayah, policy.calendar),
        )

    @classmethod
    def _fields(cls, x: c.Complaint) -> dict[str, Any]:
        zone = r.zone_for(x.location.kode_wilayah)
        rating = (
            Rating(score=x.rating.score, comment=x.rating.comment, at=local_time(x.rating.at, zone))
            if x.rating
            else None
        )
        return {
            "id": strawberry.ID(x.id),
            "tracking_id": x.tracking_id,
            "classification": x.classification,
            "title": x.display_title,
            "content": x.content,
            "incident_date": x.incident_date,
            "location": Location(
                kode_wilayah=x.location.kode_wilayah,
                address=x.location.address,
                latitude=x.location.latitude,
                longitude=x.location.longitude,
            ),
            "category_id": _id(x.category_id),
            "routed_agency_id": _id(x.routed_agency_id),
            "is_anonymous": x.is_anonymous,
            "status": x.status,
            "public_bucket": x.public_bucket,
            "rating": rating,
            "time_zone": str(zone.tzname(None)),
            "created_at": local_time(x.created_at, zone),
            "updated_at": local_time(x.updated_at, zone),
        }

    @classmethod
    def from_canonical(cls, x: c.Complaint) -> PublicComplaint:
        # Anyone reads this: contact details typed into any of its text stay out.
        return masked(cls(**cls._fields(x)))


@strawberry.federation.type(keys=["id"], description="A complaint in full: the case file, within the caller's scope.")
class Complaint(PublicComplaint):
    original_title: str
    suggested_agency_id: strawberry.ID | None
    tags: list[str]
    is_secret: bool
    channel: Channel
    kadar: Kadar = strawberry.field(
        description="Kadar pengawasan: the handling tier that sets the resolution deadline."
    )
    _freshness: strawberry.Private[Freshness] = INDEX_ONLY

    @strawberry.field(description="True when its owner's live copy was read for this answer.")
    def live(self) -> bool:
        return self._freshness.live

    @strawberry.field(
        description="True when its owner could not be read: the values are the index's last "
        "known ones (see syncedAt and owner)."
    )
    def stale(self) -> bool:
        return self._freshness.stale

    @strawberry.field(description="When the index last synced it with its owner.")
    def synced_at(self) -> datetime | None:
        at = self._freshness.synced_at
        return local_time(at, self._zone()) if at else None

    @strawberry.field(
        description="How its owner (system of record) answered the live read; null when the "
        "gateway owns it or the read was from the index."
    )
    def owner(self, info: Ctx) -> SourceOutcome | None:
        source = self._freshness.source
        return SourceOutcome.of(source, info.context.access) if source else None

    def _loaders(self, info: Ctx) -> Loaders:
        return info.context.case_loaders

    def _attachment(self, a: c.Attachment) -> Attachment:
        # The case file, within the caller's scope: the source's link is how staff open it.
        return Attachment.from_canonical(a)

    def _shown(self, value: T) -> T:
        return value  # the case file: text as written

    @strawberry.field
    async def suggested_agency(self, info: Ctx) -> Agency | None:
        return await _agency(info, self.suggested_agency_id)

    @strawberry.field(description="Status history with who acted and why, oldest first.")
    async def status_history(self, info: Ctx) -> list[StatusEvent]:
        zone = self._zone()
        return [
            StatusEvent(
                status=e.status,
                at=local_time(e.at, zone),
                actor_agency_id=_id(e.actor_agency_id),
                note=e.note,
            )
            for e in await self._loaders(info).status_history.load(str(self.id))
        ]

    @strawberry.field(description="Disposition trail, oldest first.")
    async def dispositions(self, info: Ctx) -> list[Disposition]:
        zone = self._zone()
        return [
            Disposition(
                kind=d.kind,
                from_agency_id=_id(d.from_agency_id),
                to_agency_id=strawberry.ID(d.to_agency_id),
                at=local_time(d.at, zone),
                note=d.note,
            )
            for d in await self._loaders(info).dispositions.load(str(self.id))
        ]

    @strawberry.field(description="The reporter's replies, oldest first.")
    async def replies(self, info: Ctx) -> list[ReporterReply]:
        zone = self._zone()
        return [
            ReporterReply(content=x.content, at=local_time(x.at, zone))
            for x in await self._loaders(info).replies.load(str(self.id))
        ]

    @strawberry.field(description="Metadata of the reporter's files, with the holding system's link.")
    async def attachments(self, info: Ctx) -> list[Attachment]:
        return [self._attachment(a) for a in await self._loaders(info).attachments.load(str(self.id))]

    @strawberry.field(description="Every (system, id) this complaint is known by.")
    async def sources(self, info: Ctx) -> list[SourceRef]:
        return [SourceRef(system=s.system, id=s.id) for s in await self._loaders(info).sources.load(str(self.id))]

    @strawberry.field(
        description="The reporter's identity, where your role may see it (null otherwise). "
        "Each reveal is recorded in the audit log."
    )
    async def reporter(self, info: Ctx) -> Reporter | None:
        found = await info.context.reporters.load(str(self.id))
        if found is None:
            return None
        info.context.audit.record(AuditAction.REPORTER_IDENTITY_READ, complaint_id=str(self.id))
        return Reporter(name=found.name, nik=found.nik, phone=found.phone, email=found.email)

    @classmethod
    async def resolve_reference(cls, info: Ctx, id: strawberry.ID) -> Complaint | None:
        """A complaint for the federation router (`_entities`): the same case scope as
        `complaint(id)`, from the caller's own token (the router forwards it)."""
        found = await info.context.case_lookups.load(("id", str(id)))
        return case_file(info.context, found) if found else None

    @classmethod
    def from_canonical(cls, x: c.Complaint, freshness: Freshness = INDEX_ONLY) -> Complaint:
        return cls(
            **cls._fields(x),
            original_title=x.original_title,
            suggested_agency_id=_id(x.suggested_agency_id),
            tags=list(x.tags),
            is_secret=x.is_secret,
            channel=x.channel,
            kadar=x.effective_kadar,
            _freshness=freshness,
        )


def case_file(context: GraphQLContext, x: c.Complaint, freshness: Freshness = INDEX_ONLY) -> Complaint:
    """The full type for a complaint read within the case scope; secret reads are audited."""
    if x.is_secret:
        context.audit.record(AuditAction.SECRET_COMPLAINT_READ, complaint_id=x.id)
    return Complaint.from_canonical(x, freshness)


@strawberry.type
class ComplaintEdge:
    cursor: str
    node: Complaint


@strawberry.type
class PublicComplaintEdge:
    cursor: str
    node: PublicComplaint


__all__ = [
    "Complaint",
    "ComplaintEdge",
    "PageInfo",
    "PublicComplaint",
    "PublicComplaintEdge",
    "case_file",
]
