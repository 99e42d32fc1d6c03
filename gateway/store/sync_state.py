"""Each source's sync state (`sync_cursor`): where its pull resumes, who holds it, and how
its pulls and pushes went.

A worker holds a source while it pulls it (a lease on its row, which expires if the worker
dies). Counters are added to the row as it is when written (`F` expressions), never set
from a copy read earlier: a push counts into the same row while a pull runs.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from tortoise.expressions import F, Q

from gateway.store.models import SyncCursorRow


@dataclass(frozen=True, slots=True)
class SourceState:
    """One source's row, as read."""

    source: str
    cursor: str | None
    last_attempt_at: datetime | None
    last_success_at: datetime | None
    last_error: str | None
    last_error_at: datetime | None
    consecutive_failures: int
    records_seen: int
    newest_seen_at: datetime | None
    records_rejected: int
    last_rejection: str | None
    last_note: str | None
    last_note_at: datetime | None


@dataclass(frozen=True, slots=True)
class PageRead:
    """What one page of a pull changes in its source's row (None: left as it is)."""

    seen: int
    rejected: int
    leased_until: datetime
    last_rejection: str | None = None
    last_note: str | None = None
    last_note_at: datetime | None = None
    cursor: str | None = None
    newest_seen_at: datetime | None = None


def _state(row: SyncCursorRow) -> SourceState:
    return SourceState(
        row.source,
        row.cursor,
        row.last_attempt_at,
        row.last_success_at,
        row.last_error,
        row.last_error_at,
        row.consecutive_failures,
        row.records_seen,
        row.newest_seen_at,
        row.records_rejected,
        row.last_rejection,
        row.last_note,
        row.last_note_at,
    )


async def lease_source(source: str, owner: str, *, now: datetime, until: datetime) -> SourceState | None:
    """Hold `source` for `owner` until `until` (free, expired, or already its own); its row
    as held, or None while another worker holds it."""
    await SyncCursorRow.get_or_create(source=source)
    taken = (
        await SyncCursorRow.filter(source=source)
        .filter(Q(leased_until=None) | Q(leased_until__lt=now) | Q(lease_owner=owner))
        .update(leased_until=until, lease_owner=owner, last_attempt_at=now)
    )
    return _state(await SyncCursorRow.get(source=source)) if taken else None


async def save_page(source: str, page: PageRead) -> None:
    """Record a page of a pull (inside the page's transaction, so they commit together)."""
    updates: dict[str, object] = {
        "records_seen": F("records_seen") + page.seen,
        "records_rejected": F("records_rejected") + page.rejected,
        "leased_until": page.leased_until,
    }
    if page.last_rejection is not None:
        updates["last_rejection"] = page.last_rejection
    if page.last_note is not None:
        updates["last_note"], updates["last_note_at"] = page.last_note, page.last_note_at
    if page.cursor is not None:
        updates["cursor"] = page.cursor
    if page.newest_seen_at is not None:
        updates["newest_seen_at"] = page.newest_seen_at
    await SyncCursorRow.filter(source=source).update(**updates)


async def pull_failed(source: str, *, error: str, at: datetime, failures: int) -> None:
    """Record a failed pull (`failures` in a row, this one included) and let go of the source."""
    await SyncCursorRow.filter(source=source).update(
        last_error=error,
        last_error_at=at,
        consecutive_failures=failures,
        leased_until=None,
    )


async def pull_succeeded(source: str, *, at: datetime) -> None:
    """Record a whole pull and let go of the source."""
    await SyncCursorRow.filter(source=source).update(last_success_at=at, consecutive_failures=0, leased_until=None)


async def pushed(source: str, *, at: datetime, records: int, rejected: int) -> None:
    """Record a push from the source, as a successful sync (a push-only source has no pulls)."""
    await SyncCursorRow.get_or_create(source=source)
    await SyncCursorRow.filter(source=source).update(
        last_success_at=at,
        last_attempt_at=at,
        consecutive_failures=0,
        records_seen=F("records_seen") + records,
        records_rejected=F("records_rejected") + rejected,
    )


async def source_states() -> dict[str, SourceState]:
    """Every source's row, by source name."""
    return {row.source: _state(row) for row in await SyncCursorRow.all()}
