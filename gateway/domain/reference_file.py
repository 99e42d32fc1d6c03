"""The reference data file: instansi, their OPD units and the category tree, as TOML.

    [[agency]]
    id = "pemkab-16.05"                    # stable slug; complaints refer to it
    name = "Pemerintah Kabupaten Musi Rawas"
    short_name = "Pemkab Musi Rawas"       # optional
    level = "REGENCY"                      # NATIONAL, PROVINCE, REGENCY, CITY or UNIT
    kode_wilayah = "16.05"                 # Kemendagri code; optional for NATIONAL and UNIT
    parent = "pemprov-16"                  # optional, except for a UNIT (an OPD)

    [[category]]
    id = "infrastruktur.jalan"
    name = "Jalan Rusak"
    parent = "infrastruktur"               # optional: a top-level kategori has none

docs/reference-data.md documents every key. Parsing is strict, like mapping files: unknown
keys and bad values are refused with their path, the expected and the found value. The
same `parse_document` reads a file and the demo's registry (built in Python as the same
structure), so the two cannot drift. `check_parents` then checks the links against the
store's registry, which the parser cannot see.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from schema.canonical import Agency, AgencyLevel, Category
from schema.errors import ConfigurationError
from schema.regions import KODE_WILAYAH_EXPECTED, get_region, lies_in

# The widths of the store's columns (gateway/store/models.py AgencyRow, CategoryRow).
ID_MAX = 80
AGENCY_NAME_MAX = 200
SHORT_NAME_MAX = 60
CATEGORY_NAME_MAX = 120

TOP_KEYS = ("agency", "category")
AGENCY_KEYS = ("id", "name", "short_name", "level", "kode_wilayah", "parent")
CATEGORY_KEYS = ("id", "name", "parent")
LEVELS = tuple(level.value for level in AgencyLevel)

_ID = re.compile(r"^[a-z0-9](?:[a-z0-9.-]*[a-z0-9])?$")
_ID_EXPECTED = f"an id of lowercase letters, digits, '.' and '-' (at most {ID_MAX} characters)"
# The region a government of each level stands for, and the kind of region it must be.
_GOVERNMENT_REGION = {
    AgencyLevel.PROVINCE: (("provinsi",), 'the code of a province, like "16"'),
    AgencyLevel.REGENCY: (("kabupaten",), 'the code of a kabupaten, like "16.05"'),
    AgencyLevel.CITY: (("kota",), 'the code of a kota, like "16.71"'),
}


class ReferenceFileError(ConfigurationError, ValueError):
    """A reference data file is wrong; the message names the path, expected and found values."""

    code = "BAD_REFERENCE_FILE"


def fail(path: str, expected: str, found: object) -> ReferenceFileError:
    """The error for a value at `path`: what was expected and what was found."""
    return ReferenceFileError(f"{path}: expected {expected}; found {found!r}")


@dataclass(frozen=True, slots=True)
class ReferenceDocument:
    """A parsed reference file: agencies and categories, each parent before its children."""

    agencies: tuple[Agency, ...]
    categories: tuple[Category, ...]


def _only(table: Mapping[str, Any], path: str, allowed: tuple[str, ...]) -> None:
    unknown = sorted(set(table) - set(allowed))
    if unknown:
        raise fail(path, f"only the keys {', '.join(allowed)}", unknown[0])


def _text(table: Mapping[str, Any], key: str, path: str, max_len: int, *, required: bool) -> str | None:
    value = table.get(key)
    if value is None and not required:
        return None
    if not isinstance(value, str) or not value.strip() or len(value) > max_len or value != value.strip():
        raise fail(f"{path}.{key}", f"text of 1-{max_len} characters without leading or trailing spaces", value)
    return value


def _id(table: Mapping[str, Any], key: str, path: str, *, required: bool) -> str | None:
    value = table.get(key)
    if value is None and not required:
        return None
    if not isinstance(value, str) or len(value) > ID_MAX or not _ID.match(value):
        raise fail(f"{path}.{key}", _ID_EXPECTED, value)
    return value


def _tables(raw: Mapping[str, Any], key: str) -> list[Mapping[str, Any]]:
    value = raw.get(key, [])
    if not isinstance(value, list) or not all(isinstance(t, dict) for t in value):
        raise fail(key, f"[[{key}]] tables", value)
    return value


def _kode_wilayah(table: Mapping[str, Any], path: str, level: AgencyLevel) -> str | None:
    code = table.get("kode_wilayah")
    where = f"{path}.kode_wilayah"
    government = _GOVERNMENT_REGION.get(level)
    if code is None:
        if government is not None:
            raise fail(where, f"{government[1]} (a {level.value} agency governs a region)", None)
        return None
    if not isinstance(code, str):
        raise fail(where, f"{KODE_WILAYAH_EXPECTED}, as a quoted string", code)
    region = get_region(code)
    if region is None:
        raise fail(where, f"{KODE_WILAYAH_EXPECTED} that exists in the Kemendagri region data", code)
    if government is not None and region.kind not in government[0]:
        raise fail(where, government[1], code)
    return code


def _agency(table: Mapping[str, Any], path: str) -> Agency:
    _only(table, path, AGENCY_KEYS)
    agency_id = _id(table, "id", path, required=True)
    level_text = table.get("level")
    if level_text not in LEVELS:
        raise fail(f"{path}.level", f"one of {', '.join(LEVELS)}", level_text)
    level = AgencyLevel(level_text)
    parent = _id(table, "parent", path, required=level is AgencyLevel.UNIT)
    if parent == agency_id:
        raise fail(f"{path}.parent", "another agency's id", parent)
    return Agency(
        id=agency_id,  # type: ignore[arg-type]  # required=True: _id raises instead of returning None
        name=_text(table, "name", path, AGENCY_NAME_MAX, required=True),  # type: ignore[arg-type]  # required=True: _text raises instead of returning None
        level=level,
        kode_wilayah=_kode_wilayah(table, path, level),
        parent_id=parent,
        short_name=_text(table, "short_name", path, SHORT_NAME_MAX, required=False),
    )


def _category(table: Mapping[str, Any], path: str) -> Category:
    _only(table, path, CATEGORY_KEYS)
    category_id = _id(table, "id", path, required=True)
    parent = _id(table, "parent", path, required=False)
    if parent == category_id:
        raise fail(f"{path}.parent", "another category's id", parent)
    return Category(
        id=category_id,  # type: ignore[arg-type]  # required=True: _id raises instead of returning None
        name=_text(table, "name", path, CATEGORY_NAME_MAX, required=True),  # type: ignore[arg-type]  # required=True: _text raises instead of returning None
        parent_id=parent,
    )


def _unique(items: Sequence[Agency | Category], kind: str) -> None:
    first: dict[str, int] = {}
    for i, item in enumerate(items):
        if item.id in first:
            raise fail(f"{kind}[{i}].id", f"an id not used before (it is {kind}[{first[item.id]}]'s)", item.id)
        first[item.id] = i


def parse_document(raw: Mapping[str, Any]) -> ReferenceDocument:
    """Check a reference document (the TOML's tables, or the demo's) and return it parsed.

    Links to parents are checked by `check_parents`, which also sees the store.

    Raises:
        ReferenceFileError: the first problem, with its path, expected and found value.
    """
    _only(raw, "(top level)", TOP_KEYS)
    agencies = tuple(_agency(t, f"agency[{i}]") for i, t in enumerate(_tables(raw, "agency")))
    categories = tuple(_category(t, f"category[{i}]") for i, t in enumerate(_tables(raw, "category")))
    _unique(agencies, "agency")
    _unique(categories, "category")
    return ReferenceDocument(agencies, categories)


def parse_reference(text: str) -> ReferenceDocument:
    """Parse the text of a reference file (TOML).

    Raises:
        ReferenceFileError: not TOML, or a value is wrong.
    """
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ReferenceFileError(f"not valid TOML: {exc}") from None
    return parse_document(raw)


def read_reference(path: Path) -> ReferenceDocument:
    """Read and parse a reference file; a missing or unreadable file is a ReferenceFileError."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ReferenceFileError(f"{path}: cannot read it ({exc.__class__.__name__}: {exc})") from None
    try:
        return parse_reference(text)
    except ReferenceFileError as exc:
        raise ReferenceFileError(f"{path}: {exc}") from None


