"""The open-loop load of the benchmarks keeps its schedule when the server stalls: every
due request is sent, and one still unanswered when the run ends is a failure, not a
request that never happened. A real HTTP server on loopback stands in for the gateway."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import aiohttp
import pytest
from aiohttp import web

from bench.open_loop import UNFINISHED, open_loop


@pytest.fixture
async def stalling_server() -> AsyncIterator[tuple[str, asyncio.Event]]:
    """`/fast` answers at once; `/stall` answers only once the event is set."""
    release = asyncio.Event()

    async def fast(request: web.Request) -> web.Response:
        return web.json_response({"ok": True})

    async def stall(request: web.Request) -> web.Response:
        await release.wait()
        return web.json_response({"ok": True})

    app = web.Application()
    app.router.add_get("/fast", fast)
    app.router.add_get("/stall", stall)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    try:
        yield f"http://127.0.0.1:{port}", release
    finally:
        release.set()
        await runner.cleanup()


async def test_a_stalled_server_gets_every_due_request_and_unanswered_ones_fail(
    stalling_server: tuple[str, asyncio.Event],
) -> None:
    base, _ = stalling_server
    async with aiohttp.ClientSession() as session:
        turn = iter(range(1000))

        def pick() -> tuple[str, object]:
            path = "stall" if next(turn) % 2 else "fast"

            async def send() -> str | None:
                async with session.get(f"{base}/{path}") as response:
                    return None if response.status == 200 else f"HTTP {response.status}"

            return path, send

        result = await open_loop(pick, rate=40, duration=0.5, drain=0.3)  # type: ignore[arg-type]

    assert result.requests == 20  # rate x duration, though half never came back
    assert result.kinds["fast"].failures == 0 and len(result.kinds["fast"].latencies) == 10
    stalled = result.kinds["stall"]
    assert stalled.failures == 10 and stalled.problems == [UNFINISHED]
    assert all(latency > 0 for latency in stalled.latencies)  # the time each had waited
