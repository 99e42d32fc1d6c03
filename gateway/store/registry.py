"""The agency and category registries in the store: read them whole, add and update rows.

Rows are never deleted here: complaints, dispositions and follow-ups refer to agencies and
categories by id, so one that leaves a reference file stays in the store.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from typing import Any, cast

from tortoise.transactions import in_transaction

from gateway.store import rows
from gateway.store.models import AgencyRow, CategoryRow
from gateway.store.trees import AGENCY_TREE, CATEGORY_TREE
from schema.canonical import Agency, AgencyLevel, Category


@asynccontextmanager
async def registry_transaction() -> AsyncIterator[None]:
    """One transaction for a whole load: it is written entirely or not at all.

    On PostgreSQL two loads at once take turns (the second reads what the first wrote, so
    it neither inserts the same row twice nor fails on it); complaints that refer to the
    registry are not held up, since their foreign key checks only share-lock rows.
    """
    async with in_transaction() as conn:
        if conn.capabilities.dialect == "postgres":
            await conn.execute_script("LOCK TABLE agency, category IN SHARE ROW EXCLUSIVE MODE")
        yield


async def stored_agencies() -> dict[str, Agency]:
    """Every stored agency by id."""
    return {r.id: rows.agency_from_row(r) for r in await AgencyRow.all()}


async def stored_categories() -> dict[str, Category]:
    """Every stored category by id."""
    return {r.id: rows.category_from_row(r) for r in await CategoryRow.all()}


async def agency_region(agency_id: str) -> str | None:
    """The kode wilayah of one agency (None: no such agency, or it has none)."""
    agency = await AgencyRow.filter(id=agency_id).only("id", "kode_wilayah").first()
    return agency.kode_wilayah if agency is not None else None


async def agency_regions(agency_ids: Sequence[str]) -> dict[str, str | None]:
    """The kode wilayah of each of these agencies (unknown ids are absent); one query."""
    return dict(await AgencyRow.filter(id__in=list(agency_ids)).values_list("id", "kode_wilayah"))


async def registry_sizes() -> tuple[int, int]:
    """How many agencies and categories are stored."""
    return await AgencyRow.all().count(), await CategoryRow.all().count()


def _agency_columns(a: Agency) -> dict[str, Any]:
    return {
        "name": a.name,
        "short_name": a.short_name,
        "level": a.level,
        "kode_wilayah": a.kode_wilayah,
        "parent_id": a.parent_id,
    }


async def write_agencies(added: Sequence[Agency], updated: Sequence[Agency]) -> None:
    """Insert `added` (parents first, as given) and overwrite the columns of `updated`."""
    for a in added:
        await AgencyRow.create(id=a.id, **_agency_columns(a))
    for a in updated:
        await AgencyRow.filter(id=a.id).update(**_agency_columns(a))
    if added or updated:
        AGENCY_TREE.invalidate()


async def write_categories(added: Sequence[Category], updated: Sequence[Category]) -> None:
    """Insert `added` (parents first, as given) and overwrite the columns of `updated`."""
    for c in added:
        await CategoryRow.create(id=c.id, name=c.name, parent_id=c.parent_id)
    for c in updated:
        await CategoryRow.filter(id=c.id).update(name=c.name, parent_id=c.parent_id)
    if added or updated:
        CATEGORY_TREE.invalidate()


async def unknown_agencies(ids: Sequence[str]) -> list[str]:
    """Those of `ids` that are not in the registry, in the order given."""
    # Tortoise types every values_list as tuples; flat=True gives the bare values.
    known = (
        set(cast(list[str], await AgencyRow.filter(id__in=list(ids)).values_list("id", flat=True))) if ids else set()
    )
    return [i for i in ids if i not in known]


async def category_registry_empty() -> bool:
    """Whether no category is stored at all (a production store before its first load)."""
    return not await CategoryRow.exists()


async def unknown_categories(ids: Sequence[str]) -> list[str]:
    """Those of `ids` that are not in the category registry, in the order given."""
    known = (
        set(cast(list[str], await CategoryRow.filter(id__in=list(ids)).values_list("id", flat=True))) if ids else set()
    )
    return [i for i in ids if i not in known]


async def agency_registered(agency_id: str) -> bool:
    """Whether one agency id is in the registry."""
    return await AgencyRow.filter(id=agency_id).exists()


async def regency_government(regency_code: str) -> str | None:
    """The id of the regency or city government agency of a kab/kota, if it is registered."""
    found = await AgencyRow.filter(kode_wilayah=regency_code, level__in=[AgencyLevel.REGENCY, AgencyLevel.CITY]).first()
    return found.id if found else None
