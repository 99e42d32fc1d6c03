"""A tiny deterministic generator of seed complaints for pre-populating simulators.

Each record has a topic (the kind of problem, which each simulator writes as its own
category code), the day it happened, and, once disposed, the OPD (unit) it went to: the
neutral values each dialect renders in its own words.
"""

from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from schema.regions import children, get_region

# (title, content) templates; {place} is a kecamatan name. Some carry Latin-1 characters
# (±, °, é) and separators on purpose: the legacy CSV export has to survive them.
_TEMPLATES: tuple[tuple[str, str], ...] = (
    (
        "Jalan rusak",
        "Jalan di Kecamatan {place} berlubang sepanjang ± 200 m; sudah 3 bulan tidak diperbaiki.",
    ),
    (
        "Lampu jalan padam",
        "Lampu penerangan jalan umum di {place} padam sejak minggu lalu, rawan kejahatan.",
    ),
    (
        "Sampah menumpuk",
        "Sampah di pasar {place} tidak diangkut selama seminggu, bau menyengat.",
    ),
    (
        "Air PDAM tidak mengalir",
        "Air PDAM di {place} mati tiga hari; warga membeli air galon.",
    ),
    (
        "Pelayanan KTP-el lambat",
        "Pembuatan KTP-el di kantor camat {place} sudah 2 bulan belum selesai.",
    ),
    (
        "Puskesmas kekurangan obat",
        "Puskesmas {place} kehabisan obat; pasien diminta membeli sendiri.",
    ),
    (
        "Banjir",
        "Banjir setinggi 50 cm di {place} setelah hujan; suhu air ± 30°C, drainase tersumbat.",
    ),
    (
        "Pungutan liar",
        'Ada pungutan "uang administrasi" di kantor desa {place}; kafé di depan jadi saksi.',
    ),
)
_GIVEN = (
    "Budi",
    "Siti",
    "Ahmad",
    "Dewi",
    "Rudi",
    "Nur",
    "Agus",
    "Rina",
    "Hendra",
    "Yanti",
)
_FAMILY = (
    "Santoso",
    "Aminah",
    "Saputra",
    "Lestari",
    "Hidayat",
    "Wahyuni",
    "Pratama",
    "Sari",
)

STAGES = ("new", "verifying", "disposed", "answered", "done", "rejected")
# Per template (same order): its topic, and the OPD (the regency unit's key in the demo
# registry, e.g. "pupr" for "16.05-pupr") a regent's office disposes such a complaint to.
TOPICS: tuple[tuple[str, str], ...] = (
    ("jalan", "pupr"),
    ("pju", "dishub"),
    ("sampah", "dlh"),
    ("air", "pupr"),
    ("ktp", "disdukcapil"),
    ("puskesmas", "dinkes"),
    ("banjir", "bpbd"),
    ("pungli", "inspektorat"),
)
DISPOSED_STAGES = ("disposed", "answered", "done")
# The reporter's answer to an agency's follow-up, in systems that take one.
REPLY = "Terima kasih, tetapi di lapangan belum ada perbaikan."


# Topics a reporter photographs (a road, a dark street, rubbish, a flood), and those
# where they may attach a scanned letter or receipt instead.
PHOTOGRAPHED = ("jalan", "pju", "sampah", "banjir", "air")
SCANNED = ("ktp", "pungli")


@dataclass(frozen=True, slots=True)
class SeedFile:
    """A file a reporter attached, as neutral metadata each simulator lists its own way."""

    name: str  # as the reporter's phone named it
    media_type: str
    size: int  # bytes
    sha256: str


@dataclass(frozen=True, slots=True)
class SeedRecord:
    """A neutral complaint that each simulator renders in its own dialect."""

    index: int
    title: str
    content: str
    kode_wilayah: str  # the kecamatan (or the regency when it has no children)
    district_name: str
    regency_name: str
    reporter_name: str
    nik: str
    phone: str
    email: str
    latitude: float
    longitude: float
    created_at: datetime
    updated_at: datetime
    stage: str  # one of STAGES
    topic: str = "jalan"  # one of TOPICS
    incident_date: date | None = None  # the day it happened, in WIB (before it was reported)
    opd: str | None = None  # the unit key it was disposed to, once disposed
    reply: str | None = None  # the reporter's reply to the answer, for some answered ones
    files: tuple[SeedFile, ...] = ()  # photos of the problem, or a scanned letter


