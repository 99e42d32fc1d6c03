"""The demo complaint generator: deterministic, realistic laporan from Sumatera Selatan."""

from __future__ import annotations

import random
from bisect import bisect
from collections.abc import Callable, Iterator
from datetime import date, datetime, timedelta
from functools import cache
from itertools import accumulate

from schema.canonical import (
    Channel,
    Classification,
    Complaint,
    DispositionKind,
    Location,
    SourceRef,
    utc,
)
from schema.regions import WIB

from gateway.demo import narratives
from gateway.demo.agencies import PROVINCE_ID, agency_index, government_id, unit_id
from gateway.demo.attachments import reporter_attachments
from gateway.demo.geography import RegencyGeo, RegencyPicker, draw_spot, regency_geo
from gateway.demo.identifiers import (
    LAPOR_SYSTEM,
    PENGHUBUNG_SYSTEM,
    complaint_uuid,
    lapor_number,
    tracking_id,
)
from gateway.demo.lifecycle import DAY, build_history, pick_final_status
from gateway.demo.people import draw_reporter
from gateway.demo.regencies import is_city
from gateway.demo.rng import DemoRandom
from gateway.demo.routing import (
    OTHER_REGENCY,
    Route,
    handler_kind,
    national_for,
    receivers_for,
    route_for,
    route_to,
)

WINDOW_DAYS = 548  # about 18 months before `now`

