"""The append-only audit log (`audit_event`): appending entries and reading them back.

Who did what is decided in `gateway.domain.audit`; here are its rows. Database triggers refuse
UPDATE and DELETE (migration 0003), so nothing here changes an entry once written.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from tortoise.expressions import Q

from auth.audit import AuditFilter, AuditRecord
from gateway.store.models import AuditEventRow


@dataclass(frozen=True, slots=True)
class AuditEntry:
    """One entry to append: ids and outcomes only, never content or identity."""

    at: datetime
    action: str
    outcome: str
    actor_issuer: str | None
    actor_subject: str | None
    actor_roles: str
    actor_agency_id: str | None
    complaint_id: uuid.UUID | None
    reason: str | None
    request_id: str


def _row(e: AuditEntry) -> AuditEventRow:
    return AuditEventRow(
        at=e.at,
        action=e.action,
        outcome=e.outcome,
        actor_issuer=e.actor_issuer,
        actor_subject=e.actor_subject,
        actor_roles=e.actor_roles,
        actor_agency_id=e.actor_agency_id,
        complaint_id=e.complaint_id,
        reason=e.reason,
        request_id=e.request_id,
    )


async def append(entries: Sequence[AuditEntry]) -> None:
    """Write the entries in one insert."""
    rows = [_row(e) for e in entries]
    await AuditEventRow.bulk_create(rows)


async def append_one(entry: AuditEntry) -> None:
    """Write one entry."""
    await _row(entry).save()


async def newest_first(
    f: AuditFilter, *, complaint_id: uuid.UUID | None, after: tuple[datetime, int] | None, limit: int
) -> list[AuditRecord]:
    """Up to `limit` entries matching `f` (its complaint as `complaint_id`), newest first
    by (at, id), and only those before the key `after`."""
    qs = AuditEventRow.all()
    if f.actions:
        qs = qs.filter(action__in=list(f.actions))
    if f.actor_issuer:
        qs = qs.filter(actor_issuer=f.actor_issuer)
    if f.actor_subject:
        qs = qs.filter(actor_subject=f.actor_subject)
    if complaint_id is not None:
        qs = qs.filter(complaint_id=complaint_id)
    if f.after:
        qs = qs.filter(at__gte=f.after)
    if f.before:
        qs = qs.filter(at__lt=f.before)
    if after is not None:
        at, id_ = after
        qs = qs.filter(Q(at__lt=at) | Q(at=at, id__lt=id_))
    found = await qs.order_by("-at", "-id").limit(limit)
    return [
        AuditRecord(
            id=r.id,
            at=r.at,
            action=r.action,
            outcome=r.outcome,
            actor_issuer=r.actor_issuer,
            actor_subject=r.actor_subject,
            actor_roles=r.actor_roles,
            actor_agency_id=r.actor_agency_id,
            complaint_id=str(r.complaint_id) if r.complaint_id else None,
            reason=r.reason,
            request_id=r.request_id,
        )
        for r in found
    ]
