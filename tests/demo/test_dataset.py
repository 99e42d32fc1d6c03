"""The Sumatera Selatan demo dataset: registries, and 3,000 generated complaints.

Assertions about reporters collect tracking ids of offenders, never the personal data
itself, so a failure cannot print a NIK, phone number or e-mail address.
"""

from __future__ import annotations

import hashlib
import os
import re
import subprocess
import sys
import uuid
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from lokal.nik import parse_nik
from lokal.phone import parse_phone

from gateway.demo import demo_agencies, demo_categories, demo_complaints
from schema.canonical import (
    AgencyLevel,
    Classification,
    Complaint,
    Status,
)
from schema.regions import WIB, children, regency_of, region_exists
from schema.validation import ComplaintDraft, validate_draft

NOW = datetime(2026, 5, 10, 12, 0, tzinfo=UTC)
COUNT = 3000
TRACKING = re.compile(r"^PGH-[0-9A-HJKMNP-TV-Z]{8}$")
ROUTED_FROM = {
    Status.DIDISPOSISIKAN,
    Status.DILIMPAHKAN,
    Status.DITINDAKLANJUTI,
    Status.MENUNGGU_TANGGAPAN,
    Status.SELESAI,
}
ANSWERED = {Status.DITINDAKLANJUTI, Status.MENUNGGU_TANGGAPAN, Status.SELESAI}
SUMSEL = {r.code for r in children("16")}


@pytest.fixture(scope="module")
def complaints() -> list[Complaint]:
    return list(demo_complaints(COUNT, now=NOW))


@pytest.fixture(scope="module")
def agency_ids() -> set[str]:
    return {a.id for a in demo_agencies()}


@pytest.fixture(scope="module")
def category_ids() -> set[str]:
    return {c.id for c in demo_categories()}


# -- registries ---------------------------------------------------------------------


def test_agencies_cover_nation_province_and_all_17_regencies() -> None:
    agencies = demo_agencies()
    by_id = {a.id: a for a in agencies}
    assert len(by_id) == len(agencies), "agency ids are unique"
    for national in (
        "kemenpanrb",
        "kemendagri",
        "kemenkes",
        "kemendikdasmen",
        "kemen-pu",
        "kemensos",
        "bpjs-kesehatan",
        "ombudsman",
    ):
        assert by_id[national].level is AgencyLevel.NATIONAL
        assert by_id[national].kode_wilayah is None
    assert by_id["pemprov-16"].level is AgencyLevel.PROVINCE
    province_units = [a for a in agencies if a.parent_id == "pemprov-16"]
    assert sum(a.level is AgencyLevel.UNIT for a in province_units) >= 6
    for code in SUMSEL:
        gov_id = f"pemkot-{code}" if code[3] == "7" else f"pemkab-{code}"
        gov = by_id[gov_id]
        assert gov.level is (AgencyLevel.CITY if code[3] == "7" else AgencyLevel.REGENCY)
        assert gov.kode_wilayah == code
        assert gov.parent_id == "pemprov-16"
        units = [a for a in agencies if a.parent_id == gov_id]
        assert 8 <= len(units) <= 12
        assert all(u.level is AgencyLevel.UNIT and u.kode_wilayah == code for u in units)
        kinds = ("pupr", "dinkes", "disdukcapil", "rsud", "bpbd")
        assert {f"{code}-{k}" for k in kinds} <= {u.id for u in units}


def test_agency_tree_lists_parents_first_and_codes_exist() -> None:
    seen: set[str] = set()
    for agency in demo_agencies():
        assert agency.parent_id is None or agency.parent_id in seen, agency.id
        assert agency.kode_wilayah is None or region_exists(agency.kode_wilayah), agency.id
        assert len(agency.name) <= 200
        assert agency.short_name and len(agency.short_name) <= 60
        seen.add(agency.id)


def test_category_tree() -> None:
    categories = demo_categories()
    tops = [c for c in categories if c.parent_id is None]
    assert len(tops) >= 12
    seen: set[str] = set()
    for category in categories:
        assert category.parent_id is None or category.parent_id in seen, category.id
        if category.parent_id:
            assert category.id.startswith(category.parent_id + ".")
        seen.add(category.id)
    for top in tops:
        assert 2 <= sum(c.parent_id == top.id for c in categories) <= 5, top.id
    assert {"infrastruktur.jalan", "kependudukan.ktp-el", "sosial.pkh"} <= seen


# -- complaints -----------------------------------------------------------------------


@pytest.mark.slow
def test_generation_is_deterministic_and_prefix_stable(
    complaints: list[Complaint],
) -> None:
    again = list(demo_complaints(300, now=NOW))
    assert again == complaints[:300]
    assert list(demo_complaints(300, now=NOW)) == again
    other = list(demo_complaints(300, seed=7, now=NOW))
    assert [c.id for c in other] != [c.id for c in again]


def _digest(complaints: list[Complaint]) -> str:
    """A digest of everything generated, reporters included, without showing any."""
    h = hashlib.sha256()
    for c in complaints:
        r = c.reporter
        h.update(repr((c, r and (r.name, r.nik, r.phone, r.email))).encode())
    return h.hexdigest()


