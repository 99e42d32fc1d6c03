"""Each bundled mapping against its sandbox simulator over real HTTP: reads, write round
trips, and the `penghubung connector check` command as a regency IT team runs it."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import AsyncIterator
from dataclasses import replace
from pathlib import Path

import aiohttp
import pytest

from connectors.bundled import MAPPINGS_DIR, bundled_spec
from connectors.check import check_source
from connectors.http import Policy, UpstreamClient
from connectors.loader import build_source
from connectors.protocol import Capability
from connectors.sandbox.lapor_national import DEFAULT_API_KEY
from connectors.sandbox.province import SANDBOX_SECRETS
from connectors.sandbox.runner import default_simulators, serve_all

# dialect -> (simulator, secret); the national v3 mapping is checked like a dialect.
MAPPED = {d: (d, SANDBOX_SECRETS[d]) for d in ("rest_json_v1", "wa_bot_mongo", "legacy_sql")}
MAPPED["lapor_v3"] = ("lapor_national", DEFAULT_API_KEY)


@pytest.fixture
async def sandbox() -> AsyncIterator[tuple[dict[str, object], dict[str, str]]]:
    sims = default_simulators()
    async with serve_all(sims) as urls:
        yield sims, urls  # type: ignore[misc]


def _source(
    mapping: str, session: aiohttp.ClientSession, urls: dict[str, str], secret: str | None = None, **policy: float
):
    spec = bundled_spec(mapping)
    sim, default_secret = MAPPED[mapping]
    client = UpstreamClient(spec.name, session, Policy(**policy))  # type: ignore[arg-type]
    return build_source(spec, client, urls[sim], secret=default_secret if secret is None else secret)


@pytest.mark.parametrize("mapping", sorted(MAPPED))
def test_each_mapping_is_at_most_60_lines(mapping: str) -> None:
    """The mapping itself stays short; its [maps.*] code lists (a system's categories, OPD,
    status words) are as long as the system's own lists and are not counted."""
    lines, in_map = 0, False
    for line in (MAPPINGS_DIR / f"{mapping}.toml").read_text().splitlines():
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        if stripped.startswith("["):
            in_map = stripped.startswith("[maps.")
        lines += 0 if in_map and not stripped.startswith("[") else 1
    assert lines <= 60


@pytest.mark.parametrize("mapping", sorted(MAPPED))
async def test_each_mapping_reads_maps_and_round_trips_every_write(
    mapping: str, sandbox: tuple[dict[str, object], dict[str, str]]
) -> None:
    _sims, urls = sandbox
    async with aiohttp.ClientSession() as session:
        source = _source(mapping, session, urls, total_timeout=5)
        report = await check_source(source, kode_wilayah=source.spec.kode_wilayah)
    assert report.passed, report.render()
    # Nothing suspicious either: the categories a create sends are the registry's ids,
    # which every bundled [maps.kategori_out] has a word (or a default) for.
    assert not report.warnings and not report.gaps, report.render()
    assert report.read == report.mapped > 0
    assert len(report.statuses) >= 3  # the status words were mapped, not defaulted
    done = {trip.capability for trip in report.round_trips if trip.ok}
    assert done == {Capability.CREATE, Capability.CHANGE_STATUS, Capability.ADD_FOLLOW_UP}


async def test_the_escape_hatch_tells_answered_from_disposed(sandbox: tuple[dict[str, object], dict[str, str]]) -> None:
    """rest_json_v1's PROSES is DITINDAKLANJUTI once respondedAt is set (a Python hook)."""
    sims, urls = sandbox
    async with aiohttp.ClientSession() as session:
        source = _source("rest_json_v1", session, urls)
        records = [r async for batch in source.changes() for r in batch.records]
    rest = sims["rest_json_v1"]
    by_id = {r.source_id: r for r in records}
    proses = [raw for raw in rest.reports.values() if raw["bupatiStatus"] == "PROSES"]  # type: ignore[attr-defined]
    assert {bool(raw["respondedAt"]) for raw in proses} == {True, False}
    for raw in proses:
        expected = "DITINDAKLANJUTI" if raw["respondedAt"] else "DIDISPOSISIKAN"
        assert by_id[raw["id"]].status.value == expected


async def test_a_read_only_check_writes_nothing(sandbox: tuple[dict[str, object], dict[str, str]]) -> None:
    sims, urls = sandbox
    before = len(sims["rest_json_v1"].reports)  # type: ignore[attr-defined]
    async with aiohttp.ClientSession() as session:
        report = await check_source(_source("rest_json_v1", session, urls), kode_wilayah="16.01", writes=False)
    assert report.passed and not report.round_trips and "writes not tried" in report.render()
    assert len(sims["rest_json_v1"].reports) == before  # type: ignore[attr-defined]


