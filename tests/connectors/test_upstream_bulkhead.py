"""Each source's bulkhead in the upstream client: against a real loopback server that
accepts connections and never answers, at most `max_connections` calls reach it and
`max_queued` wait; the rest fail at once with SOURCE_BUSY (nothing sent), while a healthy
source beside it answers every call; and a hanging source opens its circuit even when its
callers give up sooner than the connect deadline."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

import aiohttp
import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer

from connectors.errors import CircuitOpen, SourceBusy
from connectors.http import Policy, UpstreamClient


class Silent:
    """A TCP server that accepts every connection, reads the request, and never answers."""

    def __init__(self) -> None:
        self.accepted = 0
        self._held: list[asyncio.StreamWriter] = []
        self.server: asyncio.Server | None = None

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.accepted += 1
        self._held.append(writer)
        with contextlib.suppress(Exception):
            await reader.read()  # until the client goes away

    @property
    def url(self) -> str:
        assert self.server is not None
        port = self.server.sockets[0].getsockname()[1]
        return f"http://127.0.0.1:{port}/complaints/1"


@pytest.fixture
async def silent() -> AsyncIterator[Silent]:
    s = Silent()
    s.server = await asyncio.start_server(s._handle, "127.0.0.1", 0)
    try:
        yield s
    finally:
        for w in s._held:
            w.close()
        s.server.close()
        await s.server.wait_closed()


@pytest.fixture
async def healthy() -> AsyncIterator[str]:
    async def ok(request: web.Request) -> web.Response:
        return web.json_response({"ok": True})

    app = web.Application()
    app.router.add_get("/complaints/1", ok)
    server = TestServer(app, host="127.0.0.1")
    await server.start_server()
    try:
        yield str(server.make_url("/complaints/1"))
    finally:
        await server.close()


async def _until(condition: object, *, limit: float = 10.0) -> None:
    """Wait until `condition()` holds (a behaviour, polled; the limit only ends a broken run)."""
    loop = asyncio.get_running_loop()
    end = loop.time() + limit
    while not condition():  # type: ignore[operator]
        assert loop.time() < end, "condition never held"
        await asyncio.sleep(0.02)


async def test_a_hanging_source_takes_its_own_connections_only_and_then_fails_fast(
    silent: Silent, healthy: str
) -> None:
    policy = Policy(total_timeout=60, connect_timeout=5, attempts=1, max_connections=2, max_queued=3, queue_timeout=60)
    async with aiohttp.ClientSession() as http:
        hanging = UpstreamClient("16.05-hanging", http, policy)
        fine = UpstreamClient("16.01-fine", http, Policy(total_timeout=60, attempts=1))
        stuck = [asyncio.create_task(hanging.request("GET", silent.url)) for _ in range(5)]
        try:
            await _until(lambda: hanging.in_flight == 2 and hanging.waiting == 3)
            # Past its queue: refused at once, with a code, nothing sent, the circuit untouched.
            for _ in range(4):
                with pytest.raises(SourceBusy) as refused:
                    await asyncio.wait_for(hanging.request("GET", silent.url), timeout=10)
                assert refused.value.code == "SOURCE_BUSY" and refused.value.in_doubt is False
            assert silent.accepted == 2
            assert hanging.breaker.state == "closed"
            # A write is refused the same way (the write-through queues it in the outbox).
            with pytest.raises(SourceBusy):
                await asyncio.wait_for(hanging.request("POST", silent.url, json={}), timeout=10)
            # The healthy source beside it answers every call.
            answers = await asyncio.wait_for(
                asyncio.gather(*(fine.request("GET", healthy) for _ in range(10))), timeout=10
            )
            assert [a.status for a in answers] == [200] * 10
            assert all(not t.done() for t in stuck)  # the hanging calls are still waiting on it
        finally:
            for t in stuck:
                t.cancel()
            await asyncio.gather(*stuck, return_exceptions=True)
        assert (hanging.in_flight, hanging.waiting) == (0, 0)  # every slot given back


async def test_a_call_that_waits_too_long_for_a_connection_is_busy_and_never_sent(silent: Silent) -> None:
    policy = Policy(total_timeout=60, connect_timeout=5, attempts=3, max_connections=1, max_queued=5, queue_timeout=0.2)
    async with aiohttp.ClientSession() as http:
        hanging = UpstreamClient("16.05-hanging", http, policy)
        first = asyncio.create_task(hanging.request("GET", silent.url))
        try:
            await _until(lambda: hanging.in_flight == 1)
            with pytest.raises(SourceBusy, match="no free connection"):
                await asyncio.wait_for(hanging.request("GET", silent.url), timeout=10)
            assert silent.accepted == 1  # and not retried: a retry would only queue again
        finally:
            first.cancel()
            await asyncio.gather(first, return_exceptions=True)


async def test_a_hanging_source_opens_its_circuit_when_every_caller_gives_up_before_the_connect_deadline(
    silent: Silent,
) -> None:
    # A live read's deadline (2 s by default) is no longer than the connect deadline: reads
    # cut off by it must still count against the source, or its circuit never opens and
    # every read keeps paying the whole deadline.
    policy = Policy(connect_timeout=5, total_timeout=60, attempts=1, failure_threshold=2, slow_call_seconds=0.2)
    async with aiohttp.ClientSession() as http:
        hanging = UpstreamClient("16.05-hanging", http, policy)
        for _ in range(2):
            with pytest.raises(TimeoutError):
                async with asyncio.timeout(0.5):
                    await hanging.request("GET", silent.url)
        reached = silent.accepted
        with pytest.raises(CircuitOpen):
            await hanging.request("GET", silent.url)
        assert silent.accepted == reached  # not called while open
