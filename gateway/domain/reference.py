"""Loading reference data into the store: regions always, the agency and category registries
from a reference document (a file for `penghubung reference load`, or the demo's registry).

A load compares the document with the store and reports, per registry, what it added, what
it updated (and which fields), what was unchanged, and what is in the store but not in the
document: that is kept, never deleted, because complaints refer to it. Loading the same
document twice changes nothing the second time. The whole load runs in one transaction; a
dry run reads and reports but writes nothing.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields
from typing import TypeVar

from gateway.domain.reference_file import ReferenceDocument, check_parents, parents_first
from gateway.store import registry
from gateway.store.database import migrate_database, store
from gateway.store.writer import upsert_regions
from schema.canonical import Agency, Category
from schema.regions import provinces_and_regencies

LOAD_COMMAND = "penghubung reference load FILE"


async def load_regions() -> int:
    """Store the 38 provinces and 514 kabupaten/kota; returns how many were new."""
    return await upsert_regions(provinces_and_regencies())


@dataclass(frozen=True, slots=True)
class Updated:
    """An entry whose stored fields differ from the document's: which fields."""

    id: str
    fields: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class RegistryChanges:
    """What a load does (or did) to one registry."""

    added: tuple[str, ...]
    updated: tuple[Updated, ...]
    unchanged: tuple[str, ...]
    kept: tuple[str, ...]  # stored, not in the document: left as they are

    @property
    def changed(self) -> bool:
        """Whether the load writes anything to this registry."""
        return bool(self.added or self.updated)


@dataclass(frozen=True, slots=True)
class LoadReport:
    """What a load of a reference document did, or would do on a dry run."""

    agencies: RegistryChanges
    categories: RegistryChanges
    written: bool  # False on a dry run

    @property
    def changed(self) -> bool:
        """Whether anything was (or would be) written."""
        return self.agencies.changed or self.categories.changed


R = TypeVar("R", Agency, Category)  # one registry's kind of entry


def _differing(new: Agency | Category, old: Agency | Category) -> tuple[str, ...]:
    return tuple(f.name for f in fields(new) if getattr(new, f.name) != getattr(old, f.name))


def _plan(items: Sequence[R], stored: Mapping[str, R]) -> tuple[RegistryChanges, list[R], list[R]]:
    """The changes of one registry, and the items to insert (parents first) and to update."""
    added: list[R] = []
    updated: list[R] = []
    changes: list[Updated] = []
    unchanged: list[str] = []
    for item in parents_first(list(items)):
        old = stored.get(item.id)
        if old is None:
            added.append(item)
        elif differing := _differing(item, old):
            updated.append(item)
            changes.append(Updated(item.id, differing))
        else:
            unchanged.append(item.id)
    in_document = {item.id for item in items}
    kept = tuple(sorted(i for i in stored if i not in in_document))
    report = RegistryChanges(tuple(a.id for a in added), tuple(changes), tuple(unchanged), kept)
    return report, added, updated


async def load_reference(document: ReferenceDocument, *, dry_run: bool = False) -> LoadReport:
    """Bring the store's registries in line with `document`, in one transaction.

    Adds what is new and updates what differs; never deletes. With `dry_run`, only reports.

    Raises:
        ReferenceFileError: a parent is neither in the document nor in the store, the
            parents form a cycle, or a unit lies outside its parent's region.
    """
    async with registry.registry_transaction():
        agencies, categories = await registry.stored_agencies(), await registry.stored_categories()
        check_parents(document, agencies, categories)
        agency_changes, new_agencies, changed_agencies = _plan(document.agencies, agencies)
        category_changes, new_categories, changed_categories = _plan(document.categories, categories)
        if not dry_run:
            await registry.write_agencies(new_agencies, changed_agencies)
            await registry.write_categories(new_categories, changed_categories)
    return LoadReport(agency_changes, category_changes, written=not dry_run)


async def load_registry(agencies: Sequence[Agency], categories: Sequence[Category]) -> tuple[int, int]:
    """Load agencies and categories through `load_reference`; returns how many of each were added."""
    report = await load_reference(ReferenceDocument(tuple(agencies), tuple(categories)))
    return len(report.agencies.added), len(report.categories.added)


async def empty_registry_warning() -> str | None:
    """What to tell an operator at start-up when a registry is empty, else None."""
    agencies, categories = await registry.registry_sizes()
    empty = [name for name, size in (("agency (instansi)", agencies), ("category (kategori)", categories)) if not size]
    if not empty:
        return None
    return (
        f"the {' and '.join(empty)} {'registry is' if len(empty) == 1 else 'registries are'} empty: "
        "new complaints are routed to no agency, and a submission or verification that names an "
        "agency or a category is refused. Load the registry with "
        f"`{LOAD_COMMAND}` (the format: docs/reference-data.md; an example for Sumatera Selatan: "
        "docs/examples/reference-sumsel.toml)"
    )


async def upgrade_database(database_url: str) -> tuple[list[str], int]:
    """Apply pending migrations, then make sure the region table is complete.

    Returns the migrations applied and the number of regions added.
    """
    steps = await migrate_database(database_url)
    async with store(database_url):
        added = await load_regions()
    return steps, added