_CHANNELS: tuple[tuple[Channel, float], ...] = (
    (Channel.WEB, 36),
    (Channel.MOBILE_APP, 27),
    (Channel.WHATSAPP, 10),
    (Channel.SMS, 6),
    (Channel.TWITTER, 3),
    (Channel.EMAIL, 3),
    (Channel.HOTLINE, 3),
    (Channel.WALK_IN, 4),
    (Channel.REGENCY_SYSTEM, 8),
)
_CHANNEL_LIST = tuple(c for c, _ in _CHANNELS)
_CHANNEL_CUM = tuple(accumulate(w for _, w in _CHANNELS))

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
        "16.03": 3, "16.04": 2.5, "16.12": 3, "16.06": 1.5, "16.11": 1, "16.71": 0.8,
    },
    "kebencanaan.karhutla": {
        "16.02": 3, "16.06": 2, "16.07": 2, "16.10": 2, "16.12": 1.5, "16.03": 1.2,
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

_SCHOOL_LEVELS = (("SD", 30, 250), ("SD", 30, 250), ("SMP", 10, 60))
_UPPER_SCHOOL_LEVELS = (("SMA", 5, 22), ("SMK", 3, 8))


@cache
def _leaf_table(regency_code: str) -> tuple[tuple[str, ...], tuple[float, ...]]:
    """Leaf ids and their cumulative weights for one regency."""
    geo = regency_geo(regency_code)
    city = is_city(geo.region)
    leaves: list[str] = []
    weights: list[float] = []
    for leaf, weight in _LEAF_WEIGHTS.items():
        if leaf in narratives.NEEDS_DESA and not geo.desa:
            continue
        factor = _REGIONAL.get(leaf, {}).get(regency_code, _REGIONAL_DEFAULT.get(leaf, 1))
        if city and leaf in _RURAL_ONLY:
            factor *= 0.2
        if city and leaf in _URBAN:
            factor *= 2.5
        leaves.append(leaf)
        weights.append(weight * factor)
    return tuple(leaves), tuple(accumulate(weights))


def _pick(rng: DemoRandom, items: tuple[str, ...], cum: tuple[float, ...]) -> str:
    return items[bisect(cum, rng.random() * cum[-1])]


def _school(rng: DemoRandom, geo: RegencyGeo, kec: str, upper: bool) -> str:
    name, few, many = rng.choice(_UPPER_SCHOOL_LEVELS if upper else _SCHOOL_LEVELS)
    city = is_city(geo.region)
    number = rng.randint(1, many if city else few)
    return f"{name} Negeri {number} {geo.profile.short if city else kec}"


def _receiver_drawer(
    rng: DemoRandom, leaf: str, regency_code: str, picker: RegencyPicker
) -> Callable[[], tuple[Route, str]]:
    def draw() -> tuple[Route, str]:
        options = receivers_for(leaf)
        unit, reason = options[rng.below(len(options))]
        if unit == OTHER_REGENCY:
            other = picker.pick_other(rng, regency_code)
            unit = unit_id(other, handler_kind(leaf))
            reason = reason.format(other=regency_geo(other).region.name)
        return route_to(unit), reason

    return draw


def _admin_title(
    classification: Classification, subject: str, tempat: str, kec: str, short: str
) -> str:
    if classification is Classification.PERMINTAAN_INFORMASI:
        return f"Permintaan Informasi {subject} di {short}"
    if classification is Classification.ASPIRASI:
        return f"Aspirasi Warga tentang {subject} di {short}"
    where = tempat if tempat.startswith(("Kecamatan", "Kabupaten", "Kota")) else (
        f"{tempat}, Kec. {kec}"
    )
    return f"Pengaduan {subject} di {where}"


def demo_complaints(
    count: int, *, seed: int = 2026, now: datetime
) -> Iterator[Complaint]:
    """Generate `count` realistic complaints from Sumatera Selatan, deterministically.

    The same arguments always give the same complaints, ids included, and a shorter
    run is a prefix of a longer one. Complaints spread over the 17 kabupaten/kota by
    population, over the ~18 months before `now`, and over every Status; each has a
    history consistent with its status (see `gateway.demo.lifecycle`).

    Args:
        count: how many complaints to generate.
        seed: the seed of the single random.Random that drives everything.
        now: an aware datetime; every timestamp generated lies before it.

    Raises:
        ValueError: for a negative count or a naive `now`.
    """
    if count < 0:
        raise ValueError(f"count must be >= 0, not {count}")
    now_ts = utc(now).timestamp()
    return _generate(count, seed, now_ts)


def _generate(count: int, seed: int, now_ts: float) -> Iterator[Complaint]:
    rng = DemoRandom(seed)
    picker = RegencyPicker()
    index = agency_index()
    window = WINDOW_DAYS * DAY
    earliest = now_ts - window
    tracking_seen: set[str] = set()
    lapor_seen: set[str] = set()
    for _ in range(count):
        complaint_id = complaint_uuid(rng)
        tracking = tracking_id(rng, tracking_seen)
        regency = picker.pick(rng)
        geo = regency_geo(regency)
        leaves, cum = _leaf_table(regency)
        leaf = _pick(rng, leaves, cum)
        text = narratives.LEAVES[leaf]
        final = pick_final_status(rng)

        roll = rng.random()
        classification = (
            Classification.PENGADUAN
            if roll < 0.82
            else Classification.PERMINTAAN_INFORMASI
            if roll < 0.92
            else Classification.ASPIRASI
        )
        channel = _CHANNEL_LIST[bisect(_CHANNEL_CUM, rng.random() * _CHANNEL_CUM[-1])]
        roll = rng.random()
        level = 4 if roll < 0.75 else 3 if roll < 0.90 else 2
        spot = draw_spot(rng, geo, level=level, need_desa=leaf in narratives.NEEDS_DESA)

        route = route_for(leaf, regency)
        history = build_history(
            rng,
            final,
            route=route,
            channel=channel,
            slots={"lokasi": spot.lokasi, "topic": text.topic},
            draw_receiver=_receiver_drawer(rng, leaf, regency, picker),
            now=now_ts,
            window=window,
        )
        created = history.events[0].at
        updated = history.events[-1].at
        local_created = created.astimezone(WIB)

        delegated = any(d.kind is DispositionKind.PELIMPAHAN for d in history.dispositions)
        kec = spot.district.name
        attachments = (
            reporter_attachments(rng, local_created, leaf.rpartition(".")[2].replace("-", "_"))
            if classification is Classification.PENGADUAN
            else ()
        )
        slots = {
            "lokasi": spot.lokasi,
            "tempat": spot.tempat,
            "kec": kec,
            "jalan": spot.street,
            "regency": geo.region.name,
            "sekolah": _school(rng, geo, kec, upper=delegated and leaf.startswith("pendidikan")),
            "puskesmas": f"Puskesmas {kec}",
            "rs": geo.profile.hospital,
            "durasi": rng.choice(narratives.DURATIONS),
            "nominal": rng.choice(narratives.AMOUNTS),
            "tahun": str(local_created.year),
            "topic": text.topic,
            "subject": text.subject,
        }
        if classification is Classification.PENGADUAN:
            title_t, body_t = text.complaints[rng.below(len(text.complaints))]
        elif classification is Classification.PERMINTAAN_INFORMASI:
            title_t, body_t = rng.choice(narratives.INFORMATION_REQUESTS)
        else:
            title_t, body_t = rng.choice(narratives.ASPIRATIONS)
        original_title = title_t.format_map(slots)
        roll = rng.random()
        if roll < 0.08:
            original_title = original_title.upper()
        elif roll < 0.15:
            original_title = original_title.lower()
        greeting = rng.choice(narratives.GREETINGS).format_map(slots)
        body = body_t.format_map(slots)
        if any(a.media_type.startswith("image/") for a in attachments):
            body += " Foto kondisi di lapangan kami lampirkan."
        closing = rng.choice(narratives.CLOSINGS)
        content = "\n\n".join(p for p in (greeting, body, closing) if p)

        title = None
        if history.verified and rng.random() < 0.3:
            title = _admin_title(
                classification, text.subject, spot.tempat, kec, geo.profile.short
            )

        k_roll = rng.random()
        k = 0 if k_roll < 0.35 else 1 if k_roll < 0.65 else 2 if k_roll < 0.9 else 3
        tags = rng.pick_some(text.tags + narratives.GENERAL_TAGS, k) if k else ()

        is_anonymous = rng.random() < 0.2
        is_secret = rng.random() < 0.05
        reporter = None
        if rng.random() < 0.9:
            home = spot.district
            if rng.random() < 0.15:
                home = geo.districts[rng.below(len(geo.districts))]
            reporter = draw_reporter(rng, home.code)

        suggested = None
        if rng.random() < 0.3:
            roll = rng.random()
            if roll < 0.5:
                suggested = government_id(regency)
            elif roll < 0.75:
                suggested = route.handler_id
            else:
                suggested = national_for(leaf) or PROVINCE_ID
        category_id = leaf if rng.random() < 0.93 else leaf.partition(".")[0]

        sources = [SourceRef(PENGHUBUNG_SYSTEM, tracking)]
        if rng.random() < 0.7:
            progress = (created.timestamp() - earliest) / window
            sources.append(SourceRef(LAPOR_SYSTEM, lapor_number(rng, progress, lapor_seen)))

        incident: date | None = None
        likely = 0.85 if classification is Classification.PENGADUAN else 0.3
        if rng.random() < likely:
            incident = local_created.date() - timedelta(days=rng.randint(0, 10))

        assert suggested is None or suggested in index
        yield Complaint(
            id=complaint_id,
            tracking_id=tracking,
            classification=classification,
            original_title=original_title[:150],
            content=content,
            location=Location(spot.kode_wilayah, spot.address, spot.latitude, spot.longitude),
            status=final,
            created_at=created,
            updated_at=updated,
            channel=channel,
            title=title,
            incident_date=incident,
            category_id=category_id,
            suggested_agency_id=suggested,
            routed_agency_id=history.routed_agency_id,
            tags=tags,
            attachments=attachments,
            is_anonymous=is_anonymous,
            is_secret=is_secret,
            sources=tuple(sources),
            status_history=history.events,
            dispositions=history.dispositions,
            follow_ups=history.follow_ups,
            replies=history.replies,
            rating=history.rating,
            reporter=reporter,
        )
