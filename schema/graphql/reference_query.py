"""Reference data queries: regions, agencies, categories."""

from __future__ import annotations

import strawberry

from schema import regions as r
from schema.graphql.inputs import UserInputError
from schema.graphql.types import Agency, Category, Ctx, Region, RegionLevel, region_of
from schema.privacy import mask_contacts
from schema.validation import FieldError

REGION_SEARCH_LIMIT = 50


@strawberry.type
class ReferenceQuery:
    @strawberry.field(description="One region by kode wilayah.")
    def region(self, code: str) -> Region | None:
        return region_of(code.strip())

    @strawberry.field(
        description="Regions: the provinces, the children of `parent`, or a search by "
        'name, alias ("OKU Timur", "Muratara"), Kemendagri or BPS code.'
    )
    def regions(
        self,
        parent: str | None = None,
        search: str | None = None,
        level: RegionLevel | None = None,
    ) -> list[Region]:
        if parent is not None and not r.is_valid_code_format(parent.strip()):
            raise UserInputError(
                [FieldError("parent", f"'{mask_contacts(parent[:20])}' is not a kode wilayah", r.KODE_WILAYAH_EXPECTED)]
            )
        if search is not None:
            if len(search) > 100:
                raise UserInputError([FieldError("search", f"is {len(search)} characters long", "at most 100")])
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
                [
                    FieldError(
                        "kodeWilayah",
                        f"'{mask_contacts(kode_wilayah[:20])}' is not a kode wilayah",
                        r.KODE_WILAYAH_EXPECTED,
                    )
                ]
            )
        found = await info.context.references.agencies(
            kode_wilayah=kode_wilayah.strip() if kode_wilayah else None,
            parent_id=str(parent_id) if parent_id else None,
        )
        return [Agency.from_canonical(a) for a in found]

    @strawberry.field(description="The category tree (its roots, with children).")
    async def categories(self, info: Ctx) -> list[Category]:
        return Category.tree(await info.context.references.categories())
