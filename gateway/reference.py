"""Loading reference data into the store: regions always, agency and category registries on demand."""

from __future__ import annotations

from collections.abc import Sequence

from schema.canonical import Agency, Category
from schema.regions import provinces_and_regencies

from gateway.store.database import migrate_database, store
from gateway.store.writer import upsert_agencies, upsert_categories, upsert_regions


async def load_regions() -> int:
    """Store the 38 provinces and 514 kabupaten/kota; returns how many were new."""
    return await upsert_regions(provinces_and_regencies())


async def load_registry(agencies: Sequence[Agency], categories: Sequence[Category]) -> tuple[int, int]:
    """Store agencies and categories not stored yet; returns (agencies, categories) added."""
    return await upsert_agencies(agencies), await upsert_categories(categories)


async def upgrade_database(database_url: str) -> tuple[list[str], int]:
    """Apply pending migrations, then make sure the region table is complete.

    Returns the migrations applied and the number of regions added.
    """
    steps = await migrate_database(database_url)
    async with store(database_url):
        added = await load_regions()
    return steps, added
