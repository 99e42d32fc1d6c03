"""The soak bench's harness (issue #18): its command line, and its verification against a
real kab/kota simulator on loopback (a write held once, one held twice, one missing), the
fault windows that explain failures, and the memory slope across a restart. The whole
soak (minutes, every process of the stack) is run by hand, not here."""

from __future__ import annotations

import subprocess
import sys
from collections import Counter
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest

from bench.soak_faults import EVERY, Window
from bench.soak_ledger import Sample, Write
from bench.soak_memory import Series
from bench.soak_metrics import unexplained
from bench.soak_stack import Sandbox, sandbox_urls
from bench.soak_verify import INDEX, Place, judge, read_source
from connectors.config import DEMO_CONFIG, load_config
from connectors.registry import NATIONAL_NAME
from connectors.sandbox.rest_json_v1 import DEFAULT_TOKEN, RestJsonV1
from connectors.sandbox.runner import serve

REPOSITORY = Path(__file__).resolve().parents[2]
REGENCY = "16.01-ogan-komering-ulu"  # rest_json_v1 in the demo province
PREFIX = "SOAKTESTN"


@pytest.mark.slow
def test_the_soak_command_explains_itself_and_refuses_a_nonsense_duration() -> None:
    helped = subprocess.run(
        [sys.executable, "-m", "bench.soak", "--help"],
        cwd=REPOSITORY, capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert helped.returncode == 0, helped.stderr
    for option in ("--duration", "--load", "--rate", "--capacity", "--regency", "--report-only"):
        assert option in helped.stdout
    refused = subprocess.run(
        [sys.executable, "-m", "bench.soak", "--duration", "0"],
        cwd=REPOSITORY, capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert refused.returncode == 2
    assert "expected a positive number" in refused.stderr


@pytest.fixture
async def regency() -> AsyncIterator[str]:
    """A real rest_json_v1 system on loopback, empty."""
    async with serve(RestJsonV1(kode_wilayah="16.01", seed_count=0)) as url:
        yield url


async def _create(http: aiohttp.ClientSession, url: str, text: str) -> str:
    headers = {"authorization": f"Bearer {DEFAULT_TOKEN}"}
    body = {"title": "Jalan rusak", "description": text, "location": "Baturaja"}
    async with http.post(f"{url}/api/reports", json=body, headers=headers) as response:
        assert response.status == 201, await response.text()
        return str((await response.json())["id"])


async def _comment(http: aiohttp.ClientSession, url: str, report: str, text: str) -> None:
    headers = {"authorization": f"Bearer {DEFAULT_TOKEN}"}
    body = {"comment": text, "role": "OPD"}
    async with http.post(f"{url}/api/reports/{report}/comments", json=body, headers=headers) as response:
        assert response.status == 201, await response.text()


def _write(kind: str, marker: str, outcome: str = "ok") -> Write:
    sample = Sample(kind, "16.01", 1.0, 0.1, outcome)
    return Write(kind, marker, "16.01", None, sample)


async def test_the_verification_finds_each_write_once_twice_or_not_at_all(regency: str) -> None:
    async with aiohttp.ClientSession() as http:
        once = await _create(http, regency, f"Lubang besar. Kode {PREFIX}000001.")
        await _create(http, regency, f"Lampu mati. Kode {PREFIX}000002.")
        await _create(http, regency, f"Lampu mati. Kode {PREFIX}000002.")  # a second create
        await _comment(http, regency, once, f"Sudah diperbaiki. Kode {PREFIX}000004.")
        place = await read_source(http, "rest_json_v1", REGENCY, "16.01", regency, DEFAULT_TOKEN, PREFIX)
    assert place.complaints == Counter({f"{PREFIX}000001": 1, f"{PREFIX}000002": 2})
    assert place.follow_ups == Counter({f"{PREFIX}000004": 1})

    config = load_config(DEMO_CONFIG)
    sandbox = Sandbox(config, {**sandbox_urls(config, 1), REGENCY: regency})
    everywhere = Counter({f"{PREFIX}00000{n}": 1 for n in (1, 2, 3)})
    places = {
        INDEX: Place(complaints=everywhere, follow_ups=Counter({f"{PREFIX}000004": 1, f"{PREFIX}000005": 1})),
        NATIONAL_NAME: Place(complaints=everywhere, follow_ups=Counter({f"{PREFIX}000004": 1, f"{PREFIX}000005": 1})),
        REGENCY: place,
    }
    writes = [
        _write("submit_complaint", f"{PREFIX}000001"),  # everywhere once
        _write("submit_complaint", f"{PREFIX}000002"),  # twice in the regency's system
        _write("submit_complaint", f"{PREFIX}000003"),  # acknowledged, missing in the regency's
        _write("post_follow_up", f"{PREFIX}000004"),  # everywhere once
        _write("post_follow_up", f"{PREFIX}000005", "CHANGED_MEANWHILE"),  # refused, yet applied
    ]
    verdict = judge(writes, places, sandbox)
    assert (verdict.acked, verdict.acked_lost, verdict.stored_twice, verdict.untrue_errors) == (4, 1, 1, 1)
    assert verdict.lost_by_place == Counter({REGENCY: 1})
    assert verdict.twice_by_place == Counter({REGENCY: 1})


def test_only_a_fault_that_covers_a_request_explains_its_failure() -> None:
    windows = [Window("postgres", 10, 20, EVERY), Window("regency", 30, 40, "16.03"), Window("worker", 50, 60, None)]
    failed = [
        Sample("public_list", None, 12, 0.1, "INTERNAL_ERROR"),  # in the database's window
        Sample("case_live", "16.03", 35, 2.0, "TIMEOUT"),  # reaches the failing system
        Sample("case_live", "16.05", 35, 2.0, "TIMEOUT"),  # does not: unexplained
        Sample("public_list", None, 55, 0.1, "INTERNAL_ERROR"),  # a worker kill explains nothing
        Sample("submit_complaint", "16.05", 70, 0.1, "OVERLOADED", retry_after=True, status=503, phase="overload"),
        Sample("submit_complaint", "16.05", 71, 0.1, "HTTP_500", status=500, phase="overload"),
    ]
    left, shed = unexplained([*failed, Sample("public_list", None, 1, 0.1, "ok")], windows, shedding_phase="overload")
    assert [(s.at, s.reaches) for s in left] == [(35, "16.05"), (55, None), (71, "16.05")]
    assert shed == 1


def test_the_memory_slope_ignores_the_drop_of_a_restart_and_each_warm_up() -> None:
    series = Series()
    for t in range(0, 100, 2):  # the first process: +1 MiB a minute after a 10 s warm-up
        series.add(1, float(t), 100.0 + (50.0 if t < 10 else t / 60.0))
    for t in range(100, 200, 2):  # started again lower, same growth
        series.add(2, float(t), 80.0 + (t - 100) / 60.0)
    assert series.slope_mib_per_hour(warmup=10) == pytest.approx(60.0)
    assert series.peak() == 150.0
