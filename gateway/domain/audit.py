"""Writing and reading the append-only audit log.

Each request collects its events in an `AuditTrail` and writes them in one insert before
the response leaves; if that write fails the response fails too (a confidential read
that cannot be recorded is not served).
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import uuid
from datetime import UTC, datetime

from auth.audit import AuditAction, AuditEvent, AuditFilter, AuditRecord
from auth.principal import Principal
from gateway.store import audit_log
from gateway.store.audit_log import AuditEntry
from schema.queries import Cursor, InvalidCursor, Page

log = logging.getLogger(__name__)


# Writes whose caller went away, kept referenced until they finish (the loop itself holds
# only weak references to tasks).
_ORPHANED: set[asyncio.Future[None]] = set()


def _orphaned_done(write: asyncio.Future[None]) -> None:
    _ORPHANED.discard(write)
    if write.cancelled():
        log.error("audit events of a cancelled request were not written: the write was cancelled")
    elif write.exception() is not None:
        log.error("audit events of a cancelled request could not be written: %s", type(write.exception()).__name__)


def _entry(principal: Principal, event: AuditEvent, request_id: str, at: datetime) -> AuditEntry:
    complaint_id, reason = _complaint(event)
    return AuditEntry(
        at=at,
        action=event.action.value,
        outcome=event.outcome.value,
        actor_issuer=principal.issuer,
        actor_subject=principal.subject,
        actor_roles=",".join(sorted(r.value for r in principal.roles)),
        actor_agency_id=principal.agency_id,
        complaint_id=complaint_id,
        reason=reason,
        request_id=request_id,
    )


def _complaint(event: AuditEvent) -> tuple[uuid.UUID | None, str | None]:
    """The event's complaint id, and its reason. A record read live before it was synced
    has no gateway id yet: its `system:source id` goes into the reason instead."""
    if not event.complaint_id:
        return None, event.reason
    try:
        return uuid.UUID(event.complaint_id), event.reason
    except ValueError:
        ref = event.complaint_id  # "system:source id", first, whole where it fits
        if len(ref) > 80:
            ref = f"{ref[:63]}#{hashlib.sha256(ref.encode()).hexdigest()[:16]}"
        return None, (f"{ref}; {event.reason}" if event.reason else ref)[:80]


class AuditTrail:
    """The audit events of one request (duplicates collapse)."""

    def __init__(self, principal: Principal, request_id: str) -> None:
        self.principal = principal
        self.request_id = request_id
        self._events: dict[AuditEvent, None] = {}

    def record(self, action: AuditAction, *, complaint_id: str | None = None, reason: str | None = None) -> None:
        """Note an act; it is written by `flush`."""
        self._events[AuditEvent(action, complaint_id, reason)] = None

    @property
    def pending(self) -> tuple[AuditEvent, ...]:
        """Events not yet written."""
        return tuple(self._events)

    async def flush(self) -> None:
        """Write the pending events in one insert."""
        if not self._events:
            return
        # Taken before the write: a second flush meanwhile (a subscription's, beside the
        # socket's own) finds nothing left to write twice.
        events, self._events = self._events, {}
        at = datetime.now(UTC)
        write = asyncio.ensure_future(
            audit_log.append([_entry(self.principal, e, self.request_id, at) for e in events])
        )
        try:
            # Shielded: a caller cancelled mid-write (a subscriber that went away) cannot
            # tell whether the insert committed; the write finishes on its own instead, so
            # the events are written once, neither lost nor written again by a later flush.
            await asyncio.shield(write)
        except asyncio.CancelledError:
            _ORPHANED.add(write)
            write.add_done_callback(_orphaned_done)
            raise
        except Exception:
            self._events = events | self._events  # not written: kept for the next flush
            raise


async def record_now(principal: Principal, event: AuditEvent, request_id: str) -> None:
    """Write one event at once (for acts outside a GraphQL request, e.g. a rejected token)."""
    await audit_log.append_one(_entry(principal, event, request_id, datetime.now(UTC)))


async def read_audit(f: AuditFilter, *, first: int, after: Cursor | None) -> Page[AuditRecord]:
    """Newest first, keyset-paginated on (at, id)."""
    complaint_id = None
    if f.complaint_id:
        try:
            complaint_id = uuid.UUID(f.complaint_id)
        except ValueError:
            return Page(items=[], cursors=[], has_next_page=False)
    key = None
    if after is not None:
        if not after.id.isdigit():
            raise InvalidCursor
        key = (after.created_at, int(after.id))
    found = await audit_log.newest_first(f, complaint_id=complaint_id, after=key, limit=first + 1)
    records = found[:first]
    return Page(
        items=records,
        cursors=[Cursor(created_at=r.at, id=str(r.id)) for r in records],
        has_next_page=len(found) > first,
    )