_DIGEST_SCRIPT = """
import hashlib, sys
from datetime import datetime, UTC
from gateway.demo import demo_complaints
h = hashlib.sha256()
for c in demo_complaints(200, now=datetime(2026, 5, 10, 12, tzinfo=UTC)):
    r = c.reporter
    h.update(repr((c, r and (r.name, r.nik, r.phone, r.email))).encode())
print(h.hexdigest())
"""


@pytest.mark.slow
def test_same_output_in_another_process(complaints: list[Complaint]) -> None:
    """No dependence on string hashing (PYTHONHASHSEED) or other process state."""
    root = Path(__file__).resolve().parents[2]
    env = {**os.environ, "PYTHONHASHSEED": "12345", "PYTHONPATH": str(root)}
    out = subprocess.run(
        [sys.executable, "-c", _DIGEST_SCRIPT],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    assert out.stdout.strip() == _digest(complaints[:200])


def test_rejects_bad_arguments() -> None:
    with pytest.raises(ValueError):
        list(demo_complaints(-1, now=NOW))
    with pytest.raises(ValueError):
        list(demo_complaints(1, now=datetime(2026, 5, 10)))  # naive


def test_every_status_and_regency_appears(complaints: list[Complaint]) -> None:
    statuses = Counter(c.status for c in complaints)
    assert set(statuses) == set(Status)
    done_or_process = statuses[Status.SELESAI] + statuses[Status.DIDISPOSISIKAN]
    assert done_or_process > COUNT / 2
    regencies = Counter(regency_of(c.location.kode_wilayah) for c in complaints)
    assert set(regencies) == SUMSEL
    assert regencies.most_common(1)[0][0] == "16.71"  # Palembang


def test_locations_are_real_regions_in_sumsel(complaints: list[Complaint]) -> None:
    levels = Counter(c.location.kode_wilayah.count(".") for c in complaints)
    assert levels[3] > COUNT / 2  # mostly desa/kelurahan
    assert levels[1] > 0  # some only at regency level
    bad = [c.tracking_id for c in complaints if not region_exists(c.location.kode_wilayah)]
    assert not bad
    pins = [c.location for c in complaints if c.location.latitude is not None]
    assert 0.5 * COUNT < len(pins) < 0.7 * COUNT
    assert all(-4.95 <= p.latitude <= -1.5 for p in pins)  # type: ignore[operator]
    assert all(102.05 <= p.longitude <= 106.25 for p in pins)  # type: ignore[operator]


def test_reporters_have_valid_nik_and_phone(complaints: list[Complaint]) -> None:
    with_reporter = [c for c in complaints if c.reporter is not None]
    assert 0.85 * COUNT < len(with_reporter) < 0.95 * COUNT
    bad_nik, bad_home, bad_phone = [], [], []
    for c in with_reporter:
        r = c.reporter
        assert r is not None
        if not (r.nik and parse_nik(r.nik).valid):
            bad_nik.append(c.tracking_id)
        elif not (
            region_exists(f"{r.nik[0:2]}.{r.nik[2:4]}.{r.nik[4:6]}")
            and f"{r.nik[0:2]}.{r.nik[2:4]}" == regency_of(c.location.kode_wilayah)
        ):
            bad_home.append(c.tracking_id)
        if not (r.phone and r.phone.startswith("08") and parse_phone(r.phone).valid):
            bad_phone.append(c.tracking_id)
    assert not bad_nik
    assert not bad_home
    assert not bad_phone
    emails = sum(1 for c in with_reporter if c.reporter and c.reporter.email)
    assert 0.5 < emails / len(with_reporter) < 0.7
    assert "<redacted>" in repr(with_reporter[0].reporter)


def test_flag_and_classification_shares(complaints: list[Complaint]) -> None:
    anonymous = sum(c.is_anonymous for c in complaints) / COUNT
    secret = sum(c.is_secret for c in complaints) / COUNT
    assert 0.16 < anonymous < 0.24
    assert 0.03 < secret < 0.07
    kinds = Counter(c.classification for c in complaints)
    assert kinds[Classification.PENGADUAN] > 0.75 * COUNT
    assert kinds[Classification.PERMINTAAN_INFORMASI] > 0
    assert kinds[Classification.ASPIRASI] > 0
    assert len({c.channel for c in complaints}) >= 8


def test_histories_are_consistent(complaints: list[Complaint]) -> None:
    earliest = NOW - timedelta(days=560)  # ~18 months, plus a few days of slack
    for c in complaints:
        events = c.status_history
        assert events[0].status is Status.SUBMITTED, c.tracking_id
        assert events[-1].status is c.status, c.tracking_id
        times = [e.at for e in events]
        assert times == sorted(times), c.tracking_id
        assert c.created_at == times[0] and c.updated_at == times[-1], c.tracking_id
        assert earliest < c.created_at <= c.updated_at <= NOW, c.tracking_id
        assert all(t.tzinfo is UTC for t in times), c.tracking_id
        others = [d.at for d in c.dispositions] + [f.at for f in c.follow_ups]
        others += [r.at for r in c.replies] + ([c.rating.at] if c.rating else [])
        assert all(c.created_at <= t <= c.updated_at for t in others), c.tracking_id
        if c.incident_date is not None:
            assert c.incident_date <= c.created_at.date() + timedelta(days=1), c.tracking_id


def test_agencies_act_in_office_hours_and_months_are_all_busy(
    complaints: list[Complaint],
) -> None:
    outside = []
    for c in complaints:
        for e in c.status_history:
            if e.actor_agency_id and e.status is not Status.BELUM_TERVERIFIKASI:
                local = e.at.astimezone(WIB)
                if local.weekday() > 4 or not 8 <= local.hour < 16:
                    outside.append(c.tracking_id)
    assert not outside
    months = Counter(c.created_at.strftime("%Y-%m") for c in complaints)
    assert len(months) >= 18
    full = [n for m, n in months.items() if "2024-12" <= m <= "2026-04"]
    assert max(full) < 3 * min(full)  # no month dwarfs another


def test_routing_follow_ups_and_ratings_match_the_status(
    complaints: list[Complaint],
) -> None:
    for c in complaints:
        if c.status in ROUTED_FROM:
            assert c.routed_agency_id is not None, c.tracking_id
            assert c.dispositions, c.tracking_id
        else:
            assert c.routed_agency_id is None, c.tracking_id
        if c.status in ANSWERED:
            assert c.follow_ups, c.tracking_id
        if c.status is Status.DILIMPAHKAN:
            assert c.dispositions[-1].kind.value == "PELIMPAHAN", c.tracking_id
        if c.rating is not None:
            assert c.status is Status.SELESAI and 1 <= c.rating.score <= 5, c.tracking_id
    assert sum(c.rating is not None for c in complaints) > 0.1 * COUNT
    assert any(c.replies for c in complaints)
    assert any(e.status is Status.DILIMPAHKAN for c in complaints for e in c.status_history)
    reopened = [
        c
        for c in complaints
        for e in c.status_history
        if e.status is Status.DIDISPOSISIKAN and (e.note or "").startswith("Dibuka")
    ]
    assert reopened


def test_roads_go_to_the_regency_pupr(complaints: list[Complaint]) -> None:
    roads = [
        c
        for c in complaints
        if c.category_id == "infrastruktur.jalan"
        and c.status is Status.SELESAI
        and not any(d.kind.value == "PELIMPAHAN" for d in c.dispositions)
    ]
    assert roads
    for c in roads:
        assert c.routed_agency_id == f"{regency_of(c.location.kode_wilayah)}-pupr"


def test_referenced_agencies_and_categories_exist(
    complaints: list[Complaint], agency_ids: set[str], category_ids: set[str]
) -> None:
    for c in complaints:
        assert c.category_id in category_ids, c.tracking_id
        referenced = {c.routed_agency_id, c.suggested_agency_id}
        referenced |= {e.actor_agency_id for e in c.status_history}
        referenced |= {d.to_agency_id for d in c.dispositions}
        referenced |= {d.from_agency_id for d in c.dispositions}
        referenced |= {f.agency_id for f in c.follow_ups}
        referenced.discard(None)
        assert referenced <= agency_ids, (c.tracking_id, referenced - agency_ids)


def test_identifiers_are_unique_and_well_formed(complaints: list[Complaint]) -> None:
    ids = [c.id for c in complaints]
    assert len(set(ids)) == COUNT
    assert all(uuid.UUID(i).version == 4 for i in ids)
    tracking = [c.tracking_id for c in complaints]
    assert len(set(tracking)) == COUNT
    assert all(TRACKING.match(t) for t in tracking)
    # Linked to the gateway only: the sandbox holds no record of them (issue 18).
    for c in complaints:
        assert [(s.system, s.id) for s in c.sources] == [("penghubung", c.tracking_id)]


def test_complaints_pass_intake_validation(
    complaints: list[Complaint], agency_ids: set[str], category_ids: set[str]
) -> None:
    for c in complaints[:500]:
        validate_draft(
            ComplaintDraft(
                classification=c.classification,
                title=c.original_title,
                content=c.content,
                location=c.location,
                channel=c.channel,
                incident_date=c.incident_date,
                category_id=c.category_id,
                suggested_agency_id=c.suggested_agency_id,
                tags=c.tags,
                attachments=c.attachments,
                is_anonymous=c.is_anonymous,
                is_secret=c.is_secret,
                reporter=c.reporter,
            ),
            today=date(2026, 5, 11),
            categories=category_ids,
            agencies=agency_ids,
        )
        assert c.title is None or len(c.title) <= 150


def test_the_registry_is_a_reference_document_the_loader_accepts() -> None:
    # The demo's agencies and categories come out of the reference file parser, so the demo
    # cannot hold what `penghubung reference load` would refuse.
    from gateway.demo.reference import demo_reference
    from gateway.domain.reference_file import check_parents

    document = demo_reference()
    assert list(document.agencies) == demo_agencies()
    assert list(document.categories) == demo_categories()
    check_parents(document, {}, {})
