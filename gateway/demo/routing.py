"""Who handles which category: the OPD a complaint goes to, or where else it goes."""

from __future__ import annotations

from dataclasses import dataclass

from gateway.demo.agencies import agency_index, government_id, unit_id

# Leaf category -> the regency OPD kind that handles it, or "@<agency id>" for a
# body outside the regency (PLN handles electricity, not the pemkab).
_HANDLERS: dict[str, str] = {
    "pendidikan.spmb": "disdik",
    "pendidikan.pungutan": "disdik",
    "pendidikan.sarana": "disdik",
    "pendidikan.pip": "disdik",
    "pendidikan.guru": "disdik",
    "kesehatan.puskesmas": "dinkes",
    "kesehatan.rumah-sakit": "rsud",
    "kesehatan.jkn": "dinkes",
    "kesehatan.dbd": "dinkes",
    "kesehatan.posyandu": "dinkes",
    "infrastruktur.jalan": "pupr",
    "infrastruktur.jembatan": "pupr",
    "infrastruktur.drainase": "pupr",
    "infrastruktur.irigasi": "pupr",
    "kependudukan.ktp-el": "disdukcapil",
    "kependudukan.kk": "disdukcapil",
    "kependudukan.akta-kelahiran": "disdukcapil",
    "kependudukan.pindah": "disdukcapil",
    "sosial.bansos": "dinsos",
    "sosial.pkh": "dinsos",
    "sosial.dtsen": "dinsos",
    "sosial.terlantar": "dinsos",
    "lingkungan.sampah": "dlh",
    "lingkungan.pencemaran-sungai": "dlh",
    "lingkungan.limbah": "dlh",
    "ketertiban.pkl": "satpolpp",
    "ketertiban.bangunan": "satpolpp",
    "ketertiban.gangguan": "satpolpp",
    "perhubungan.angkutan-umum": "dishub",
    "perhubungan.parkir": "dishub",
    "perhubungan.rambu": "dishub",
    "perhubungan.angkutan-batubara": "dishub",
    "ketenagakerjaan.upah": "disnaker",
    "ketenagakerjaan.phk": "disnaker",
    "ketenagakerjaan.kartu-kuning": "disnaker",
    "energi.pju": "dishub",
    "energi.pemadaman": "@pln-uid-s2jb",
    "energi.sambungan": "@pln-uid-s2jb",
    "air-bersih.distribusi": "pupr",
    "air-bersih.kualitas": "pupr",
    "air-bersih.sarana": "pupr",
    "kebencanaan.banjir": "bpbd",
    "kebencanaan.longsor": "bpbd",
    "kebencanaan.karhutla": "bpbd",
    "pelayanan-publik.pungli": "inspektorat",
    "pelayanan-publik.petugas": "inspektorat",
    "pelayanan-publik.dana-desa": "inspektorat",
}

