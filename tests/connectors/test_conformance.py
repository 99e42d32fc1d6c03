"""Each bundled dialect mapping against its sandbox simulator, over real HTTP, and the
`penghubung connector check` command as a regency IT team runs it."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest

from connectors.bundled import MAPPINGS_DIR, SANDBOX_SECRETS, bundled_spec
from connectors.check import check_source
from connectors.http import Policy, UpstreamClient
from connectors.sandbox.runner import default_simulators, serve_all
from connectors.source import HttpSource

DIALECTS = sorted(SANDBOX_SECRETS)


@pytest.fixture
async def sandbox() -> AsyncIterator[tuple[dict[str, object], dict[str, str]]]:
    sims = default_simulators()
    async with serve_all({d: sims[d] for d in DIALECTS}) as urls:
        yield sims, urls  # type: ignore[misc]


@pytest.mark.parametrize("dialect", DIALECTS)
def test_each_mapping_is_at_most_60_lines(dialect: str) -> None:
    text = (MAPPINGS_DIR / f"{dialect}.toml").read_text()
    assert len([l for l in text.splitlines() if l.strip() and not l.lstrip().startswith("#")]) <= 60


@pytest.mark.parametrize("dialect", DIALECTS)
async def test_each_dialect_reads_and_maps_everything(
    dialect: str, sandbox: tuple[dict[str, object], dict[str, str]]
) -> None:
    sims, urls = sandbox
    spec = bundled_spec(dialect)
    async with aiohttp.ClientSession() as session:
        source = HttpSource(spec, UpstreamClient(spec.name, session, Policy(total_timeout=5)), urls[dialect], secret=SANDBOX_SECRETS[dialect])
        report = await check_source(source)
    assert report.passed, report.render()
    assert report.read == report.mapped > 0
    assert len(report.statuses) >= 3  # the status words were mapped, not defaulted


@pytest.mark.parametrize("dialect", DIALECTS)
async def test_wrong_credentials_and_a_broken_source_fail_clearly(
    dialect: str, sandbox: tuple[dict[str, object], dict[str, str]]
) -> None:
    sims, urls = sandbox
    spec = bundled_spec(dialect)
    async with aiohttp.ClientSession() as session:
        client = UpstreamClient(spec.name, session, Policy(attempts=1, total_timeout=2))
        wrong = await check_source(HttpSource(spec, client, urls[dialect], secret="wrong"))
        assert not wrong.passed and wrong.failure is not None and "401" in wrong.failure
        sims[dialect].faults.set(garbage="html")  # type: ignore[attr-defined]
        garbage = await check_source(HttpSource(spec, client, urls[dialect], secret=SANDBOX_SECRETS[dialect]))
        assert not garbage.passed and garbage.failure is not None
        assert garbage.failure.startswith("UPSTREAM_BAD_BODY")
        sims[dialect].faults.clear()  # type: ignore[attr-defined]


def _cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "gateway.cli", "connector", "check", *args],
        cwd=cwd, capture_output=True, text=True, timeout=120, check=False,
    )


def test_connector_check_all_against_the_sandbox(tmp_path: Path) -> None:
    result = _cli("--all", "--sandbox", cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "3 of 3 sources pass" in result.stdout


def test_a_broken_mapping_fails_pointing_at_the_key(tmp_path: Path) -> None:
    broken = tmp_path / "broken.toml"
    broken.write_text((MAPPINGS_DIR / "rest_json_v1.toml").read_text().replace('cast = "datetime"', 'cast = "datetme"', 1))
    result = _cli(str(broken), "--base-url", "http://127.0.0.1:9", cwd=tmp_path)
    assert result.returncode == 1
    assert "fields.created_at.cast: expected one of" in result.stdout and "'datetme'" in result.stdout
