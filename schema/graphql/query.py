"""The Query root: thin resolvers over the scoped store and the reference data."""

from __future__ import annotations

import strawberry

from auth.scope import RowScope
from schema import regions as r
from schema.graphql.inputs import ComplaintFilterInput, SortOrder, UserInputError
from schema.graphql.types import (
    Agency,
    Category,
    Complaint,
    ComplaintEdge,
    Ctx,
    PageInfo,
    Region,
    RegionLevel,
    region_of,
)
from schema.queries import ComplaintFilter, Cursor, InvalidCursor
from schema.queries import SortOrder as _SortOrder
from schema.validation import FieldError

DEFAULT_PAGE_SIZE = 20
REGION_SEARCH_LIMIT = 50


@strawberry.type(description="A page of complaints in a stable order.")
class ComplaintConnection:
    edges: list[ComplaintEdge]
    page_info: PageInfo
    _scope: strawberry.Private[RowScope]
    _filter: strawberry.Private[ComplaintFilter]

    @strawberry.field(description="Complaints matching the filter, across all pages.")
    async def total_count(self, info: Ctx) -> int:
        return await info.context.complaints.count(self._scope, self._filter)

    @strawberry.field(description="The complaints of this page (edges without cursors).")
    def nodes(self) -> list[Complaint]:
        return [e.node for e in self.edges]


def _page_size(first: int, maximum: int) -> int:
    if not 1 <= first <= maximum:
        raise UserInputError(
            [FieldError("first", f"is {first}", f"an integer from 1 to {maximum}")]
        )
    return first


@strawberry.type
class Query:
    @strawberry.field(description="One complaint by its id or its tracking ID.")
    async def complaint(
        self,
        info: Ctx,
        id: strawberry.ID | None = None,
        tracking_id: str | None = None,
    ) -> Complaint | None:
        if (id is None) == (tracking_id is None):
            raise UserInputError(
                [FieldError("id", "and trackingId were both given or both missing", "exactly one of id or trackingId")]
            )
        found = await info.context.complaints.get(
            info.context.scope,
            id=str(id) if id is not None else None,
            tracking_id=tracking_id.strip() if tracking_id is not None else None,
        )
        return Complaint.from_canonical(found) if found else None

    @strawberry.field(description="Complaints, newest first unless ordered otherwise.")
    async def complaints(
        self,
        info: Ctx,
        filter: ComplaintFilterInput | None = None,
        first: int = DEFAULT_PAGE_SIZE,
        after: str | None = None,
        order: SortOrder = _SortOrder.NEWEST_FIRST,  # type: ignore[valid-type]
    ) -> ComplaintConnection:
        ctx = info.context
        size = _page_size(first, ctx.max_page_size)
        canonical_filter = filter.to_canonical() if filter else ComplaintFilter()
        try:
            cursor = Cursor.decode(after) if after else None
        except InvalidCursor as exc:
            raise UserInputError(
                [FieldError("after", "is not a cursor from this API", "an endCursor or edge cursor returned by an earlier page")]
            ) from exc
        page = await ctx.complaints.list(
            ctx.scope, canonical_filter, first=size, after=cursor, order=order
        )
        edges = [
            ComplaintEdge(cursor=cur.encode(), node=Complaint.from_canonical(item))
            for item, cur in zip(page.items, page.cursors, strict=True)
        ]
        end = page.end_cursor
        return ComplaintConnection(
            edges=edges,
            page_info=PageInfo(
                has_next_page=page.has_next_page, end_cursor=end.encode() if end else None
            ),
            _scope=ctx.scope,
            _filter=canonical_filter,
        )

    @strawberry.field(description="One region by kode wilayah.")
    def region(self, code: str) -> Region | None:
        return region_of(code.strip())

    @strawberry.field(
        description="Regions: the provinces, the children of `parent`, or a search by "
        "name, alias (\"OKU Timur\", \"Muratara\"), Kemendagri or BPS code."
    )
    def regions(
        self,
        parent: str | None = None,
        search: str | None = None,
        level: RegionLevel | None = None,  # type: ignore[valid-type]
    ) -> list[Region]:
        if parent is not None and not r.is_valid_code_format(parent.strip()):
            raise UserInputError(
                [FieldError("parent", f"'{parent[:20]}' is not a kode wilayah", r.KODE_WILAYAH_EXPECTED)]
            )
        if search is not None:
            if len(search) > 100:
                raise UserInputError(
                    [FieldError("search", f"is {len(search)} characters long", "at most 100")]
                )
            found = r.search(search, within=parent.strip() if parent else None, limit=REGION_SEARCH_LIMIT)
        else:
            found = r.children(parent.strip() if parent else None)
        return [Region.from_canonical(x) for x in found if level is None or x.level == level]

    @strawberry.field(description="Agencies (instansi and units), optionally in a region or under a parent.")
    async def agencies(
        self,
        info: Ctx,
        kode_wilayah: str | None = None,
        parent_id: strawberry.ID | None = None,
    ) -> list[Agency]:
        if kode_wilayah is not None and not r.is_valid_code_format(kode_wilayah.strip()):
            raise UserInputError(
                [FieldError("kodeWilayah", f"'{kode_wilayah[:20]}' is not a kode wilayah", r.KODE_WILAYAH_EXPECTED)]
            )
        found = await info.context.references.agencies(
            kode_wilayah=kode_wilayah.strip() if kode_wilayah else None,
            parent_id=str(parent_id) if parent_id else None,
        )
        return [Agency.from_canonical(a) for a in found]

    @strawberry.field(description="The category tree (its roots, with children).")
    async def categories(self, info: Ctx) -> list[Category]:
        return Category.tree(await info.context.references.categories())