# Where a "bukan wewenang" case goes, by leaf or top-level id (the most specific entry
# wins): (receiving unit id, reason). Without an entry the case went to the wrong
# regency: the same OPD kind of another kabupaten/kota receives it.
OTHER_REGENCY = "@other-regency"
_RECEIVERS: dict[str, tuple[tuple[str, str], ...]] = {
    "pendidikan": (("16-disdik", "pengelolaan SMA/SMK merupakan kewenangan Pemerintah Provinsi"),),
    "kesehatan.jkn": (
        (
            "bpjs-kesehatan-palembang",
            "kepesertaan dan penjaminan JKN dikelola BPJS Kesehatan",
        ),
    ),
    "kesehatan.rumah-sakit": (("bpjs-kesehatan-palembang", "penjaminan pasien JKN ditangani BPJS Kesehatan"),),
    "infrastruktur.jalan": (
        ("16-pupr", "ruas yang dilaporkan berstatus jalan provinsi"),
        ("kemen-pu-bbpjn-16", "ruas yang dilaporkan berstatus jalan nasional"),
    ),
    "infrastruktur.jembatan": (
        ("16-pupr", "jembatan tersebut berada pada ruas jalan provinsi"),
        ("kemen-pu-bbpjn-16", "jembatan tersebut berada pada ruas jalan nasional"),
    ),
    "infrastruktur.irigasi": (
        ("16-pupr", "daerah irigasi tersebut merupakan kewenangan provinsi"),
        ("kemen-pu-bbws-s8", "daerah irigasi tersebut merupakan kewenangan pusat"),
    ),
    "sosial.bansos": (
        (
            "kemensos-linjamsos",
            "penetapan penerima bantuan dilakukan Kementerian Sosial",
        ),
    ),
    "sosial.pkh": (("kemensos-linjamsos", "penyaluran PKH dikelola Kementerian Sosial"),),
    "lingkungan.limbah": (("16-dlh", "izin lingkungan perusahaan diterbitkan Pemerintah Provinsi"),),
    "lingkungan.pencemaran-sungai": (("16-dlh", "sungai tersebut melintasi lebih dari satu kabupaten/kota"),),
    "perhubungan.angkutan-batubara": (("16-dishub", "angkutan batubara lintas kabupaten diatur Pemerintah Provinsi"),),
    "ketenagakerjaan.upah": (
        (
            "16-disnakertrans",
            "pengawasan ketenagakerjaan merupakan kewenangan provinsi",
        ),
    ),
    "ketenagakerjaan.phk": (
        (
            "16-disnakertrans",
            "pengawasan ketenagakerjaan merupakan kewenangan provinsi",
        ),
    ),
    "energi.pju": (("pln-uid-s2jb", "lampu yang dilaporkan merupakan jaringan milik PLN"),),
    "energi.pemadaman": (("16-esdm", "jaringan di lokasi tersebut belum dikelola PLN"),),
    "energi.sambungan": (("16-esdm", "perluasan listrik perdesaan dikoordinasikan Dinas ESDM Provinsi"),),
    "kebencanaan.karhutla": (("16-bpbd", "kebakaran lahan lintas kabupaten ditangani BPBD Provinsi"),),
    "pelayanan-publik": (
        (
            "ombudsman-16",
            "dugaan maladministrasi ditangani Ombudsman RI Perwakilan Sumsel",
        ),
    ),
}

# The national body a reporter is likely to name as the suggested instansi.
_NATIONAL_BY_TOPIC: dict[str, str] = {
    "pendidikan": "kemendikdasmen",
    "kesehatan": "kemenkes",
    "infrastruktur": "kemen-pu",
    "kependudukan": "kemendagri",
    "sosial": "kemensos",
    "ketenagakerjaan": "kemnaker",
    "energi": "pln",
    "air-bersih": "kemen-pu",
    "pelayanan-publik": "ombudsman",
}


@dataclass(frozen=True, slots=True)
class Route:
    """Who acts on a case: the admin instansi that verifies, the unit that answers."""

    verifier_id: str
    handler_id: str


def route_for(leaf_id: str, regency_code: str) -> Route:
    """The verifying instansi and handling unit of a leaf category in a regency."""
    handler = _HANDLERS[leaf_id]
    if handler.startswith("@"):
        return route_to(handler[1:])
    return Route(government_id(regency_code), unit_id(regency_code, handler))


def route_to(unit: str) -> Route:
    """The route of a case sent to a given unit: the unit's parent instansi verifies."""
    parent = agency_index()[unit].parent_id
    return Route(parent or unit, unit)


def handler_kind(leaf_id: str) -> str:
    """The regency OPD kind for a leaf, or "@<agency id>" for an outside handler."""
    return _HANDLERS[leaf_id]


def receivers_for(leaf_id: str) -> tuple[tuple[str, str], ...]:
    """Where a "bukan wewenang" case goes: (unit id or OTHER_REGENCY, reason) pairs."""
    top = leaf_id.partition(".")[0]
    found = _RECEIVERS.get(leaf_id) or _RECEIVERS.get(top)
    if found:
        return found
    return ((OTHER_REGENCY, "lokasi yang dilaporkan berada di wilayah {other}"),)


def national_for(leaf_id: str) -> str | None:
    """The national body reporters associate with a leaf's topic, if any."""
    return _NATIONAL_BY_TOPIC.get(leaf_id.partition(".")[0])