def seed_records(
    count: int,
    *,
    kode_wilayah: str = "16.05",
    seed: int = 0,
    now: datetime | None = None,
) -> list[SeedRecord]:
    """`count` records in a real regency, oldest first, the same for the same arguments."""
    rng = random.Random(f"{seed}:{kode_wilayah}")
    now = now or datetime(2025, 6, 1, 9, 0, tzinfo=UTC)
    region = get_region(kode_wilayah)
    regency_name = region.name if region else kode_wilayah
    districts = [(d.code, d.name) for d in children(kode_wilayah)] or [(kode_wilayah, regency_name)]
    # A second generator for what was added later, so the first keeps giving the same
    # titles, people and times for the same arguments.
    extra = random.Random(f"{seed}:{kode_wilayah}:details")
    attached = random.Random(f"{seed}:{kode_wilayah}:files")
    out: list[SeedRecord] = []
    for i in range(count):
        code, place = rng.choice(districts)
        template = rng.choice(_TEMPLATES)
        title, content = template
        topic, opd = TOPICS[_TEMPLATES.index(template)]
        given, family = rng.choice(_GIVEN), rng.choice(_FAMILY)
        created = now - timedelta(days=count - i, minutes=rng.randrange(600))
        updated = created + timedelta(hours=rng.randrange(0, 48))
        out.append(
            SeedRecord(
                index=i,
                title=f"{title} di {place}",
                content=content.format(place=place),
                kode_wilayah=code,
                district_name=place,
                regency_name=regency_name,
                reporter_name=f"{given} {family}",
                nik=f"{code.replace('.', '')[:6]:0<6}{rng.randrange(10**10):010d}",
                phone=f"62812{rng.randrange(10**8):08d}",
                email=f"{given.lower()}.{family.lower()}{i}@example.id",
                latitude=round(-3.0 - rng.random(), 6),
                longitude=round(103.0 + rng.random(), 6),
                created_at=created,
                updated_at=min(updated, now),
                stage=STAGES[i % len(STAGES)],
                topic=topic,
                incident_date=(created + timedelta(hours=7) - timedelta(days=extra.randrange(0, 6))).date(),
                opd=opd if STAGES[i % len(STAGES)] in DISPOSED_STAGES else None,
                # Every other closed one: the reporter says the answer did not fix it.
                reply=REPLY if STAGES[i % len(STAGES)] == "done" and (i // len(STAGES)) % 2 == 0 else None,
                files=_files(attached, topic, created),
            )
        )
    return out


def _files(rng: random.Random, topic: str, created: datetime) -> tuple[SeedFile, ...]:
    """What a reporter attaches: one to three phone photos of a thing one can see (most do),
    sometimes a scanned document, often nothing."""
    stamp = (created + timedelta(hours=7)).strftime("%Y%m%d")
    if topic in PHOTOGRAPHED and rng.random() < 0.8:
        count = rng.choice((1, 1, 2, 3))
        return tuple(
            _file(rng, f"IMG_{stamp}_{rng.randrange(100000, 999999)}.jpg", "image/jpeg", 350_000, 4_500_000)
            for _ in range(count)
        )
    if topic in SCANNED and rng.random() < 0.4:
        return (_file(rng, f"scan_{stamp}.pdf", "application/pdf", 80_000, 1_200_000),)
    return ()


def _file(rng: random.Random, name: str, media_type: str, low: int, high: int) -> SeedFile:
    size = rng.randrange(low, high)
    digest = hashlib.sha256(f"{name}:{size}:{rng.random()}".encode()).hexdigest()
    return SeedFile(name=name, media_type=media_type, size=size, sha256=digest)
