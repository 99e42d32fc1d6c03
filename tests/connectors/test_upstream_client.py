"""The upstream client against a real local server misbehaving in every way we know."""

from __future__ import annotations

import asyncio
import gzip
import time
from collections.abc import AsyncIterator

import aiohttp
import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer

from connectors.errors import CircuitOpen, DecodeError, UpstreamRejected, UpstreamUnavailable
from connectors.http import CircuitBreaker, Policy, UpstreamClient

hits: dict[str, int] = {}


def _count(name: str) -> int:
    hits[name] = hits.get(name, 0) + 1
    return hits[name]


async def ok(request: web.Request) -> web.Response:
    _count("ok")
    return web.json_response({"data": [1, 2, 3]})


async def flaky(request: web.Request) -> web.Response:
    # 503 twice, then fine.
    n = _count("flaky")
    return web.json_response({"n": n}) if n > 2 else web.Response(status=503)


async def limited(request: web.Request) -> web.Response:
    n = _count("limited")
    if n == 1:
        return web.Response(status=429, headers={"Retry-After": "0.2"})
    return web.json_response({"n": n})


async def broken(request: web.Request) -> web.Response:
    _count("broken")
    return web.Response(status=500)


async def hang(request: web.Request) -> web.Response:
    await asyncio.sleep(30)
    return web.Response(text="late")


async def bomb(request: web.Request) -> web.Response:
    payload = gzip.compress(b"\0" * (50 * 1024 * 1024))  # 50 MB of zeros, ~50 kB on the wire
    return web.Response(body=payload, headers={"Content-Encoding": "gzip", "Content-Type": "application/json"})


async def redirect(request: web.Request) -> web.Response:
    raise web.HTTPFound("http://169.254.169.254/latest/meta-data/")


async def forbidden(request: web.Request) -> web.Response:
    return web.Response(status=401)


async def truncated(request: web.StreamResponse) -> web.StreamResponse:
    response = web.StreamResponse(headers={"Content-Length": "1000", "Content-Type": "application/json"})
    await response.prepare(request)  # type: ignore[arg-type]
    await response.write(b'{"data": [1, 2')
    request.transport.close()  # type: ignore[attr-defined]
    return response


@pytest.fixture
async def upstream() -> AsyncIterator[str]:
    hits.clear()
    app = web.Application()
    for path, handler in {
        "/ok": ok,
        "/flaky": flaky,
        "/limited": limited,
        "/broken": broken,
        "/hang": hang,
        "/bomb": bomb,
        "/redirect": redirect,
        "/forbidden": forbidden,
        "/truncated": truncated,
    }.items():
        app.router.add_route("*", path, handler)
    server = TestServer(app, host="127.0.0.1")
    await server.start_server()
    try:
        yield str(server.make_url(""))
    finally:
        await server.close()


FAST = Policy(total_timeout=1.0, connect_timeout=0.5, backoff_base=0.01, backoff_max=0.05, max_body_bytes=1024 * 1024)


async def test_retries_idempotent_requests_then_succeeds(upstream: str, session: aiohttp.ClientSession) -> None:
    client = UpstreamClient("mura", session, FAST)
    response = await client.request("GET", f"{upstream}/flaky")
    assert response.status == 200 and hits["flaky"] == 3


async def test_non_idempotent_requests_are_not_retried_without_a_key(
    upstream: str, session: aiohttp.ClientSession
) -> None:
    client = UpstreamClient("mura", session, FAST)
    with pytest.raises(UpstreamUnavailable):
        await client.request("POST", f"{upstream}/flaky")
    assert hits["flaky"] == 1
    hits.clear()
    response = await client.request("POST", f"{upstream}/flaky", idempotency_key="k-1")
    assert response.status == 200 and hits["flaky"] == 3


async def test_retry_after_is_honoured(upstream: str, session: aiohttp.ClientSession) -> None:
    slept: list[float] = []

    async def sleep(seconds: float) -> None:
        slept.append(seconds)

    client = UpstreamClient("mura", session, FAST, sleep=sleep)
    assert (await client.request("GET", f"{upstream}/limited")).status == 200
    assert slept == [0.2]


async def test_a_hanging_source_times_out_within_its_deadline(upstream: str, session: aiohttp.ClientSession) -> None:
    client = UpstreamClient("hang", session, Policy(total_timeout=0.3, attempts=1))
    started = time.perf_counter()
    with pytest.raises(UpstreamUnavailable, match="timed out"):
        await client.request("GET", f"{upstream}/hang")
    # Cut at its 0.3 s deadline, not after the 30 s the server hangs; wide for a loaded machine.
    assert time.perf_counter() - started < 10


async def test_a_hanging_source_does_not_slow_a_healthy_one(upstream: str, session: aiohttp.ClientSession) -> None:
    slow = UpstreamClient("hang", session, Policy(total_timeout=1.5, attempts=1, max_connections=2))
    fast = UpstreamClient("ok", session, FAST)
    stuck = [asyncio.create_task(slow.request("GET", f"{upstream}/hang")) for _ in range(6)]
    for _ in range(10):
        assert (await fast.request("GET", f"{upstream}/ok")).status == 200
    # All ten answered while the stuck calls still wait for their 1.5 s deadline: the healthy
    # source did not queue behind the hanging one (an ordering, not a latency).
    assert not any(task.done() for task in stuck)
    results = await asyncio.gather(*stuck, return_exceptions=True)
    assert all(isinstance(r, UpstreamUnavailable) for r in results)


@pytest.mark.slow
async def test_a_decompression_bomb_is_refused_with_bounded_memory(
    upstream: str, session: aiohttp.ClientSession
) -> None:
    client = UpstreamClient("bomb", session, FAST)
    with pytest.raises(DecodeError, match="larger than 1048576 bytes"):
        await client.request("GET", f"{upstream}/bomb")


async def test_truncated_bodies_redirects_and_refusals_are_typed(upstream: str, session: aiohttp.ClientSession) -> None:
    client = UpstreamClient("mura", session, FAST)
    with pytest.raises(DecodeError):
        await client.request("GET", f"{upstream}/truncated")
    with pytest.raises(UpstreamRejected, match="redirect"):
        await client.request("GET", f"{upstream}/redirect")
    with pytest.raises(UpstreamRejected, match="401"):
        await client.request("GET", f"{upstream}/forbidden")


async def test_the_circuit_opens_then_lets_one_trial_through(upstream: str, session: aiohttp.ClientSession) -> None:
    client = UpstreamClient("broken", session, Policy(failure_threshold=3, attempts=1, open_seconds=60))
    for _ in range(3):
        with pytest.raises(UpstreamUnavailable):
            await client.request("GET", f"{upstream}/broken")
    with pytest.raises(CircuitOpen):
        await client.request("GET", f"{upstream}/broken")
    assert hits["broken"] == 3  # the open circuit did not call out


def test_breaker_states() -> None:
    now = [0.0]
    breaker = CircuitBreaker(threshold=2, open_seconds=10, clock=lambda: now[0])
    breaker.failure()
    assert breaker.state == "closed"
    breaker.failure()
    assert breaker.state == "open" and not breaker.allow()
    now[0] = 11
    assert breaker.state == "half_open" and breaker.allow() and not breaker.allow()
    breaker.failure()  # the trial failed: open again
    assert breaker.state == "open"
    now[0] = 22
    assert breaker.allow()
    breaker.success()
    assert breaker.state == "closed"
