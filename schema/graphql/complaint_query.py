"""Complaint reads: the case view (`complaint`, `complaints`) and the public view.

Every read goes through the caller's scope for that view, pushed into the store query.
A complaint outside the scope is simply absent; for an authenticated caller the miss is
also recorded as a denied read when the complaint exists (the answer stays the same).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Annotated, TypeVar

import strawberry
from anyio import to_thread
from graphql import GraphQLError

from auth.audit import AuditAction
from auth.errors import AuthError, PermissionDenied
from auth.live_regions import live_regions, may_list_live
from auth.roles import Role
from auth.scope import RowScope
from schema import edge_checks as edge
from schema.canonical import Complaint as CanonicalComplaint
from schema.graphql.complaint_types import (
    Complaint,
    ComplaintEdge,
    PublicComplaint,
    PublicComplaintEdge,
    case_file,
)
from schema.graphql.context import GraphQLContext
from schema.graphql.inputs import ComplaintFilterInput, SortOrder, UserInputError
from schema.graphql.live_types import SourceOutcome
from schema.graphql.types import Ctx, PageInfo
from schema.live import FAILED, Freshness, LivePage, Outcome
from schema.queries import ComplaintFilter, Cursor, InvalidCursor, Page
from schema.queries import SortOrder as _SortOrder
from schema.upstream_text import for_caller
from schema.validation import FieldError, ValidationFailed

DEFAULT_PAGE_SIZE = 20
# Text on a public page above which its masking runs off the event loop.
OFFLOAD_CHARS = 64_000
# Who may ask every source of a partition at once (a citizen's own complaints are in the index).
LIVE_LIST_ROLES = (Role.AGENCY_OFFICER, Role.AGENCY_ADMIN, Role.REGIONAL_COORDINATOR, Role.NATIONAL_ADMIN)
E = TypeVar("E")


def page_size(first: int, maximum: int) -> int:
    """`first` if within 1..maximum, else a readable error."""
    if not 1 <= first <= maximum:
        raise UserInputError([FieldError("first", f"is {first}", f"an integer from 1 to {maximum}")])
    return first


def decode_after(after: str | None) -> Cursor | None:
    """The cursor a client sent back, or a readable error."""
    try:
        return Cursor.decode(after) if after else None
    except InvalidCursor as exc:
        raise UserInputError(
            [
                FieldError(
                    "after",
                    "is not a cursor from this API",
                    "an endCursor or edge cursor returned by an earlier page",
                )
            ]
        ) from exc


def _one_key(id: strawberry.ID | None, tracking_id: str | None) -> tuple[str | None, str | None]:
    if (id is None) == (tracking_id is None):
        raise UserInputError(
            [FieldError("id", "and trackingId were both given or both missing", "exactly one of id or trackingId")]
        )
    # Shapes first: a malformed key reaches neither the store nor a source.
    refused = edge.complaint_id("id", str(id)) if id is not None else edge.tracking_id("trackingId", str(tracking_id))
    if refused:
        raise UserInputError(refused)
    return (str(id) if id is not None else None, tracking_id.strip() if tracking_id else None)


@strawberry.type(description="A page of complaints (case view) in a stable order.")
class ComplaintConnection:
    edges: list[ComplaintEdge]
    page_info: PageInfo
    _scope: strawberry.Private[RowScope]
    _filter: strawberry.Private[ComplaintFilter]
    _live: strawberry.Private[LivePage[CanonicalComplaint] | None] = None

    @strawberry.field(
        description="Complaints matching the filter in your scope, across pages (for a live "
        "list: what the sources that answered listed)."
    )
    async def total_count(self, info: Ctx) -> int:
        if self._live is not None:
            return self._live.total
        return await info.context.complaints.count(self._scope, self._filter)

    @strawberry.field(
        description="For a live list: how each source of the partition answered (empty when the index answered)."
    )
    def sources(self, info: Ctx) -> list[SourceOutcome]:
        access = info.context.access
        return [SourceOutcome.of(s, access) for s in self._live.sources] if self._live else []

    @strawberry.field(
        description="True when a live list may lack records: a source failed, offers no list, or "
        "had more than a live read takes from one source (truncated)."
    )
    def partial(self) -> bool:
        return bool(
            self._live and any(s.failed or s.truncated or s.outcome is Outcome.NOT_READABLE for s in self._live.sources)
        )

    @strawberry.field(description="The complaints of this page (edges without cursors).")
    def nodes(self) -> list[Complaint]:
        return [e.node for e in self.edges]


@strawberry.type(description="A page of public complaints in a stable order.")
class PublicComplaintConnection:
    edges: list[PublicComplaintEdge]
    page_info: PageInfo
    _scope: strawberry.Private[RowScope]
    _filter: strawberry.Private[ComplaintFilter]

    @strawberry.field(description="Public complaints matching the filter, across pages.")
    async def total_count(self, info: Ctx) -> int:
        return await info.context.complaints.count(self._scope, self._filter)

    @strawberry.field(description="The complaints of this page (edges without cursors).")
    def nodes(self) -> list[PublicComplaint]:
        return [e.node for e in self.edges]


async def _page(
    ctx: GraphQLContext,
    scope: RowScope,
    filter: ComplaintFilterInput | None,
    first: int,
    after: str | None,
    order: _SortOrder,
    make_edge: Callable[[str, CanonicalComplaint], E],
    *,
    offload: bool = False,
) -> tuple[list[E], PageInfo, ComplaintFilter]:
    size = page_size(first, ctx.max_page_size)
    canonical_filter = filter.to_canonical() if filter else ComplaintFilter()
    page: Page[CanonicalComplaint] = await ctx.complaints.list(
        scope, canonical_filter, first=size, after=decode_after(after), order=order
    )

    def build() -> list[E]:
        return [make_edge(cur.encode(), item) for item, cur in zip(page.items, page.cursors, strict=True)]

    # Masking a public page is linear but not free (a page of long texts is a fifth of a
    # second): a big one is built on a worker thread, so the event loop (health checks,
    # other requests) keeps its turns while it runs.
    if offload and sum(len(x.content) + len(x.display_title) for x in page.items) > OFFLOAD_CHARS:
        edges = await to_thread.run_sync(build)
    else:
        edges = build()
    end = page.end_cursor
    info = PageInfo(has_next_page=page.has_next_page, end_cursor=end.encode() if end else None)
    return edges, info, canonical_filter


async def _live_page(
    ctx: GraphQLContext, filter: ComplaintFilterInput | None, first: int, after: str | None, order: _SortOrder
) -> ComplaintConnection:
    if ctx.federation is None:
        raise UserInputError([FieldError("live", "is true, but this gateway has no sources configured", "live: false")])
    size = page_size(first, ctx.max_page_size)
    used = filter.to_canonical() if filter else ComplaintFilter()
    # A live list costs every source of the partition a call: not for callers without a
    # case scope, and a whole-country fan-out only for those whose scope is the country.
    if ctx.principal.is_public:
        raise AuthError("live: true needs a token")
    if not ctx.principal.has(*LIVE_LIST_ROLES):
        raise PermissionDenied(
            "live lists are for agency staff, coordinators and the national admin; expected: live: false"
        )
    if ctx.access.cases.empty:
        raise PermissionDenied("your roles have no case scope to list live")
    if used.kode_wilayah is None and not ctx.access.cases.everything:
        raise UserInputError(
            [
                FieldError(
                    "filter.kodeWilayah", "is missing for a live list", 'the partition to ask, e.g. "16" or "16.05"'
                )
            ]
        )
    await _check_live_partition(ctx, used.kode_wilayah)
    try:
        page = await ctx.federation.live_page(
            ctx.access.cases, used, first=size, after=decode_after(after), order=order, now=datetime.now(UTC)
        )
    except ValidationFailed as exc:
        raise UserInputError(list(exc.errors)) from None
    answered = {s.system: s for s in page.sources}
    edges = [
        ComplaintEdge(
            cursor=cursor,
            node=case_file(ctx, item, Freshness(live=True, stale=False, synced_at=None, source=answered.get(system))),
        )
        for item, cursor, system in zip(page.items, page.cursors, page.systems, strict=True)
    ]
    end = page.cursors[-1] if page.cursors else None
    info = PageInfo(has_next_page=page.has_next_page, end_cursor=end)
    return ComplaintConnection(edges=edges, page_info=info, _scope=ctx.access.cases, _filter=used, _live=page)


async def _check_live_partition(ctx: GraphQLContext, partition: str | None) -> None:
    """A live list calls every system of its partition: only within the caller's own
    regions (an officer cannot start calls to another province's systems)."""
    if ctx.access.cases.everything:
        return
    agency_region = None
    if ctx.principal.agency_id:
        agency = await ctx.agencies.load(ctx.principal.agency_id)
        agency_region = agency.kode_wilayah if agency is not None else None
    regions = live_regions(ctx.principal, ctx.access.cases, agency_region)
    if may_list_live(partition, regions):
        return
    allowed = ", ".join(sorted(regions or ())) or "none (your agency has no region)"
    raise PermissionDenied(
        f"a live list over {partition or 'every region'} is outside your regions; expected "
        f"filter.kodeWilayah within: {allowed}"
    )


# A source's record id as a live list shows it: no path tricks ("." or ".."), bounded.
_SOURCE_ID = re.compile(r"[A-Za-z0-9_\-:.]{1,128}")


async def _unsynced(ctx: GraphQLContext, ref: str) -> Complaint | None:
    """`complaint(id: "system:source id")`: a record a live list showed before it was
    synced, read from its source now (the index's complaint once it is synced), for the
    callers a live list is for."""
    system, _, source_id = ref.partition(":")
    if (
        ctx.federation is None  # the caller checks this too; here it tells the type checker
        or not ctx.principal.has(*LIVE_LIST_ROLES)
        or ctx.access.cases.empty
        or not _SOURCE_ID.fullmatch(source_id)
        or source_id.strip(".") == ""
    ):
        return None  # as for any id the caller cannot read: nothing is asked of the source
    found, outcome = await ctx.federation.read_unsynced(ctx.access.cases, system, source_id)
    if found is not None:
        return case_file(ctx, found, Freshness(live=True, stale=False, synced_at=None, source=outcome))
    if outcome is not None and outcome.outcome in FAILED:
        raise GraphQLError(
            f"{system} could not be read ({outcome.outcome.value}: {for_caller(ctx.access, outcome.error)}); expected: try again later, "
            "or read the complaint by its own id once it is synced",
            extensions={"code": "SOURCE_UNAVAILABLE"},
        )
    return None


@strawberry.type
class ComplaintQuery:
    @strawberry.field(
        description="One complaint in full, by id or tracking ID, if it is in your case scope; "
        "an id `system:source id` (a live list's record not synced yet) is read from that source."
    )
    async def complaint(
        self,
        info: Ctx,
        id: strawberry.ID | None = None,
        tracking_id: str | None = None,
        live: Annotated[
            bool,
            strawberry.argument(description="Read it from its owner (system of record) now; false: from the index."),
        ] = True,
    ) -> Complaint | None:
        ctx = info.context
        key_id, key_tracking = _one_key(id, tracking_id)
        if key_id is not None and ":" in key_id and live and ctx.federation is not None and not ctx.principal.is_public:
            return await _unsynced(ctx, key_id)
        key = ("id", key_id) if key_id is not None else ("tracking_id", str(key_tracking))
        found = await ctx.case_lookups.load(key)
        if found is not None:
            if live and ctx.federation is not None:
                # Permission was decided by the index above; the owner adds freshness only.
                current, freshness = await ctx.live_reads.load(found)
                return case_file(ctx, current, freshness)
            return case_file(ctx, found)
        if not ctx.principal.is_public and await ctx.complaints.exists(id=key_id, tracking_id=key_tracking):
            ctx.audit.record(AuditAction.READ_DENIED, reason="OUT_OF_SCOPE")
        return None

    @strawberry.field(description="Complaints in full within your case scope, newest first.")
    async def complaints(
        self,
        info: Ctx,
        filter: ComplaintFilterInput | None = None,
        first: int = DEFAULT_PAGE_SIZE,
        after: str | None = None,
        order: SortOrder = _SortOrder.NEWEST_FIRST,
        live: Annotated[
            bool,
            strawberry.argument(
                description="Ask the sources of the partition (filter.kodeWilayah; every connected "
                "kab/kota without it) now, instead of the index; `sources` says how each answered."
            ),
        ] = False,
    ) -> ComplaintConnection:
        ctx = info.context
        if live:
            return await _live_page(ctx, filter, first, after, order)
        edges, page_info, used = await _page(
            ctx,
            ctx.access.cases,
            filter,
            first,
            after,
            order,
            lambda cur, item: ComplaintEdge(cursor=cur, node=case_file(ctx, item)),
        )
        return ComplaintConnection(edges=edges, page_info=page_info, _scope=ctx.access.cases, _filter=used)

    @strawberry.field(description="One public (non-secret) complaint by id or tracking ID.")
    async def public_complaint(
        self, info: Ctx, id: strawberry.ID | None = None, tracking_id: str | None = None
    ) -> PublicComplaint | None:
        ctx = info.context
        key_id, key_tracking = _one_key(id, tracking_id)
        found = await ctx.complaints.get(ctx.access.public, id=key_id, tracking_id=key_tracking)
        return PublicComplaint.from_canonical(found) if found else None

    @strawberry.field(description="Public (non-secret) complaints, newest first.")
    async def public_complaints(
        self,
        info: Ctx,
        filter: ComplaintFilterInput | None = None,
        first: int = DEFAULT_PAGE_SIZE,
        after: str | None = None,
        order: SortOrder = _SortOrder.NEWEST_FIRST,
    ) -> PublicComplaintConnection:
        ctx = info.context
        edges, page_info, used = await _page(
            ctx,
            ctx.access.public,
            filter,
            first,
            after,
            order,
            lambda cur, item: PublicComplaintEdge(cursor=cur, node=PublicComplaint.from_canonical(item)),
            offload=True,
        )
        return PublicComplaintConnection(edges=edges, page_info=page_info, _scope=ctx.access.public, _filter=used)