@pytest.mark.parametrize("mapping", sorted(MAPPED))
async def test_wrong_credentials_and_a_broken_source_fail_clearly(
    mapping: str, sandbox: tuple[dict[str, object], dict[str, str]]
) -> None:
    sims, urls = sandbox
    sim = sims[MAPPED[mapping][0]]
    async with aiohttp.ClientSession() as session:
        wrong = await check_source(
            _source(mapping, session, urls, secret="wrong", attempts=1, total_timeout=2), kode_wilayah="16"
        )
        assert not wrong.passed and wrong.failure is not None and "401" in wrong.failure
        sim.faults.set(garbage="html")  # type: ignore[attr-defined]
        garbage = await check_source(_source(mapping, session, urls, attempts=1, total_timeout=2), kode_wilayah="16")
        assert not garbage.passed and garbage.failure is not None
        assert garbage.failure.startswith("UPSTREAM_BAD_BODY")
        sim.faults.clear()  # type: ignore[attr-defined]


def _cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "gateway.cli", "connector", "check", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )


@pytest.mark.slow
def test_connector_check_all_against_the_demo_province(tmp_path: Path) -> None:
    result = _cli("--all", "--sandbox", cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "16 of 16 sources pass" in result.stdout
    assert (
        "not connected yet: 16.08 Kabupaten Ogan Komering Ulu Timur, 16.13 Kabupaten Musi Rawas Utara" in result.stdout
    )
    for dialect in ("rest_json_v1", "wa_bot_mongo", "legacy_sql", "xml_stream", "PROVISIONAL v3"):
        assert dialect in result.stdout
    assert "FAIL" not in result.stdout
    # Simulators are written to without --write, and every readable one is read again since.
    assert result.stdout.count("ok   create: ") == 16, result.stdout
    assert result.stdout.count("ok   incremental read: ") == 14, result.stdout


@pytest.mark.slow
def test_a_broken_mapping_fails_pointing_at_the_key(tmp_path: Path) -> None:
    broken = tmp_path / "broken.toml"
    broken.write_text(
        (MAPPINGS_DIR / "rest_json_v1.toml").read_text().replace('cast = "datetime"', 'cast = "datetme"', 1)
    )
    result = _cli(str(broken), "--base-url", "http://127.0.0.1:9", cwd=tmp_path)
    assert result.returncode == 1
    assert "fields.created_at.cast: expected one of" in result.stdout and "'datetme'" in result.stdout


@pytest.mark.slow
def test_the_province_with_the_legacy_national_api(tmp_path: Path) -> None:
    """With api = "legacy" the national system is the create-only XML addstream."""
    config = (Path(__file__).parents[2] / "connectors/demo/sumsel.toml").read_text()
    (tmp_path / "sources.toml").write_text(config.replace('api = "v3"', 'api = "legacy"'))
    result = _cli("--all", "--sandbox", "--read-only", "--config", str(tmp_path / "sources.toml"), cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "SP4N-LAPOR!, legacy XML addstream): push only" in result.stdout
    assert "writes not tried (read-only check)" in result.stdout


async def test_a_sources_file_with_a_real_url_beside_sandbox_entries(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A regency's own entry (its mapping file, its URL, its secret) is checked beside the simulated ones."""
    from connectors.sandbox.runner import serve
    from connectors.sandbox.wa_bot_mongo import WaBotMongo
    from gateway.cli.connector_check import check_config

    config = (Path(__file__).parents[2] / "connectors/demo/sumsel.toml").read_text()
    (tmp_path / "mappings").mkdir()
    (tmp_path / "mappings/musi-rawas.toml").write_text((MAPPINGS_DIR / "wa_bot_mongo.toml").read_text())
    monkeypatch.setenv("MUSI_RAWAS_KEY", SANDBOX_SECRETS["wa_bot_mongo"])
    async with serve(WaBotMongo(kode_wilayah="16.05")) as url:
        own = config.replace(
            'kode_wilayah = "16.05"  # Musi Rawas\ndialect = "wa_bot_mongo"\nurl = "sandbox"',
            f'kode_wilayah = "16.05"\nmapping = "mappings/musi-rawas.toml"\nurl = "{url}"\nsecret_env = "MUSI_RAWAS_KEY"',
        )
        assert own != config
        (tmp_path / "sources.toml").write_text(own)
        code = await check_config(tmp_path / "sources.toml", sandbox=True, writes=False)
        out = capsys.readouterr().out
        assert code == 0, out
        assert "PASS  16.05-musi-rawas (Kabupaten Musi Rawas, " in out and "16 of 16 sources pass" in out
        # Without --sandbox the simulated entries cannot be reached: said at once, nothing called.
        assert await check_config(tmp_path / "sources.toml", sandbox=False) == 1
        assert 'url = "sandbox"' in capsys.readouterr().out


@pytest.mark.slow
async def test_beside_the_simulators_a_real_system_is_written_to_only_when_asked(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from connectors.sandbox.runner import serve
    from connectors.sandbox.wa_bot_mongo import WaBotMongo
    from gateway.cli.connector_check import check_config

    config = (Path(__file__).parents[2] / "connectors/demo/sumsel.toml").read_text()
    monkeypatch.setenv("MUSI_RAWAS_KEY", SANDBOX_SECRETS["wa_bot_mongo"])
    real = WaBotMongo(kode_wilayah="16.05")
    async with serve(real) as url:
        own = config.replace(
            'kode_wilayah = "16.05"  # Musi Rawas\ndialect = "wa_bot_mongo"\nurl = "sandbox"',
            f'kode_wilayah = "16.05"\ndialect = "wa_bot_mongo"\nurl = "{url}"\nsecret_env = "MUSI_RAWAS_KEY"',
        )
        assert own != config
        (tmp_path / "sources.toml").write_text(own)
        before = len(real.reports)
        assert await check_config(tmp_path / "sources.toml", sandbox=True) == 0
        out = capsys.readouterr().out
        assert len(real.reports) == before, "the real system was written to without --write"
        musi = out.split("PASS  16.05-musi-rawas")[1].split("PASS  ")[0]
        assert "writes not tried (read-only check)" in musi and "ok   create" not in musi
        assert out.count("ok   create: ") == 15  # every simulator was
        assert await check_config(tmp_path / "sources.toml", sandbox=True, writes=True) == 0
        assert len(real.reports) == before + 2  # the two labelled test records


@pytest.mark.parametrize("mapping", sorted(MAPPED))
async def test_the_check_shows_what_each_bundled_mapping_carries(
    mapping: str, sandbox: tuple[dict[str, object], dict[str, str]]
) -> None:
    """Category and incident date on every seeded record, the regency's OPD disposition
    where its system has one (the national system routes instead)."""
    _sims, urls = sandbox
    async with aiohttp.ClientSession() as session:
        report = await check_source(_source(mapping, session, urls), kode_wilayah="16", writes=False)
    assert report.passed and report.gaps == [], report.render()
    shown = report.render()
    assert report.mapped > 0 and "category_id: (none)" not in shown, shown
    assert f"incident_date {report.mapped} of {report.mapped}" in shown, shown
    disposed = next(line.strip() for line in shown.splitlines() if "disposed_to:" in line)
    assert (disposed == f"disposed_to: (none) {report.mapped}") is (mapping == "lapor_v3"), shown


async def test_the_check_counts_and_previews_files(sandbox: tuple[dict[str, object], dict[str, str]]) -> None:
    sims, urls = sandbox
    async with aiohttp.ClientSession() as session:
        source = _source("wa_bot_mongo", session, urls, total_timeout=5)
        report = await check_source(source, kode_wilayah=source.spec.kode_wilayah, show=40)
    text = report.render()
    # The seeded reports (the check's own test records, written after the read, have none).
    seeded = [r for r in sims["wa_bot_mongo"].reports.values() if not r["sessionId"].startswith("7e57")]  # type: ignore[attr-defined]
    with_files = sum(1 for r in seeded if r["photos"])
    assert 0 < with_files < len(seeded) == report.read
    assert f"attachments {with_files} of {len(seeded)}" in text, text
    assert any(line.strip().startswith("attachments: ") and "items" in line for line in text.splitlines()), text
    assert "IMG-" not in text  # file names stay out of the report, like other personal values
    assert not report.warnings, text


async def test_the_check_warns_when_a_files_path_finds_none(sandbox: tuple[dict[str, object], dict[str, str]]) -> None:
    _sims, urls = sandbox
    spec = replace(
        bundled_spec("wa_bot_mongo"), attachments=replace(bundled_spec("wa_bot_mongo").attachments, path="foto")
    )  # type: ignore[arg-type]
    async with aiohttp.ClientSession() as session:
        client = UpstreamClient(spec.name, session, Policy(total_timeout=5))
        source = build_source(spec, client, urls["wa_bot_mongo"], secret=SANDBOX_SECRETS["wa_bot_mongo"])
        report = await check_source(source, kode_wilayah=spec.kode_wilayah, writes=False)
    assert any("has files: check [attachments] path and name" in w for w in report.warnings), report.render()
