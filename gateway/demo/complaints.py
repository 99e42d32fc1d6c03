"""The demo complaint generator: deterministic, realistic laporan from Sumsel."""

from __future__ import annotations

from bisect import bisect
from collections.abc import Callable, Iterator
from datetime import date, datetime
from functools import cache
from itertools import accumulate
from typing import NamedTuple

from gateway.demo import narratives, responses
from gateway.demo.agencies import PROVINCE_ID, government_id, unit_id
from gateway.demo.attachments import PDF, reporter_attachments
from gateway.demo.frequencies import leaf_table
from gateway.demo.geography import RegencyGeo, RegencyPicker, draw_spot, regency_geo
from gateway.demo.identifiers import PENGHUBUNG_SYSTEM, complaint_uuid, tracking_id
from gateway.demo.lifecycle import build_history
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
from gateway.demo.timing import DAY, draw_start
from schema.canonical import (
    Channel,
    Classification,
    Complaint,
    Location,
    SourceRef,
    utc,
)
from schema.regions import WIB

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

_ASPIRASI = Classification.ASPIRASI
_NEEDS_DESA = narratives.NEEDS_DESA
# What a reporter adds when files are attached: photos for things one can see,
# supporting documents for paperwork.
_PHOTO_ATTACHED = " Foto kondisi di lapangan kami lampirkan."
_ATTACHED = {
    top: " Bukti pendukung kami lampirkan."
    for top in (
        "kependudukan",
        "sosial",
        "ketenagakerjaan",
        "pelayanan-publik",
        "kesehatan",
        "pendidikan",
    )
}
_ANSWERS = {
    Classification.PERMINTAAN_INFORMASI: responses.INFORMATION_ANSWERS,
    Classification.ASPIRASI: responses.ASPIRATION_ANSWERS,
}
# School kind, how many of them a kabupaten's kecamatan and a kota have (roughly).
_SCHOOL_LEVELS = (("SD", 30, 250), ("SD", 30, 250), ("SMP", 10, 60))
_UPPER_SCHOOL_LEVELS = (("SMA", 5, 22), ("SMK", 3, 8))


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


def _admin_title(classification: Classification, subject: str, tempat: str, kec: str, short: str) -> str:
    if classification is Classification.PERMINTAAN_INFORMASI:
        return f"Permintaan Informasi {subject} di {short}"
    if classification is Classification.ASPIRASI:
        return f"Aspirasi Warga tentang {subject} di {short}"
    if tempat.startswith(("Kecamatan", "Kabupaten", "Kota")):
        return f"Pengaduan {subject} di {tempat}"
    return f"Pengaduan {subject} di {tempat}, Kec. {kec}"


def demo_complaints(count: int, *, seed: int = 2026, now: datetime) -> Iterator[Complaint]:
    """Generate `count` realistic complaints from Sumatera Selatan, deterministically.

    The same arguments always give the same complaints, ids included, and a shorter
    run is a prefix of a longer one. Complaints spread over the 17 kabupaten/kota by
    population, over the ~18 months before `now`, and over every Status; each has a
    history consistent with its status (see `gateway.demo.lifecycle`).

    Args:
        count: how many complaints to generate.
        seed: seeds the one random source (a random.Random) that drives everything.
        now: an aware datetime; every timestamp generated lies before it.

    Raises:
        ValueError: for a negative count or a naive `now`.
    """
    if count < 0:
        raise ValueError(f"count must be >= 0, not {count}")
    now_ts = utc(now).timestamp()
    return _generate(count, seed, now_ts)


class _Case(NamedTuple):
    """Everything about a (leaf category, regency) pair that does not change."""

    leaf: str
    top: str
    text: narratives.LeafText
    geo: RegencyGeo
    route: Route
    government: str
    national: str
    slug: str  # for hand-named photo files: "foto_jalan_1.jpg"
    upper_school: bool  # pendidikan: a delegated case is about an SMA/SMK
    school_many: bool  # a kota numbers its schools city-wide


@cache
def _case(leaf: str, regency: str) -> _Case:
    geo = regency_geo(regency)
    top = leaf.partition(".")[0]
    return _Case(
        leaf,
        top,
        narratives.LEAVES[leaf],
        geo,
        route_for(leaf, regency),
        government_id(regency),
        national_for(leaf) or PROVINCE_ID,
        leaf.rpartition(".")[2].replace("-", "_"),
        top == "pendidikan",
        is_city(geo.region),
    )


