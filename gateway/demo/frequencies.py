"""How often each category is reported, and where: the demo's topic mix per regency."""

from __future__ import annotations

from functools import cache
from itertools import accumulate

from gateway.demo.geography import regency_geo
from gateway.demo.narratives import NEEDS_DESA
from gateway.demo.regencies import is_city

# How often each leaf category is reported, before regional adjustment.
_LEAF_WEIGHTS: dict[str, float] = {
    "pendidikan.spmb": 3,
    "pendidikan.pungutan": 3,
    "pendidikan.sarana": 2,
    "pendidikan.pip": 2,
    "pendidikan.guru": 1,
    "kesehatan.puskesmas": 4,
    "kesehatan.rumah-sakit": 3,
    "kesehatan.jkn": 3,
    "kesehatan.dbd": 2,
    "kesehatan.posyandu": 1,
    "infrastruktur.jalan": 14,
    "infrastruktur.jembatan": 3,
    "infrastruktur.drainase": 4,
    "infrastruktur.irigasi": 1.5,
    "kependudukan.ktp-el": 5,
    "kependudukan.kk": 3,
    "kependudukan.akta-kelahiran": 3,
    "kependudukan.pindah": 1,
    "sosial.bansos": 6,
    "sosial.pkh": 3,
    "sosial.dtsen": 3,
    "sosial.terlantar": 1,
    "lingkungan.sampah": 4,
    "lingkungan.pencemaran-sungai": 2,
    "lingkungan.limbah": 2,
    "ketertiban.pkl": 1.5,
    "ketertiban.bangunan": 1,
    "ketertiban.gangguan": 2,
    "perhubungan.angkutan-umum": 1,
    "perhubungan.parkir": 1.5,
    "perhubungan.rambu": 2,
    "perhubungan.angkutan-batubara": 2,
    "ketenagakerjaan.upah": 1,
    "ketenagakerjaan.phk": 1,
    "ketenagakerjaan.kartu-kuning": 1,
    "energi.pju": 3,
    "energi.pemadaman": 3,
    "energi.sambungan": 1,
    "air-bersih.distribusi": 3,
    "air-bersih.kualitas": 1,
    "air-bersih.sarana": 1,
    "kebencanaan.banjir": 3,
    "kebencanaan.longsor": 1,
    "kebencanaan.karhutla": 1.5,
    "pelayanan-publik.pungli": 3,
    "pelayanan-publik.petugas": 2,
    "pelayanan-publik.dana-desa": 3,
}
# Regional colour: coal trucks in the coal belt, haze in the peatlands, rice irrigation
# in the transmigration areas, street vendors and parking in the cities.
_REGIONAL: dict[str, dict[str, float]] = {
    "perhubungan.angkutan-batubara": {
        "16.03": 3,
        "16.04": 2.5,
        "16.12": 3,
        "16.06": 1.5,
        "16.11": 1,
        "16.71": 0.8,
    },
    "kebencanaan.karhutla": {
        "16.02": 3,
        "16.06": 2,
        "16.07": 2,
        "16.10": 2,
        "16.12": 1.5,
        "16.03": 1.2,
    },
    "infrastruktur.irigasi": {"16.08": 3, "16.05": 2.5, "16.02": 1.5, "16.09": 1.2},
    "kebencanaan.longsor": {"16.04": 2.5, "16.09": 2.5, "16.11": 2, "16.72": 2},
}
_REGIONAL_DEFAULT = {
    "perhubungan.angkutan-batubara": 0.15,
    "kebencanaan.karhutla": 0.4,
    "infrastruktur.irigasi": 1.0,
    "kebencanaan.longsor": 0.5,
}
_RURAL_ONLY = frozenset(
    {
        "infrastruktur.irigasi",
        "kebencanaan.karhutla",
        "energi.sambungan",
        "air-bersih.sarana",
        "pelayanan-publik.dana-desa",
    }
)
_URBAN = frozenset(
    {
        "ketertiban.pkl",
        "perhubungan.parkir",
        "perhubungan.angkutan-umum",
        "lingkungan.sampah",
    }
)


@cache
def leaf_table(regency_code: str) -> tuple[tuple[str, ...], tuple[float, ...]]:
    """Leaf ids and their cumulative weights for one regency."""
    geo = regency_geo(regency_code)
    city = is_city(geo.region)
    leaves: list[str] = []
    weights: list[float] = []
    for leaf, weight in _LEAF_WEIGHTS.items():
        if leaf in NEEDS_DESA and not geo.desa:
            continue
        factor = _REGIONAL.get(leaf, {}).get(regency_code, _REGIONAL_DEFAULT.get(leaf, 1))
        if city and leaf in _RURAL_ONLY:
            factor *= 0.2
        if city and leaf in _URBAN:
            factor *= 2.5
        leaves.append(leaf)
        weights.append(weight * factor)
    return tuple(leaves), tuple(accumulate(weights))
