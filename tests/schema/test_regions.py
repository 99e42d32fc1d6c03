"""Region reference data: counts, codes as strings, aliases, BPS codes, time zones."""

from __future__ import annotations

import pytest

from schema.canonical import RegionLevel
from schema.regions import (
    WIB,
    WIT,
    WITA,
    children,
    get_region,
    is_valid_code_format,
    provinces_and_regencies,
    search,
    zone_for,
)


def test_38_provinces_and_514_regencies() -> None:
    everything = provinces_and_regencies()
    levels = [r.level for r in everything]
    assert levels.count(RegionLevel.PROVINCE) == 38
    assert levels.count(RegionLevel.REGENCY) == 514


def test_sumatera_selatan_has_its_17_kabupaten_kota_with_string_codes() -> None:
    codes = [r.code for r in children("16")]
    assert codes == [f"16.{n:02d}" for n in range(1, 14)] + ["16.71", "16.72", "16.73", "16.74"]
    assert get_region("16.10") is not None and get_region("16.10").code == "16.10"  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("query", "code"),
    [
        ("OKU Timur", "16.08"),
        ("oku timur", "16.08"),
        ("Muratara", "16.13"),
        ("PALI", "16.12"),
        ("Sumsel", "16"),
        ("Kabupaten Musi Rawas", "16.05"),
        ("Lubuklinggau", "16.73"),
        ("16.74", "16.74"),
        ("1609", "16.08"),  # the BPS code of OKU Timur
        ("1605", "16.05"),  # BPS and Kemendagri agree here
        ("1671", "16.71"),
        ("1672", "16.74"),  # Prabumulih: the codes differ
    ],
)
def test_search_by_name_alias_and_code(query: str, code: str) -> None:
    assert search(query)[0].code == code


def test_search_within_a_region_and_below_regency_level() -> None:
    found = search("Martapura", within="16.08")
    assert found and all(r.code.startswith("16.08") for r in found)


@pytest.mark.parametrize(
    ("code", "valid"),
    [
        ("16", True),
        ("16.05", True),
        ("16.05.01", True),
        ("16.05.01.2002", True),
        ("1605", False),
        ("16.5", False),
        ("16.05.1", False),
        ("16.05.01.201", False),
        ("", False),
    ],
)
def test_code_format(code: str, valid: bool) -> None:
    assert is_valid_code_format(code) is valid


@pytest.mark.parametrize(
    ("code", "zone"),
    [
        ("16.05", WIB),
        ("31", WIB),
        ("62.01", WIB),
        ("51.71", WITA),
        ("64", WITA),
        ("73.71", WITA),
        ("81", WIT),
        ("91.01", WIT),
        ("96", WIT),
    ],
)
def test_time_zone_by_province(code: str, zone: object) -> None:
    assert zone_for(code) is zone
