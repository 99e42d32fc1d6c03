"""The demo instansi registry: national bodies, Pemprov Sumsel, 17 kab/kota and OPD."""

from __future__ import annotations

from functools import cache
from typing import Any

from gateway.demo.regencies import PROVINCE_CODE, PROVINCE_NAME, is_city, regencies
from gateway.domain.reference_file import parse_document
from schema.canonical import Agency, AgencyLevel

LAPOR_OPERATOR_ID = "kemenpanrb"
PROVINCE_ID = f"pemprov-{PROVINCE_CODE}"

# id, name, short name. Kementerian names follow the 2024 cabinet (Kementerian
# Pendidikan Dasar dan Menengah; Pekerjaan Umum split from PUPR).
_NATIONAL: tuple[tuple[str, str, str], ...] = (
    (
        "kemenpanrb",
        "Kementerian Pendayagunaan Aparatur Negara dan Reformasi Birokrasi",
        "KemenPAN-RB",
    ),
    ("ksp", "Kantor Staf Presiden", "KSP"),
    ("ombudsman", "Ombudsman Republik Indonesia", "Ombudsman RI"),
    ("kemendagri", "Kementerian Dalam Negeri", "Kemendagri"),
    ("kemenkes", "Kementerian Kesehatan", "Kemenkes"),
    ("kemendikdasmen", "Kementerian Pendidikan Dasar dan Menengah", "Kemendikdasmen"),
    ("kemen-pu", "Kementerian Pekerjaan Umum", "Kementerian PU"),
    ("kemensos", "Kementerian Sosial", "Kemensos"),
    ("kemnaker", "Kementerian Ketenagakerjaan", "Kemnaker"),
    (
        "bpjs-kesehatan",
        "Badan Penyelenggara Jaminan Sosial Kesehatan",
        "BPJS Kesehatan",
    ),
    ("pln", "PT PLN (Persero)", "PLN"),
)

# Regional offices of national bodies that handle Sumatera Selatan's cases:
# id, parent id, kode wilayah, name, short name.
_NATIONAL_UNITS: tuple[tuple[str, str, str | None, str, str], ...] = (
    (
        "ombudsman-16",
        "ombudsman",
        PROVINCE_CODE,
        "Ombudsman Republik Indonesia Perwakilan Sumatera Selatan",
        "Ombudsman Sumsel",
    ),
    (
        "kemen-pu-bbpjn-16",
        "kemen-pu",
        PROVINCE_CODE,
        "Balai Besar Pelaksanaan Jalan Nasional Sumatera Selatan",
        "BBPJN Sumsel",
    ),
    (
        "kemen-pu-bbws-s8",
        "kemen-pu",
        PROVINCE_CODE,
        "Balai Besar Wilayah Sungai Sumatera VIII",
        "BBWS Sumatera VIII",
    ),
    (
        "kemensos-linjamsos",
        "kemensos",
        None,
        "Direktorat Jenderal Perlindungan dan Jaminan Sosial",
        "Ditjen Linjamsos",
    ),
    (
        "bpjs-kesehatan-palembang",
        "bpjs-kesehatan",
        "16.71",
        "BPJS Kesehatan Kantor Cabang Palembang",
        "BPJS Kesehatan Palembang",
    ),
    (
        "pln-uid-s2jb",
        "pln",
        PROVINCE_CODE,
        "PT PLN (Persero) Unit Induk Distribusi Sumatera Selatan, Jambi dan Bengkulu",
        "PLN UID S2JB",
    ),
)

# OPD of the province: key, name (before "Provinsi Sumatera Selatan"), short name.
_PROVINCE_UNITS: tuple[tuple[str, str, str], ...] = (
    ("disdik", "Dinas Pendidikan", "Disdik Sumsel"),
    ("dinkes", "Dinas Kesehatan", "Dinkes Sumsel"),
    ("pupr", "Dinas Pekerjaan Umum Bina Marga dan Tata Ruang", "Dinas PUBMTR Sumsel"),
    ("dishub", "Dinas Perhubungan", "Dishub Sumsel"),
    ("dinsos", "Dinas Sosial", "Dinsos Sumsel"),
    ("dlh", "Dinas Lingkungan Hidup dan Pertanahan", "DLHP Sumsel"),
    ("disnakertrans", "Dinas Tenaga Kerja dan Transmigrasi", "Disnakertrans Sumsel"),
    ("esdm", "Dinas Energi dan Sumber Daya Mineral", "Dinas ESDM Sumsel"),
    ("satpolpp", "Satuan Polisi Pamong Praja", "Satpol PP Sumsel"),
    ("bpbd", "Badan Penanggulangan Bencana Daerah", "BPBD Sumsel"),
)
_PROVINCE_HOSPITAL = ("rsud", "RSUD Siti Fatimah Az-Zahra", "RSUD Siti Fatimah")

