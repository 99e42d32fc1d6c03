"""Sync health per source, for admins: last success, lag, backlog, errors, dead letters, and
the statuses a source is never sent (its mapping has no word for them)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

import strawberry

from auth.audit import AuditAction
from auth.roles import Role
from schema.graphql.context import GraphQLContext
from schema.graphql.refusal import refuse
from schema.graphql.types import Ctx
from schema.ports.sync import SyncInfo, SyncReader
from schema.upstream_text import identity_free_fields, may_read_as_written

# What upstream systems wrote, which may quote a record's values (reporter identity).
UPSTREAM_TEXT = ("last_error", "last_dead_letter", "last_rejection", "last_note")


def as_caller_may_see(ctx: GraphQLContext, infos: Sequence[SyncInfo]) -> list[SyncInfo]:
    """The sync states with upstream text made identity-free unless the caller may read
    reporter identity (the national admin may; coordinators and auditors never)."""
    if may_read_as_written(ctx.access):
        return list(infos)
    return [identity_free_fields(s, UPSTREAM_TEXT) for s in infos]


@strawberry.type(description="How the sync with one source is doing.")
class SourceSyncStatus:
    source: str
    last_success_at: datetime | None
    last_attempt_at: datetime | None
    lag_seconds: float | None = strawberry.field(
        description="Seconds since the last successful pull (null: never pulled)."
    )
    backlog: int = strawberry.field(description="Deliveries to this source still waiting.")
    dead_letters: int = strawberry.field(description="Deliveries that gave up (see `penghubung sync dead-letters`).")
    last_dead_letter: str | None = strawberry.field(
        description="Why the newest of them gave up, with what this source answered in its own words "
        "(masked for personal data, at most 300 characters).",
    )
    consecutive_failures: int
    last_error: str | None
    last_error_at: datetime | None
    records_seen: int
    records_rejected: int = strawberry.field(
        description="Records its mapping could not read (not stored; see `penghubung connector check`)."
    )
    last_rejection: str | None = strawberry.field(
        description="The latest record its mapping could not read (not stored)."
    )
    last_note: str | None = strawberry.field(
        description="The latest record stored without a part it could not carry (a category code or OPD with no "
        "entry in the mapping, or unknown to the registry), or a paging oddity of the source's list."
    )
    last_note_at: datetime | None = strawberry.field(description="When the latest note was made.")
    statuses_not_sent: list[str] = strawberry.field(
        description="Statuses this source is never sent: its mapping has no status write, or no word for them, so "
        "a complaint reaching one stays at its last status there (the gateway has it)."
    )


_ADMINS = (Role.NATIONAL_ADMIN, Role.REGIONAL_COORDINATOR, Role.AUDITOR)


def _sync_status(s: SyncInfo) -> SourceSyncStatus:
    # SyncInfo's fields, with its tuples as the lists GraphQL answers.
    values: dict[str, Any] = {f: list(v) if isinstance(v := getattr(s, f), tuple) else v for f in SyncInfo.__slots__}
    return SourceSyncStatus(**values)


@strawberry.type
class SyncQuery:
    @strawberry.field(description="Sync health per source (national and regional admins, auditors).")
    async def sync_status(self, info: Ctx) -> list[SourceSyncStatus]:
        ctx = info.context
        if not ctx.principal.has(*_ADMINS):
            raise refuse(
                ctx,
                action=AuditAction.READ_DENIED,
                reason="SYNC_STATUS",
                without_token="sync status needs an admin token",
                with_token="sync status is for national or regional admins and auditors",
            )
        reader: SyncReader | None = ctx.sync
        if reader is None:
            return []
        return [_sync_status(s) for s in as_caller_may_see(ctx, await reader.status())]