def _generate(count: int, seed: int, now_ts: float) -> Iterator[Complaint]:
    rng = DemoRandom(seed)
    rand = rng.random
    picker = RegencyPicker()
    leaf_tables = {code: leaf_table(code) for code in picker.codes}
    window = WINDOW_DAYS * DAY
    tracking_seen: set[str] = set()
    pengaduan = Classification.PENGADUAN
    info = Classification.PERMINTAAN_INFORMASI
    durations, amounts = narratives.DURATIONS, narratives.AMOUNTS
    greetings, closings = narratives.GREETINGS, narratives.CLOSINGS
    general_tags = narratives.GENERAL_TAGS
    for _ in range(count):
        complaint_id = complaint_uuid(rng)
        tracking = tracking_id(rng, tracking_seen)
        regency = picker.pick(rng)
        leaves, cum = leaf_tables[regency]
        case = _case(leaves[bisect(cum, rand() * cum[-1])], regency)
        text, geo = case.text, case.geo
        start, final = draw_start(rng, now_ts, window)

        roll = rand()
        classification = pengaduan if roll < 0.82 else info if roll < 0.92 else _ASPIRASI
        channel = _CHANNEL_LIST[bisect(_CHANNEL_CUM, rand() * _CHANNEL_CUM[-1])]
        roll = rand()
        level = 4 if roll < 0.75 else 3 if roll < 0.90 else 2
        spot = draw_spot(rng, geo, level=level, need_desa=case.leaf in _NEEDS_DESA)

        history = build_history(
            rng,
            final,
            start=start,
            route=case.route,
            channel=channel,
            slots={"lokasi": spot.lokasi, "topic": text.topic},
            draw_receiver=_receiver_drawer(rng, case.leaf, regency, picker),
            now=now_ts,
            answers=_ANSWERS.get(classification),
        )
        events = history.events
        created, updated = events[0].at, events[-1].at
        local_created = created.astimezone(WIB)

        attachments = reporter_attachments(rng, local_created, case.slug) if classification is pengaduan else ()
        kec = spot.district.name
        levels = _UPPER_SCHOOL_LEVELS if history.delegated and case.upper_school else _SCHOOL_LEVELS
        kind, few, many = levels[int(rand() * len(levels))]
        if case.school_many:
            school = f"{kind} Negeri {1 + int(rand() * many)} {geo.profile.short}"
        else:
            school = f"{kind} Negeri {1 + int(rand() * few)} {kec}"
        slots = {
            "lokasi": spot.lokasi,
            "tempat": spot.tempat,
            "kec": kec,
            "jalan": spot.street,
            "regency": geo.region.name,
            "sekolah": school,
            "puskesmas": f"Puskesmas {kec}",
            "rs": geo.profile.hospital,
            "durasi": durations[int(rand() * len(durations))],
            "nominal": amounts[int(rand() * len(amounts))],
            "tahun": str(local_created.year),
            "topic": text.topic,
            "subject": text.subject,
        }
        if classification is pengaduan:
            pairs = text.complaints
        elif classification is info:
            pairs = (
                narratives.INFORMATION_REQUESTS
                if case.top in narratives.BUDGET_TOPICS
                else narratives.INFORMATION_REQUESTS[:2]
            )
        else:
            pairs = narratives.ASPIRATIONS
        title_t, body_t = pairs[int(rand() * len(pairs))]
        original_title = title_t.format_map(slots)
        roll = rand()
        if roll < 0.08:
            original_title = original_title.upper()
        elif roll < 0.15:
            original_title = original_title.lower()
        greeting = greetings[int(rand() * len(greetings))]
        body = body_t.format_map(slots)
        if attachments and any(a.media_type != PDF for a in attachments):
            body += _ATTACHED.get(case.top, _PHOTO_ATTACHED)
        closing = closings[int(rand() * len(closings))]
        if greeting:
            body = f"{greeting.format_map(slots)}\n\n{body}"
        content = f"{body}\n\n{closing}" if closing else body

        title = None
        if history.verified and rand() < 0.3:
            title = _admin_title(classification, text.subject, spot.tempat, kec, geo.profile.short)

        roll = rand()
        k = 0 if roll < 0.35 else 1 if roll < 0.65 else 2 if roll < 0.9 else 3
        tags = rng.pick_some(text.tags + general_tags, k) if k else ()

        is_anonymous = rand() < 0.2
        is_secret = rand() < 0.05
        reporter = None
        if rand() < 0.9:
            home = spot.district
            if rand() < 0.15:
                home = geo.districts[int(rand() * len(geo.districts))]
            reporter = draw_reporter(rng, home.code)

        suggested = None
        if rand() < 0.3:
            roll = rand()
            if roll < 0.5:
                suggested = case.government
            elif roll < 0.75:
                suggested = case.route.handler_id
            else:
                suggested = case.national
        category_id = case.leaf if rand() < 0.93 else case.top

        # Linked to the gateway only: a link to LAPOR! or a kab/kota system would name a
        # record the sandbox does not hold (it starts fresh with its own ids), and every
        # live read of it would be stale and every change sent there a dead letter.
        sources = (SourceRef(PENGHUBUNG_SYSTEM, tracking),)

        incident: date | None = None
        if rand() < (0.85 if classification is pengaduan else 0.3):
            incident = date.fromordinal(local_created.toordinal() - int(rand() * 11))

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
            sources=sources,
            status_history=events,
            dispositions=history.dispositions,
            follow_ups=history.follow_ups,
            replies=history.replies,
            rating=history.rating,
            reporter=reporter,
        )