# OPD every kabupaten/kota has: key, name (before "Kabupaten X"/"Kota X"), short stem.
# The RSUD is added separately with its own name.
REGENCY_UNIT_KEYS: tuple[str, ...] = (
    "disdik",
    "dinkes",
    "rsud",
    "pupr",
    "dishub",
    "disdukcapil",
    "dinsos",
    "dlh",
    "satpolpp",
    "bpbd",
    "disnaker",
    "inspektorat",
)
_REGENCY_UNITS: dict[str, tuple[str, str]] = {
    "disdik": ("Dinas Pendidikan", "Disdik"),
    "dinkes": ("Dinas Kesehatan", "Dinkes"),
    "pupr": ("Dinas Pekerjaan Umum dan Penataan Ruang", "Dinas PUPR"),
    "dishub": ("Dinas Perhubungan", "Dishub"),
    "disdukcapil": ("Dinas Kependudukan dan Pencatatan Sipil", "Disdukcapil"),
    "dinsos": ("Dinas Sosial", "Dinsos"),
    "dlh": ("Dinas Lingkungan Hidup", "DLH"),
    "satpolpp": ("Satuan Polisi Pamong Praja", "Satpol PP"),
    "bpbd": ("Badan Penanggulangan Bencana Daerah", "BPBD"),
    "disnaker": ("Dinas Tenaga Kerja", "Disnaker"),
    "inspektorat": ("Inspektorat Daerah", "Inspektorat"),
}
# Where a regency's OPD carries a different name than the standard one.
_RENAMED: dict[tuple[str, str], tuple[str, str]] = {
    ("16.71", "dlh"): ("Dinas Lingkungan Hidup dan Kebersihan", "DLHK"),
}


def government_id(regency_code: str) -> str:
    """The id of a kabupaten's or kota's government: "pemkab-16.05", "pemkot-16.71"."""
    return f"{'pemkot' if regency_code[3] == '7' else 'pemkab'}-{regency_code}"


def unit_id(region_code: str, key: str) -> str:
    """The id of an OPD of the province or a regency: "16-disdik", "16.05-pupr"."""
    return f"{region_code}-{key}"


def unit_key(agency_id: str) -> str | None:
    """The OPD kind of a regional unit id ("16.05-pupr" -> "pupr"), else None."""
    head, sep, key = agency_id.partition("-")
    return key if sep and head[:1].isdigit() else None


def _table(
    agency_id: str,
    name: str,
    level: AgencyLevel,
    kode_wilayah: str | None,
    parent_id: str | None,
    short_name: str | None,
) -> dict[str, Any]:
    """One [[agency]] table of a reference document (None values are left out, as in TOML)."""
    table = {
        "id": agency_id,
        "name": name,
        "short_name": short_name,
        "level": level.value,
        "kode_wilayah": kode_wilayah,
        "parent": parent_id,
    }
    return {k: v for k, v in table.items() if v is not None}


def agency_tables() -> list[dict[str, Any]]:
    """The demo registry as the [[agency]] tables of a reference document."""
    out: list[dict[str, Any]] = []
    for agency_id, name, short in _NATIONAL:
        out.append(_table(agency_id, name, AgencyLevel.NATIONAL, None, None, short))
    for agency_id, parent, kode, name, short in _NATIONAL_UNITS:
        out.append(_table(agency_id, name, AgencyLevel.UNIT, kode, parent, short))

    province = f"Provinsi {PROVINCE_NAME}"
    out.append(
        _table(
            PROVINCE_ID,
            f"Pemerintah {province}",
            AgencyLevel.PROVINCE,
            PROVINCE_CODE,
            None,
            "Pemprov Sumsel",
        )
    )
    for key, name, short in (*_PROVINCE_UNITS, _PROVINCE_HOSPITAL):
        full = name if key == "rsud" else f"{name} {province}"
        out.append(
            _table(
                unit_id(PROVINCE_CODE, key),
                full,
                AgencyLevel.UNIT,
                PROVINCE_CODE,
                PROVINCE_ID,
                short,
            )
        )

    for region, profile in regencies():
        city = is_city(region)
        gov = government_id(region.code)
        out.append(
            _table(
                gov,
                f"Pemerintah {region.name}",
                AgencyLevel.CITY if city else AgencyLevel.REGENCY,
                region.code,
                PROVINCE_ID,
                f"{'Pemkot' if city else 'Pemkab'} {profile.short}",
            )
        )
        for key in REGENCY_UNIT_KEYS:
            if key == "rsud":
                name, short = profile.hospital, profile.hospital
            else:
                stem, short_stem = _RENAMED.get((region.code, key), _REGENCY_UNITS[key])
                name, short = f"{stem} {region.name}", f"{short_stem} {profile.short}"
            out.append(
                _table(
                    unit_id(region.code, key),
                    name,
                    AgencyLevel.UNIT,
                    region.code,
                    gov,
                    short,
                )
            )
    return out


@cache
def agency_index() -> dict[str, Agency]:
    """Every demo agency by id (built once; do not mutate)."""
    # Through the reference file parser: the demo's registry obeys the rules a file does.
    parsed = parse_document({"agency": agency_tables()})
    return {a.id: a for a in parsed.agencies}


def demo_agencies() -> list[Agency]:
    """The demo registry of agencies (instansi), parents listed before their children.

    National bodies (KemenPAN-RB runs LAPOR!) and their Sumatera Selatan offices, the
    provincial government with its OPD, and each of the 17 kabupaten/kota with its OPD.
    Ids are stable readable slugs: "kemenpanrb", "pemprov-16", "16-disdik",
    "pemkab-16.05", "16.05-pupr", "pemkot-16.71".
    """
    return list(agency_index().values())
