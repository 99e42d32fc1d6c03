"""A long-running sandbox remembers only its latest requests (issue 18: memory flat over hours).

The gateway and the worker simulate the demo's sources in their own process, and
`penghubung sandbox` runs for as long as a soak does; each simulator logged every request
it received, the pulls every few seconds included, so their memory grew without end.
"""

from __future__ import annotations

import asyncio

import aiohttp
import pytest

from connectors.config import DEMO_CONFIG, load_config
from connectors.registry import NATIONAL_NAME
from connectors.sandbox import ReceivedLog
from connectors.sandbox.province import LONG_RUN_RECEIVED, province_simulators
from gateway.domain.sources import running_sources
from gateway.settings import GatewaySettings


def _record(log: ReceivedLog, n: int) -> None:
    log.record("GET", f"/api/reports/{n}", {}, {}, b"")


def test_a_bounded_log_stays_at_its_bound_and_keeps_the_latest() -> None:
    log = ReceivedLog(keep=3)
    for n in range(10):
        _record(log, n)
    assert [e.path for e in log.entries] == ["/api/reports/7", "/api/reports/8", "/api/reports/9"]
    assert log.forgotten == 7
    log.clear()
    assert log.entries == [] and log.forgotten == 0


def test_a_test_s_log_keeps_every_request() -> None:
    log = ReceivedLog()
    for n in range(2 * LONG_RUN_RECEIVED):
        _record(log, n)
    assert len(log.entries) == 2 * LONG_RUN_RECEIVED and log.forgotten == 0


def test_a_bound_must_keep_something() -> None:
    with pytest.raises(ValueError, match="keep must be at least 1"):
        ReceivedLog(keep=0)


def test_province_simulators_take_the_bound() -> None:
    sims = province_simulators(load_config(DEMO_CONFIG), keep_received=5)
    assert {s.received.keep for s in sims.values()} == {5}
    assert {s.received.keep for s in province_simulators(load_config(DEMO_CONFIG)).values()} == {None}


async def test_the_gateway_s_and_worker_s_sandbox_stays_at_its_bound(database_url: str) -> None:
    settings = GatewaySettings(database_url=database_url, sources_file=DEMO_CONFIG, sandbox=True)
    extra = 50
    async with aiohttp.ClientSession() as http, running_sources(settings, http) as sources:
        assert sources is not None
        url = sources.sandbox_urls[NATIONAL_NAME]

        async def one(n: int) -> None:
            async with http.get(f"{url}/api/v3/laporan/{n}") as answer:
                await answer.read()

        for start in range(0, LONG_RUN_RECEIVED + extra, 50):
            await asyncio.gather(*(one(n) for n in range(start, start + 50)))
        async with http.get(f"{url}/_sandbox/received") as answer:
            received = await answer.json()
    assert received["count"] == LONG_RUN_RECEIVED
    assert received["forgotten"] == extra
    assert received["items"][-1]["path"] == f"/api/v3/laporan/{LONG_RUN_RECEIVED + extra - 1}"