def _index(items: Sequence[Agency | Category]) -> dict[str, int]:
    return {item.id: i for i, item in enumerate(items)}


def check_parents(
    document: ReferenceDocument, stored_agencies: Mapping[str, Agency], stored_categories: Mapping[str, Category]
) -> None:
    """Every parent is in the file or the store, the links make no cycle, and a unit's
    kode wilayah lies in its parent's region.

    Raises:
        ReferenceFileError: the first broken link.
    """
    kinds: list[tuple[str, Sequence[Agency | Category], Mapping[str, Agency | Category]]] = [
        ("agency", document.agencies, stored_agencies),
        ("category", document.categories, stored_categories),
    ]
    for kind, items, stored in kinds:
        position = _index(items)
        merged: dict[str, Any] = {**stored, **{item.id: item for item in items}}
        for i, item in enumerate(items):
            path = f"{kind}[{i}].parent"
            if item.parent_id is not None and item.parent_id not in merged:
                raise fail(
                    path,
                    f"the id of {'an agency' if kind == 'agency' else 'a category'} in this file or already in the store",
                    item.parent_id,
                )
            # Follow the parents up; meeting this item again is a cycle.
            seen, up = {item.id}, item.parent_id
            while up is not None:
                if up in seen:
                    raise fail(
                        path, f"a parent that is not below this {kind} (the parents form a cycle)", item.parent_id
                    )
                seen.add(up)
                up = merged[up].parent_id if up in merged else None
            if isinstance(item, Agency) and item.parent_id is not None:
                parent = merged[item.parent_id]
                code, region = item.kode_wilayah, parent.kode_wilayah
                if code is not None and region is not None and not lies_in(code, region):
                    where = f"agency[{position[item.id]}].kode_wilayah"
                    raise fail(where, f"a code within its parent {parent.id}'s region {region}", code)


def parents_first(items: tuple[Agency, ...] | tuple[Category, ...] | list[Any]) -> list[Any]:
    """The items ordered so that every parent comes before its children."""
    by_id = {item.id: item for item in items}
    ordered: list[Any] = []
    seen: set[str] = set()

    def visit(item: Any) -> None:
        if item.id in seen:
            return
        seen.add(item.id)
        if item.parent_id in by_id:
            visit(by_id[item.parent_id])
        ordered.append(item)

    for item in items:
        visit(item)
    return ordered
