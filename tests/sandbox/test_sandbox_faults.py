"""Fault switches over HTTP and from Python, on every simulator; the admin routes; the runner."""

from __future__ import annotations

import asyncio
import time
import zlib

import aiohttp
import pytest

from connectors.sandbox import RestJsonV1, Simulator, serve, serve_all
from connectors.sandbox.runner import SIMULATOR_ORDER

# One authorised, read-only request per simulator.
PROBES: dict[str, tuple[str, str, dict[str, str], dict[str, str]]] = {
    "rest_json_v1": (
        "GET",
        "/api/reports",
        {"Authorization": "Bearer sandbox-rest-json-v1-token"},
        {},
    ),
    "wa_bot_mongo": ("GET", "/reports", {"x-api-key": "sandbox-wa-bot-mongo-key"}, {}),
    "legacy_sql": (
        "GET",
        "/export/pengaduan.csv",
        {},
        {"key": "sandbox-legacy-sql-key"},
    ),
    "lapor_national": (
        "GET",
        "/api/v3/laporan",
        {"X-Api-Key": "sandbox-lapor-v3-key"},
        {},
    ),
    "xml_stream": ("POST", "/api/stream/addstream", {}, {}),
}


async def _probe(http: aiohttp.ClientSession, sim: Simulator, **kwargs: object) -> aiohttp.ClientResponse:
    method, path, headers, params = PROBES[sim.name]
    resp = await http.request(method, f"{sim.base_url}{path}", headers=headers, params=params, **kwargs)  # type: ignore[arg-type]
    await resp.read()
    return resp


async def _set(http: aiohttp.ClientSession, sim: Simulator, **switches: object) -> dict[str, object]:
    async with http.post(f"{sim.base_url}/_sandbox/faults", json=switches) as resp:
        assert resp.status == 200, await resp.text()
        return await resp.json()


@pytest.mark.parametrize("name", SIMULATOR_ORDER)
async def test_error_rate_is_deterministic(sims: dict[str, Simulator], http: aiohttp.ClientSession, name: str) -> None:
    sim = sims[name]
    outcomes = []
    for _ in range(2):
        await _set(http, sim, error_rate=0.5, seed=42)
        outcomes.append([(await _probe(http, sim)).status for _ in range(12)])
    assert outcomes[0] == outcomes[1]
    assert {500, 503} & set(outcomes[0]) and any(s not in (500, 503) for s in outcomes[0])


@pytest.mark.parametrize("name", SIMULATOR_ORDER)
async def test_retry_after_then_recovers(sims: dict[str, Simulator], http: aiohttp.ClientSession, name: str) -> None:
    sim = sims[name]
    sim.faults.set(retry_after=2, retry_after_seconds=3)
    for _ in range(2):
        resp = await _probe(http, sim)
        assert resp.status == 429 and resp.headers["Retry-After"] == "3"
    assert (await _probe(http, sim)).status != 429


@pytest.mark.parametrize("name", SIMULATOR_ORDER)
async def test_down_503_and_close(sims: dict[str, Simulator], http: aiohttp.ClientSession, name: str) -> None:
    sim = sims[name]
    await _set(http, sim, down="503")
    assert (await _probe(http, sim)).status == 503
    await _set(http, sim, down="close")
    with pytest.raises(aiohttp.ClientConnectionError):
        await _probe(http, sim)
    await _set(http, sim, down=None)
    assert (await _probe(http, sim)).status not in (503, 500)


async def test_latency(sims: dict[str, Simulator], http: aiohttp.ClientSession) -> None:
    sim = sims["rest_json_v1"]
    sim.faults.set(latency_ms=200)
    started = time.monotonic()
    assert (await _probe(http, sim)).status == 200
    assert time.monotonic() - started >= 0.19


