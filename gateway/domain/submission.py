"""Submitting a new complaint: validate, assign ids, store it with its first history.

Who submits comes from the caller's token; nothing in the input decides it.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime

from auth.principal import Principal
from auth.roles import Role
from gateway.store.errors import ConstraintViolated
from gateway.store.registry import regency_government
from gateway.store.repository import ReferenceRepository
from gateway.store.unit_of_work import unit_of_work
from gateway.store.writer import SubmittedBy, tracking_id_taken
from gateway.sync.propagate import announce_new, home_regency
from gateway.sync.topology import Topology
from schema.canonical import Complaint, SourceRef, Status, StatusEvent
from schema.deadlines import DeadlinePolicy
from schema.errors import PenghubungError
from schema.regions import regency_of, zone_for
from schema.tracking import new_tracking_id
from schema.validation import ComplaintDraft, validate_draft

# Our own system name in source references and link tables.
LOCAL_SYSTEM = "penghubung"
_TRACKING_ATTEMPTS = 5


async def government_of(kode_wilayah: str) -> str | None:
    """The regency or city government of a region, if it is in the registry."""
    regency = regency_of(kode_wilayah)
    if regency is None:
        return None
    return await regency_government(regency)


def submitted_by(principal: Principal) -> SubmittedBy:
    """Who the store records as the submitter, from the principal alone."""
    citizen = principal.has(Role.CITIZEN)
    return SubmittedBy(
        owner_issuer=principal.issuer if citizen else None,
        owner_subject=principal.subject if citizen else None,
        issuer=principal.issuer,
        subject=principal.subject,
        agency_id=principal.agency_id,
    )


class TrackingIdExhausted(PenghubungError, RuntimeError):
    """No free tracking ID was found after several random draws."""

    code = "TRACKING_ID_EXHAUSTED"


@dataclass(frozen=True, slots=True)
class Submission:
    """Submits validated drafts into the local store."""

    references: ReferenceRepository
    policy: DeadlinePolicy = DeadlinePolicy()
    topology: Topology | None = None  # where new complaints are delivered, when syncing

    async def _first_handler(self, draft: ComplaintDraft) -> str | None:
        """Who verifies first: the suggested agency, else the region's own government
        ("no wrong door": an agency that is not competent hands it on)."""
        return draft.suggested_agency_id or await government_of(draft.location.kode_wilayah)

    async def submit(
        self,
        draft: ComplaintDraft,
        *,
        now: datetime,
        principal: Principal,
        in_same_transaction: Callable[[Complaint], Awaitable[None]] | None = None,
    ) -> Complaint:
        """Validate and store a draft; returns the stored complaint.

        The submitter is the token's principal: a citizen owns what they submit; an agency
        or a connector is recorded as having entered it. `in_same_transaction(complaint)`
        runs inside the transaction that stores it.

        Raises:
            ValidationFailed: the draft is invalid; nothing was stored.
        """
        # Whole seconds: times read the same whichever way a complaint came in.
        now = now.replace(microsecond=0)
        today = now.astimezone(zone_for(draft.location.kode_wilayah.strip())).date()
        clean = validate_draft(
            draft,
            today=today,
            categories=await self.references.category_ids() if draft.category_id else (),
            agencies=await self.references.agency_ids() if draft.suggested_agency_id else (),
        )
        for _ in range(_TRACKING_ATTEMPTS):
            tracking_id = new_tracking_id()
            complaint = Complaint(
                id=str(uuid.uuid4()),
                tracking_id=tracking_id,
                classification=clean.classification,
                original_title=clean.title,
                content=clean.content,
                location=clean.location,
                status=Status.BELUM_TERVERIFIKASI,
                channel=clean.channel,
                incident_date=clean.incident_date,
                category_id=clean.category_id,
                suggested_agency_id=clean.suggested_agency_id,
                routed_agency_id=await self._first_handler(clean),
                tags=clean.tags,
                attachments=clean.attachments,
                is_anonymous=clean.is_anonymous,
                is_secret=clean.is_secret,
                reporter=clean.reporter,
                sources=(SourceRef(LOCAL_SYSTEM, tracking_id),),
                status_history=(
                    StatusEvent(Status.SUBMITTED, now),
                    StatusEvent(Status.BELUM_TERVERIFIKASI, now),
                ),
                created_at=now,
                updated_at=now,
            )
            try:
                async with unit_of_work() as uow:
                    await uow.insert([complaint], submitted_by=submitted_by(principal), policy=self.policy)
                    if self.topology is not None:
                        # In the same transaction: delivered exactly when it is stored.
                        await announce_new(
                            complaint.id,
                            regency_code=await home_regency(
                                complaint.routed_agency_id, complaint.location.kode_wilayah
                            ),
                            origin=None,
                            topology=self.topology,
                            now=now,
                        )
                    if in_same_transaction is not None:
                        await in_same_transaction(complaint)
            except ConstraintViolated:
                # The transaction rolled back whole; only a tracking-ID clash is retried.
                if await tracking_id_taken(tracking_id):
                    continue
                raise
            return complaint
        raise TrackingIdExhausted(f"no free tracking ID after {_TRACKING_ATTEMPTS} draws")
