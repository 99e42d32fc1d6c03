"""Each rule of the conformance check against a regency system on loopback: the incremental
read, the write round trips compared value by value, the value counts and their warnings,
the preview, and writes only when asked for."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

import pytest

from connectors.protocol import Capability
from tests.connectors.check_system import MAPPING, System, dumps, run_check, serving


async def test_a_since_filter_that_answers_500_fails_naming_the_parameter_and_the_answer() -> None:
    system = System(since="fail")
    report = await run_check(system, writes=False)
    assert system.sinces, "the check never sent the since parameter"
    assert not report.passed
    text = report.render()
    assert "FAIL incremental read: sejak=2026-11-07T02:00:00+00:00 (the newest change) was refused: " in text, text
    assert "GET /reports answered 500; it said: Format parameter sejak tidak dikenal" in text, text


async def test_the_since_parameter_is_the_cursor_the_sync_engine_would_send() -> None:
    system = System(since="inclusive")
    report = await run_check(system, writes=False)
    assert report.passed, report.render()
    # The newest change of the seed (2026-11-07 09:00 WIB), written as the engine writes it.
    assert system.sinces == ["2026-11-07T02:00:00+00:00"]
    assert report.since is not None and "returned 1 of 5 records, the newest among them" in report.since.detail


async def test_an_exclusive_since_filter_passes_when_a_day_earlier_brings_the_newest() -> None:
    system = System(since="exclusive")
    report = await run_check(system, writes=False)
    assert report.passed, report.render()
    assert report.since is not None and "the filter is exclusive" in report.since.detail
    assert system.sinces == ["2026-11-07T02:00:00+00:00", "2026-11-06T02:00:00+00:00"]


async def test_an_exclusive_day_filter_fails_when_the_cursor_is_coarser_than_a_second() -> None:
    # The cursor says minutes; the source lists what changed on a later day. Stepping back a
    # minute still finds nothing, and every change later on the cursor's day would be lost.
    system = System(since="exclusive_day")
    mapping = MAPPING.replace('since_param = "sejak"', 'since_param = "sejak"\nsince_format = "%Y-%m-%dT%H:%M"')
    report = await run_check(system, mapping, writes=False)
    assert not report.passed, report.render()
    assert report.since is not None
    assert "sejak=2026-11-07T08:59 returned none" in report.since.detail, report.since.detail
    assert "later on the cursor's day or minute would be lost" in report.since.detail


async def test_a_date_cursor_steps_back_a_day_so_an_exclusive_day_filter_lists_the_newest() -> None:
    system = System(since="exclusive_day")
    mapping = MAPPING.replace('since_param = "sejak"', 'since_param = "sejak"\nsince_cast = "date"')
    report = await run_check(system, mapping, writes=False)
    assert report.passed, report.render()
    assert system.sinces == ["2026-11-06"]  # the newest change's day (07 Nov) minus one


@pytest.mark.parametrize(
    ("behaviour", "said"),
    [
        ("nothing", "does not understand the parameter's format"),
        ("twice", "more than the full list's 5"),
    ],
)
async def test_a_since_filter_that_loses_or_adds_records_fails(behaviour: str, said: str) -> None:
    report = await run_check(System(since=behaviour), writes=False)
    assert not report.passed
    assert report.since is not None and said in report.since.detail, report.render()


async def test_a_source_that_ignores_since_passes_with_a_warning() -> None:
    report = await run_check(System(since="ignore"), writes=False)
    assert report.passed, report.render()
    assert report.since is not None and report.since.warning is not None
    assert "seems to ignore the parameter" in report.since.warning


async def test_a_correct_mapping_round_trips_every_value_with_labelled_test_records() -> None:
    system = System()
    report = await run_check(system, writes=True)
    assert report.passed, report.render() + dumps(system.records)
    create = next(t for t in report.round_trips if t.capability is Capability.CREATE)
    for name in (
        "title",
        "content",
        "created_at",
        "kode_wilayah",
        "category_code",
        "agency_id",
        "is_secret",
        "is_anonymous",
        "external_ref",
        "reporter_name",
    ):
        assert name in create.detail.split("as sent: ")[1], create.detail
    created = [body for kind, body in system.received if kind == "create"]
    assert len(created) == 2
    for body in created:
        assert body["judul"] == "[TEST] Penghubung conformance check"
        assert str(body["isi"]).startswith("Uji koneksi Penghubung")
        assert str(body["ref"]).startswith("7e57c4ec-")
        # The category from what the out-map can say; the agency the source's records carry.
        assert body["kategori"] == "JLN" and body["opd"] == "dinas-pupr"
    # Each flag was sent both ways.
    assert {(b["rahasia"], b["anonim"]) for b in created} == {(True, False), (False, True)}
    follow_up = next(t for t in report.round_trips if t.capability is Capability.ADD_FOLLOW_UP)
    assert follow_up.ok and "text and time" in follow_up.detail


async def test_a_mapping_turning_every_flag_true_fails_the_round_trip_and_warns() -> None:
    wrong = MAPPING.replace('Y = "1"\nT = ""', 'Y = "1"\nT = "1"')
    assert wrong != MAPPING
    read_only = await run_check(System(), wrong, writes=False)
    assert read_only.passed, read_only.render()  # a warning, not a failure...
    assert any("every record (5) reads as secret" in w for w in read_only.warnings)
    assert any("every record (5) reads as anonymous" in w for w in read_only.warnings)
    strict = await run_check(System(), wrong, writes=False, strict=True)
    assert not strict.passed  # ...unless strict
    assert "FAIL every record (5) reads as secret" in strict.render()
    written = await run_check(System(), wrong, writes=True)
    assert not written.passed
    create = written.round_trips[0]
    assert not create.ok and "is_anonymous: sent False, read back True" in create.detail, create.detail
    assert "is_secret: sent False, read back True (second record)" in create.detail


async def test_a_time_read_in_the_wrong_zone_fails_naming_what_was_sent() -> None:
    # The system stores follow-up times in UTC without an offset; the mapping reads them as WIB.
    report = await run_check(System(utc_follow_ups=True), writes=True)
    follow_up = next(t for t in report.round_trips if t.capability is Capability.ADD_FOLLOW_UP)
    assert not follow_up.ok and not report.passed
    assert "its time reads back as" in follow_up.detail and "follow_ups.at" in follow_up.detail


async def test_a_create_with_a_category_that_has_no_word_fails_naming_the_key_and_value() -> None:
    # A second key sends the category through a table that shares no word with the first.
    two_tables = MAPPING.replace(
        'opd = "agency_id"', 'opd = "agency_id", kategori_nama = { value = "category_code", map = "kategori_nama" }'
    ).replace("[maps.status_out]", '[maps.kategori_nama]\nUMUM = "Umum"\n\n[maps.status_out]')
    system = System()
    report = await run_check(system, two_tables, writes=True)
    assert not report.passed
    create = report.round_trips[0]
    assert create.detail.startswith(
        "not sent: create.body.kategori_nama: [maps.kategori_nama] has no word for category_code 'INFRA-JALAN'; "
        'add INFRA-JALAN = "<your word>" under [maps.kategori_nama]'
    ), create.detail
    assert not system.received  # nothing half-written


async def test_a_status_with_no_word_fails_naming_the_key() -> None:
    coarse = MAPPING.replace('DIDISPOSISIKAN = "PROSES"\nSELESAI = "SELESAI"\n', 'SELESAI = "SELESAI"\n')
    assert coarse != MAPPING
    report = await run_check(System(), coarse, writes=True)
    trip = next(t for t in report.round_trips if t.capability is Capability.CHANGE_STATUS)
    assert not trip.ok and "status: [maps.status_out] has no word for status 'DIDISPOSISIKAN'" in trip.detail


async def test_categories_of_the_source_that_create_cannot_say_are_warned() -> None:
    narrow = MAPPING.replace('INFRA-JALAN = "JLN"\nKESEHATAN = "KES"', 'INFRA-JALAN = "JLN"')
    report = await run_check(System(), narrow, writes=False)
    assert any("have no word in [maps.kategori_out] for [create]: 'KESEHATAN'" in w for w in report.warnings)


async def test_a_category_the_create_sends_as_its_default_is_not_warned() -> None:
    narrow = MAPPING.replace('INFRA-JALAN = "JLN"\nKESEHATAN = "KES"', 'INFRA-JALAN = "JLN"').replace(
        'map = "kategori_out" }', 'map = "kategori_out", default = "LAIN" }'
    )
    assert narrow.count('default = "LAIN"') == 1
    report = await run_check(System(), narrow, writes=False)
    assert not report.warnings, report.render()


async def test_the_test_record_carries_the_registry_category_the_sync_sends() -> None:
    # The create sends category_code without a map: the gateway puts the registry's
    # category id there (gateway.sync.deliver), so the check's test record must too.
    plain = MAPPING.replace(
        'kategori = { value = "category_code", map = "kategori_out" }', 'kategori = "category_code"'
    )
    assert plain != MAPPING
    system = System()
    await run_check(system, plain, writes=True)
    creates = [body for kind, body in system.received if kind == "create"]
    assert creates and {body["kategori"] for body in creates} == {"INFRA-JALAN"}, creates


# The test system's status words for every status, so nothing is left unsendable.
EVERY_STATUS = MAPPING.replace(
    "[maps.status_out]\n",
    '[maps.status_out]\nTUNDA = "BARU"\nTERVERIFIKASI = "BARU"\nDILIMPAHKAN = "PROSES"\nDITINDAKLANJUTI = "PROSES"\n'
    'MENUNGGU_TANGGAPAN = "PROSES"\nARSIP = "SELESAI"\n',
)


async def test_statuses_the_mapping_never_sends_are_warned_beside_what_it_declares() -> None:
    report = await run_check(System(), writes=False)
    lines = report.render().splitlines()
    assert lines[1].startswith("      declares: ")
    assert lines[2] == (
        "      warn change_status never sends: TUNDA, TERVERIFIKASI, DILIMPAHKAN, DITINDAKLANJUTI, "
        "MENUNGGU_TANGGAPAN, ARSIP (no word in [maps.status_out]; add one, or a default)"
    ), lines
    assert report.passed
    strict = await run_check(System(), writes=False, strict=True)
    assert not strict.passed and "      FAIL change_status never sends: TUNDA," in strict.render()
    # A word for each, or a default for the rest, and the strict check passes.
    assert (await run_check(System(), EVERY_STATUS, writes=False, strict=True)).passed
    fallback = MAPPING.replace('map = "status_out" }', 'map = "status_out", default = "PROSES" }')
    assert fallback.count('default = "PROSES"') == 1
    report = await run_check(System(), fallback, writes=False, strict=True)
    assert report.passed, report.render()


async def test_a_mapping_without_create_warns_that_routed_complaints_are_not_created() -> None:
    start, end = EVERY_STATUS.index("[create]"), EVERY_STATUS.index("[change_status]")
    read_only = EVERY_STATUS[:start] + EVERY_STATUS[end:]
    report = await run_check(System(), read_only, writes=False)
    assert report.passed
    assert (
        "      warn no [create]: complaints LAPOR! routes to this regency will not be created in its system"
        " (add a [create] section to receive them)"
    ) in report.render().splitlines()
    assert not (await run_check(System(), read_only, writes=False, strict=True)).passed


async def test_strict_fails_on_records_stored_without_a_part() -> None:
    system = System()
    system.records["3"]["kategori"] = "XYZ"  # a category code with no entry in [maps.kategori]
    report = await run_check(system, EVERY_STATUS, writes=False)
    assert report.passed and report.gaps, report.render()
    strict = await run_check(system, EVERY_STATUS, writes=False, strict=True)
    assert not strict.passed
    assert "      FAIL stored without: " in strict.render()


async def test_value_counts_are_shown_without_personal_values() -> None:
    report = await run_check(System(), writes=False)
    text = report.render()
    assert "flags: is_anonymous false 4, true 1; is_secret false 4, true 1" in text
    # The source's own codes, and the registry's categories they map to.
    assert "category_code: JLN 3, KES 2" in text and "category_id: INFRA-JALAN 3, KESEHATAN 2" in text
    assert "agency_id: dinas-pupr 5" in text
    assert (
        "present: external_ref 0 of 5, incident_date 0 of 5, reporter 5 of 5" in text
        and "kode_wilayah: 16.05 5" in text
    )
    assert "Siti" not in text
    assert not report.warnings


async def _cli(*args: str) -> tuple[int, str]:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "gateway.cli",
        "connector",
        "check",
        *args,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
        cwd=Path(__file__).parents[2],
    )
    out, _ = await process.communicate()
    return process.returncode or 0, out.decode()


@pytest.mark.slow
async def test_the_command_writes_only_with_write_and_previews_with_show(tmp_path: Path) -> None:
    mapping = tmp_path / "uji.toml"
    mapping.write_text(MAPPING)
    system = System()
    async with serving(system) as url:
        code, out = await _cli(str(mapping), "--base-url", url, "--show", "2")
        assert code == 0, out
        assert not system.received, "a real system was written to without --write"
        assert "writes not tried (read-only check)" in out
        assert "record 1 of 5:" in out and "record 2 of 5:" in out and "record 3 of 5:" not in out
        assert "reporter_name: (masked)" in out and "is_secret: True" in out and "Siti" not in out
        code, out = await _cli(str(mapping), "--base-url", url, "--read-only")
        assert code == 0 and not system.received, out
        code, out = await _cli(str(mapping), "--base-url", url, "--write")
        assert code == 0, out
        # Disposed, answered, then closed: the mapping has no word for the steps between.
        assert [kind for kind, _ in system.received] == ["create", "create", "status", "follow_up", "status"]
        code, out = await _cli(str(mapping), "--base-url", url, "--write", "--read-only")
        assert code == 2 and "exclude each other" in out


@pytest.mark.parametrize(
    ("when", "said"),
    [
        ("2099-01-01T08:00:00+07:00", "every created_at is in the future: check the cast and [source] time_zone"),
        ("1970-01-21T08:00:00+07:00", "every created_at is decades old: check the cast (seconds or milliseconds?)"),
    ],
)
async def test_times_all_identical_in_the_future_or_decades_old_are_warned(when: str, said: str) -> None:
    system = System()
    for record in system.records.values():
        record["dibuat"] = when
    report = await run_check(system, writes=False)
    assert report.passed, report.render()  # warnings only...
    assert (
        said in report.warnings
        and "every record (5) has the same created_at: check its path and cast" in report.warnings
    )
    assert not (await run_check(system, writes=False, strict=True)).passed  # ...unless strict


async def test_a_personal_value_read_back_differently_fails_without_quoting_it() -> None:
    report = await run_check(System(upper_names=True), writes=True)
    create = report.round_trips[0]
    assert not create.ok
    assert "reporter_name: sent (a personal value, masked), read back (a personal value, masked)" in create.detail
    assert "Pelapor" not in report.render() and "PELAPOR" not in report.render()