async def test_timeout_hangs_until_the_client_gives_up(sims: dict[str, Simulator], http: aiohttp.ClientSession) -> None:
    sim = sims["wa_bot_mongo"]
    await _set(http, sim, timeout=True)
    started = time.monotonic()
    with pytest.raises(asyncio.TimeoutError):
        await _probe(http, sim, timeout=aiohttp.ClientTimeout(total=0.3))
    # The client's timeout ended it, not the simulator (which hangs for ten minutes): a
    # bound wide enough for a loaded machine, not a measure of how soon.
    assert time.monotonic() - started < 30
    await _set(http, sim, timeout=False)
    assert (await _probe(http, sim)).status == 200


async def test_garbage_html_and_truncated(sims: dict[str, Simulator], http: aiohttp.ClientSession) -> None:
    sim = sims["rest_json_v1"]
    sim.faults.set(garbage="html")
    resp = await _probe(http, sim)
    assert resp.status == 200 and resp.content_type == "text/html"
    sim.faults.set(garbage="truncated")
    resp = await _probe(http, sim)
    assert resp.status == 200 and resp.content_type == "application/json"
    with pytest.raises(ValueError):  # json.JSONDecodeError
        await resp.json()
    xml = sims["xml_stream"]
    xml.faults.set(garbage="truncated")
    async with http.post(f"{xml.base_url}/api/stream/addstream", data="<x/>") as r:
        assert r.status == 200 and not (await r.text()).rstrip().endswith("</response>")


async def test_bomb_is_small_on_the_wire_and_huge_inflated(
    sims: dict[str, Simulator], http: aiohttp.ClientSession
) -> None:
    sim = sims["legacy_sql"]
    await _set(http, sim, bomb=True, bomb_mb=8)
    _, path, _, params = PROBES["legacy_sql"]
    url = f"{sim.base_url}{path}"
    async with (
        aiohttp.ClientSession(auto_decompress=False) as raw_http,
        raw_http.get(url, params=params) as resp,
    ):
        assert resp.status == 200 and resp.headers["Content-Encoding"] == "gzip"
        wire = await resp.read()
    assert len(wire) < 64 * 1024
    inflater = zlib.decompressobj(31)
    assert len(inflater.decompress(wire, 1 << 20)) == 1 << 20 and inflater.unconsumed_tail  # capped read: more left


async def test_admin_validates_reads_and_resets(sims: dict[str, Simulator], http: aiohttp.ClientSession) -> None:
    sim = sims["rest_json_v1"]
    base = sim.base_url
    for bad in ({"error_rate": 2}, {"nope": 1}, {"garbage": "xml"}, [1]):
        async with http.post(f"{base}/_sandbox/faults", json=bad) as resp:
            assert resp.status == 400
    assert (await _set(http, sim, latency_ms=5))["latency_ms"] == 5
    async with http.get(f"{base}/_sandbox/faults") as resp:
        assert (await resp.json())["latency_ms"] == 5
    await _probe(http, sim)
    async with http.get(f"{base}/api/reports") as resp:
        assert resp.status == 401
    async with http.get(f"{base}/_sandbox/received") as resp:
        received = await resp.json()
    assert received["count"] == 2 and [i["status"] for i in received["items"]] == [
        200,
        401,
    ]
    assert received["items"][0]["headers"]["Authorization"] == "<redacted>"
    async with http.post(f"{base}/_sandbox/reset") as resp:
        assert resp.status == 200
    assert sim.received.entries == [] and sim.faults.latency_ms == 0
    assert isinstance(sim, RestJsonV1) and len(sim.reports) == 12


async def test_serve_all_on_free_ports_and_serve_one() -> None:
    sim = RestJsonV1(seed_count=3)
    async with serve(sim) as url, aiohttp.ClientSession() as http:
        assert url.startswith("http://127.0.0.1:")
        async with http.get(f"{url}/api/reports", headers=PROBES["rest_json_v1"][2]) as resp:
            assert (await resp.json())["meta"]["total"] == 3
    async with serve_all() as urls:
        assert list(urls) == list(SIMULATOR_ORDER) and len(set(urls.values())) == 5
