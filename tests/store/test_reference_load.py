"""Loading reference data into a store of its own (SQLite or PostgreSQL, as the run says):
what a load adds, updates, leaves and keeps; dry runs; bad links; one transaction."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import replace

import pytest
from tortoise import Tortoise
from tortoise.context import TortoiseContext

from gateway.demo.reference import demo_reference
from gateway.domain.reference import Updated, load_reference, load_regions
from gateway.domain.reference_file import ReferenceFileError, parse_document
from gateway.store import registry
from gateway.store.config import tortoise_config
from gateway.store.database import migrate_database
from tests.conftest import ScratchDatabases

# Every test migrates a new database of its own.
pytestmark = pytest.mark.slow

SMALL = {
    "agency": [
        {"id": "pemprov-16", "name": "Pemerintah Provinsi Sumatera Selatan", "level": "PROVINCE", "kode_wilayah": "16"},
        {
            "id": "pemkab-16.05",
            "name": "Pemerintah Kabupaten Musi Rawas",
            "short_name": "Pemkab Mura",
            "level": "REGENCY",
            "kode_wilayah": "16.05",
            "parent": "pemprov-16",
        },
        {
            "id": "16.05-pupr",
            "name": "Dinas PUPR Kabupaten Musi Rawas",
            "level": "UNIT",
            "kode_wilayah": "16.05",
            "parent": "pemkab-16.05",
        },
        {
            "id": "16.05-dinkes",
            "name": "Dinas Kesehatan Kabupaten Musi Rawas",
            "level": "UNIT",
            "parent": "pemkab-16.05",
        },
    ],
    "category": [
        {"id": "infrastruktur", "name": "Infrastruktur"},
        {"id": "infrastruktur.jalan", "name": "Jalan Rusak", "parent": "infrastruktur"},
        {"id": "kesehatan", "name": "Kesehatan"},
    ],
}


@asynccontextmanager
async def empty_store(scratch_databases: ScratchDatabases) -> AsyncIterator[None]:
    """A new migrated database with regions and no registry, open in this task only (the
    session's store stays as it is)."""
    url = await scratch_databases.new()
    await migrate_database(url)
    async with TortoiseContext():
        await Tortoise.init(config=tortoise_config(url))
        try:
            await load_regions()
            yield
        finally:
            await Tortoise.close_connections()


def _doc(**changes: list[dict[str, str]]) -> dict[str, list[dict[str, str]]]:
    return {**{k: [dict(t) for t in v] for k, v in SMALL.items()}, **changes}


async def test_a_first_load_adds_everything_and_the_same_load_again_changes_nothing(
    scratch_databases: ScratchDatabases,
) -> None:
    document = demo_reference()
    async with empty_store(scratch_databases):
        first = await load_reference(document)
        assert first.written and first.changed
        assert first.agencies.added == tuple(a.id for a in document.agencies)
        assert first.categories.added == tuple(c.id for c in document.categories)
        assert not first.agencies.updated and not first.agencies.kept and not first.agencies.unchanged

        again = await load_reference(document)
        assert not again.changed
        assert again.agencies.added == () and again.agencies.updated == () and again.agencies.kept == ()
        assert len(again.agencies.unchanged) == len(document.agencies) == 250
        assert len(again.categories.unchanged) == len(document.categories) == 60
        assert await registry.stored_agencies() == {a.id: a for a in document.agencies}
        assert await registry.stored_categories() == {c.id: c for c in document.categories}


async def test_a_changed_file_updates_the_named_fields_adds_and_keeps_what_it_lacks(
    scratch_databases: ScratchDatabases,
) -> None:
    async with empty_store(scratch_databases):
        await load_reference(parse_document(SMALL))
        agencies = [dict(t) for t in SMALL["agency"] if t["id"] != "16.05-dinkes"]  # left out: kept
        agencies[1] |= {"name": "Pemerintah Kabupaten Musi Rawas (baru)", "short_name": "Pemkab Musi Rawas"}
        # A new unit whose parent is only in the store, not in this file.
        new_unit = {
            "id": "16.05-dishub",
            "name": "Dinas Perhubungan Kabupaten Musi Rawas",
            "level": "UNIT",
            "parent": "pemkab-16.05",
        }
        changed = {
            "agency": [t for t in agencies if t["id"] != "pemkab-16.05"] + [new_unit],
            "category": [
                {"id": "infrastruktur", "name": "Infrastruktur"},
                {"id": "infrastruktur.jalan", "name": "Jalan Rusak", "parent": "infrastruktur"},
                {"id": "kesehatan", "name": "Kesehatan", "parent": "infrastruktur"},
            ],
        }
        report = await load_reference(parse_document(changed))
        assert report.agencies.added == ("16.05-dishub",)
        assert report.agencies.updated == ()
        assert report.agencies.kept == ("16.05-dinkes", "pemkab-16.05")
        assert report.categories.updated == (Updated("kesehatan", ("parent_id",)),)

        renamed = {"agency": agencies, "category": changed["category"]}
        report = await load_reference(parse_document(renamed))
        assert report.agencies.updated == (Updated("pemkab-16.05", ("name", "short_name")),)
        assert report.agencies.kept == ("16.05-dinkes", "16.05-dishub")
        stored = await registry.stored_agencies()
        assert stored["pemkab-16.05"].name == "Pemerintah Kabupaten Musi Rawas (baru)"
        assert stored["16.05-dinkes"].parent_id == "pemkab-16.05"  # kept, never deleted
        assert (await registry.stored_categories())["kesehatan"].parent_id == "infrastruktur"


async def test_a_dry_run_reports_the_same_and_writes_nothing(scratch_databases: ScratchDatabases) -> None:
    async with empty_store(scratch_databases):
        dry = await load_reference(parse_document(SMALL), dry_run=True)
        assert not dry.written and dry.changed
        assert dry.agencies.added == ("pemprov-16", "pemkab-16.05", "16.05-pupr", "16.05-dinkes")
        assert await registry.registry_sizes() == (0, 0)
        real = await load_reference(parse_document(SMALL))
        assert replace(real, written=False) == dry


@pytest.mark.parametrize(
    ("document", "message"),
    [
        (
            _doc(agency=[{"id": "16.05-pupr", "name": "Dinas PUPR", "level": "UNIT", "parent": "pemkab-16.05"}]),
            "agency[0].parent: expected the id of an agency in this file or already in the store; found 'pemkab-16.05'",
        ),
        (
            _doc(
                agency=[
                    *SMALL["agency"],
                    {
                        "id": "16.04-pupr",
                        "name": "Dinas PUPR Lahat",
                        "level": "UNIT",
                        "kode_wilayah": "16.04",
                        "parent": "pemkab-16.05",
                    },
                ]
            ),
            "agency[4].kode_wilayah: expected a code within its parent pemkab-16.05's region 16.05; found '16.04'",
        ),
        (
            _doc(category=[{"id": "a", "name": "A", "parent": "b"}, {"id": "b", "name": "B", "parent": "a"}]),
            "category[0].parent: expected a parent that is not below this category (the parents form a cycle); found 'b'",
        ),
    ],
)
async def test_a_broken_link_is_named_and_nothing_is_written(
    scratch_databases: ScratchDatabases, document: dict[str, list[dict[str, str]]], message: str
) -> None:
    async with empty_store(scratch_databases):
        with pytest.raises(ReferenceFileError) as caught:
            await load_reference(parse_document(document))
        assert str(caught.value) == message
        assert await registry.registry_sizes() == (0, 0)


async def test_a_cycle_through_the_store_is_refused(scratch_databases: ScratchDatabases) -> None:
    async with empty_store(scratch_databases):
        await load_reference(parse_document(SMALL))
        # pemprov-16 under one of its own units: a cycle only the store's rows close.
        turned = {
            "agency": [
                {
                    "id": "pemprov-16",
                    "name": "Pemerintah Provinsi Sumatera Selatan",
                    "level": "PROVINCE",
                    "kode_wilayah": "16",
                    "parent": "16.05-pupr",
                }
            ]
        }
        with pytest.raises(ReferenceFileError, match=r"agency\[0\]\.parent: .*cycle"):
            await load_reference(parse_document(turned))
        assert (await registry.stored_agencies())["pemprov-16"].parent_id is None


async def test_a_load_is_one_transaction(scratch_databases: ScratchDatabases, monkeypatch: pytest.MonkeyPatch) -> None:
    async def broken(*_: object) -> None:
        raise RuntimeError("the connection dropped")

    async with empty_store(scratch_databases):
        monkeypatch.setattr(registry, "write_categories", broken)
        with pytest.raises(RuntimeError):
            await load_reference(parse_document(SMALL))
        # The agencies were written before the categories failed: rolled back with them.
        assert await registry.registry_sizes() == (0, 0)


async def test_two_loads_at_once_take_turns(scratch_databases: ScratchDatabases) -> None:
    async with empty_store(scratch_databases):
        first, second = await asyncio.gather(
            load_reference(parse_document(SMALL)), load_reference(parse_document(SMALL))
        )
        # One added everything; the other, after it, found it all there (no duplicate insert).
        assert sorted([len(first.agencies.added), len(second.agencies.added)]) == [0, 4]
        assert sorted([len(first.categories.unchanged), len(second.categories.unchanged)]) == [0, 3]
        assert await registry.registry_sizes() == (4, 3)
