"""`complaintUpdates`: live updates of the complaints the caller may see (graphql-transport-ws).

Every event names only a complaint and what happened to it; for each one the complaint is
read within the subscriber's own case scope (the same query as `complaint(id)`), and the
subscriber hears of it only if it is there. So a subscription never carries what its token
may not see, whatever process the change was made in. Subscribers with the same case scope
share that read (`shared_reads`): one read per event and scope, not one per stream.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncGenerator, AsyncIterator
from datetime import UTC, datetime
from functools import partial

import strawberry
from graphql import GraphQLError

from schema.graphql.complaint_types import Complaint, case_file
from schema.graphql.shared_reads import shared_reads
from schema.graphql.types import Ctx, local_time
from schema.ports.updates import UpdateEvent
from schema.regions import KODE_WILAYAH_EXPECTED, is_valid_code_format, lies_in, zone_for

log = logging.getLogger(__name__)


@strawberry.type(description="A change to a complaint you may see.")
class ComplaintUpdate:
    kind: str = strawberry.field(
        description="created, status, follow_up, changed (by a sync), or gap: updates were lost "
        "because this subscriber fell behind (read the complaints again)."
    )
    at: datetime
    complaint: Complaint | None = strawberry.field(description="The complaint now (null for a gap).")


async def _events(info: Ctx) -> AsyncIterator[UpdateEvent]:
    async with info.context.updates.subscribe() as queue:
        while True:
            yield await queue.get()


@strawberry.type
class Subscription:
    @strawberry.subscription(
        description="Changes to complaints in your case scope as they happen (optionally in one "
        "kode wilayah and below). Connect with graphql-transport-ws and send your token in "
        'connection_init: {"authorization": "Bearer <token>"}.'
    )
    async def complaint_updates(
        self, info: Ctx, kode_wilayah: str | None = None
    ) -> AsyncGenerator[ComplaintUpdate, None]:
        ctx = info.context
        if ctx.principal.is_public:
            raise GraphQLError(
                'complaintUpdates needs a token: send it in connection_init as {"authorization": "Bearer <token>"}',
                extensions={"code": "UNAUTHENTICATED"},
            )
        if kode_wilayah is not None and not is_valid_code_format(kode_wilayah):
            raise GraphQLError(
                f"kodeWilayah: is not a kode wilayah (expected {KODE_WILAYAH_EXPECTED})",
                extensions={"code": "BAD_USER_INPUT"},
            )
        if ctx.access.cases.empty:
            raise GraphQLError("your roles have no case scope to follow", extensions={"code": "FORBIDDEN"})
        try:
            async for event in _events(info):
                if ctx.principal.expires_at is not None and datetime.now(UTC) >= ctx.principal.expires_at:
                    raise GraphQLError(
                        "your token expired; expected: reconnect with a fresh token",
                        extensions={"code": "UNAUTHENTICATED"},
                    )
                if event.kind == "gap":
                    yield ComplaintUpdate(kind="gap", at=event.at, complaint=None)
                    continue
                if event.kode_wilayah and not lies_in(event.kode_wilayah, kode_wilayah):
                    continue  # elsewhere than it looks: not even read
                try:
                    scope = ctx.access.cases
                    found = await shared_reads().read(
                        (event.complaint_id, event.kind, event.at, scope),
                        partial(ctx.complaints.get, scope, id=event.complaint_id),
                    )
                except Exception:  # one failed read skips one update, never ends the stream
                    log.exception("complaintUpdates could not read a complaint (request %s)", ctx.request_id)
                    yield ComplaintUpdate(kind="gap", at=event.at, complaint=None)
                    continue
                if found is None or not lies_in(found.location.kode_wilayah, kode_wilayah):
                    continue  # not the subscriber's to see, or not where it looks
                ctx.refresh_loaders()  # each update reads its nested fields afresh
                zone = zone_for(found.location.kode_wilayah)
                yield ComplaintUpdate(kind=event.kind, at=local_time(event.at, zone), complaint=case_file(ctx, found))
                # What the subscriber was shown (a secret complaint, a reporter) is audited
                # as each update goes out, as a query's would be at its end.
                await ctx.audit.flush()
        finally:
            await ctx.audit.flush()
