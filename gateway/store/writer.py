"""The store's write path: regions, and complaints with everything that hangs off them.

A complaint and its children (reporter, sources, attachments, status history, disposition
trail, follow-ups, replies) are written in one transaction: either all of it is stored or
none of it. Bulk loading (demo seed, benchmarks, backfills) uses `bulk_create` per table,
which is 40-60x faster than row-by-row inserts; ids are generated client-side (UUIDs) so
children can reference their complaint without reading ids back.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import cast

from tortoise.models import Model
from tortoise.transactions import in_transaction

from gateway.store.derived import derived_columns
from gateway.store.models import (
    AttachmentRow,
    ComplaintRow,
    ComplaintSourceRow,
    DispositionRow,
    FollowUpRow,
    RegionRow,
    ReporterReplyRow,
    ReporterRow,
    StatusEventRow,
)
from gateway.store.rows import attachment_to_dict
from schema import deadlines
from schema.canonical import Complaint, Region
from schema.regions import BPS_CODES

BULK_BATCH = 500


async def upsert_regions(regions: Iterable[Region]) -> int:
    """Store regions (replacing names of existing codes); returns how many were written."""
    items = list(regions)
    # Tortoise types every values_list as tuples; flat=True gives the bare values.
    existing = set(cast(list[str], await RegionRow.all().values_list("code", flat=True)))
    new = [
        RegionRow(
            code=r.code,
            name=r.name,
            level=r.level.value,
            kind=r.kind,
            parent_code=r.parent_code,
            bps_code=BPS_CODES.get(r.code),
        )
        for r in items
        if r.code not in existing
    ]
    await RegionRow.bulk_create(new, batch_size=BULK_BATCH)
    return len(new)


@dataclass(frozen=True, slots=True)
class SubmittedBy:
    """Who brought complaints in, as the server established it (never from input)."""

    # The citizen account that owns them: (owner_issuer, owner_subject), never the subject
    # alone, which is unique only within its issuer.
    owner_issuer: str | None = None
    owner_subject: str | None = None
    issuer: str | None = None  # the submitter's token issuer
    subject: str | None = None  # whoever submitted (citizen, officer, connector)
    agency_id: str | None = None  # the submitter's agency, if any


class _Rows:
    """Rows for one batch of complaints, table by table."""

    def __init__(self, submitted_by: SubmittedBy, policy: deadlines.DeadlinePolicy) -> None:
        self.submitted_by = submitted_by
        self.policy = policy
        self.reporters: list[ReporterRow] = []
        self.complaints: list[ComplaintRow] = []
        self.sources: list[ComplaintSourceRow] = []
        self.attachments: list[AttachmentRow] = []
        self.events: list[StatusEventRow] = []
        self.dispositions: list[DispositionRow] = []
        self.follow_ups: list[FollowUpRow] = []
        self.replies: list[ReporterReplyRow] = []

    def add(self, c: Complaint) -> None:
        cid = uuid.UUID(c.id)
        reporter_id = None
        if c.reporter is not None:
            reporter_id = uuid.uuid4()
            self.reporters.append(
                ReporterRow(
                    id=reporter_id,
                    name=c.reporter.name,
                    nik=c.reporter.nik,
                    phone=c.reporter.phone,
                    email=c.reporter.email,
                    created_at=c.created_at,
                )
            )
        self.complaints.append(
            ComplaintRow(
                id=cid,
                tracking_id=c.tracking_id,
                classification=c.classification,
                original_title=c.original_title,
                title=c.title,
                content=c.content,
                incident_date=c.incident_date,
                kode_wilayah=c.location.kode_wilayah,
                address=c.location.address,
                latitude=c.location.latitude,
                longitude=c.location.longitude,
                suggested_agency_id=c.suggested_agency_id,
                routed_agency_id=c.routed_agency_id,
                category_id=c.category_id,
                tags=list(c.tags),
                is_anonymous=c.is_anonymous,
                is_secret=c.is_secret,
                channel=c.channel,
                status=c.status,
                reporter_id=reporter_id,
                owner_issuer=self.submitted_by.owner_issuer,
                owner_subject=self.submitted_by.owner_subject,
                submitted_by_issuer=self.submitted_by.issuer,
                submitted_by_subject=self.submitted_by.subject,
                submitted_by_agency_id=self.submitted_by.agency_id,
                kadar=c.kadar,
                # The search text, the region codes and the deadlines.
                **derived_columns(c, c.status_history, self.policy),
                rating_score=c.rating.score if c.rating else None,
                rating_comment=c.rating.comment if c.rating else None,
                rated_at=c.rating.at if c.rating else None,
                created_at=c.created_at,
                updated_at=c.updated_at,
            )
        )
        self.sources.extend(ComplaintSourceRow(complaint_id=cid, system=s.system, source_id=s.id) for s in c.sources)
        self.attachments.extend(
            AttachmentRow(
                complaint_id=cid,
                name=a.name,
                media_type=a.media_type,
                size=a.size,
                sha256=a.sha256,
                url=a.url,
            )
            for a in c.attachments
        )
        self.events.extend(
            StatusEventRow(
                complaint_id=cid,
                status=e.status,
                at=e.at,
                actor_agency_id=e.actor_agency_id,
                note=e.note,
            )
            for e in c.status_history
        )
        self.dispositions.extend(
            DispositionRow(
                complaint_id=cid,
                kind=d.kind,
                from_agency_id=d.from_agency_id,
                to_agency_id=d.to_agency_id,
                at=d.at,
                note=d.note,
            )
            for d in c.dispositions
        )
        self.follow_ups.extend(
            FollowUpRow(
                complaint_id=cid,
                agency_id=f.agency_id,
                content=f.content,
                at=f.at,
                attachments=[attachment_to_dict(a) for a in f.attachments],
            )
            for f in c.follow_ups
        )
        self.replies.extend(ReporterReplyRow(complaint_id=cid, content=r.content, at=r.at) for r in c.replies)

    async def write(self) -> None:
        # Parents before children, for the foreign keys.
        batches: list[Sequence[Model]] = [
            self.reporters,
            self.complaints,
            self.sources,
            self.attachments,
            self.events,
            self.dispositions,
            self.follow_ups,
            self.replies,
        ]
        for batch in batches:
            if batch:
                await type(batch[0]).bulk_create(batch, batch_size=BULK_BATCH)


# Defaults for bulk loads: no submitter recorded, the standard calendar.
NOBODY = SubmittedBy()
DEFAULT_DEADLINES = deadlines.DeadlinePolicy()


async def insert_complaints(
    complaints: Iterable[Complaint],
    *,
    batch: int = 2000,
    submitted_by: SubmittedBy = NOBODY,
    policy: deadlines.DeadlinePolicy = DEFAULT_DEADLINES,
) -> int:
    """Insert complaints with all their children, `batch` complaints per transaction.

    Each batch commits whole or not at all. Returns how many complaints were inserted.
    """
    total = 0
    pending = _Rows(submitted_by, policy)
    for complaint in complaints:
        pending.add(complaint)
        if len(pending.complaints) >= batch:
            async with in_transaction():
                await pending.write()
            total += len(pending.complaints)
            pending = _Rows(submitted_by, policy)
    if pending.complaints:
        async with in_transaction():
            await pending.write()
        total += len(pending.complaints)
    return total


async def tracking_id_taken(tracking_id: str) -> bool:
    """Whether a complaint with this tracking ID is stored (an insert's clash to draw anew for)."""
    return await ComplaintRow.filter(tracking_id=tracking_id).exists()
