"""A loopback proxy in front of a simulator that holds chosen answers until released: the
request reaches the system (it takes the write), its answer waits. Tests put a pull or
another change in that gap, as a slow system of record does under load."""

from __future__ import annotations

import asyncio
import contextlib
import re
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

import aiohttp
from aiohttp import web

from tests.servers import free_port

_HOP_BY_HOP = {"content-length", "transfer-encoding", "connection", "content-encoding", "host"}


@dataclass
class Gate:
    """Forwards everything to `target`; answers of requests matching `held` (method and a
    path pattern, a body pattern) wait for `release()` once they came back from the system."""

    target: str
    held: tuple[str, re.Pattern[str], re.Pattern[bytes]] | None = None
    arrived: asyncio.Event = field(default_factory=asyncio.Event)
    _open: asyncio.Event = field(default_factory=asyncio.Event)
    url: str = ""

    def hold(self, method: str, path: str, body: bytes = b"") -> None:
        """Hold the answers of `method` requests to a path matching `path` (and whose
        body matches `body`) from now on."""
        self.held = (method, re.compile(path), re.compile(body))
        self.arrived.clear()
        self._open.clear()

    def release(self) -> None:
        self._open.set()

    async def _forward(self, request: web.Request) -> web.Response:
        body = await request.read()
        headers = {k: v for k, v in request.headers.items() if k.lower() not in _HOP_BY_HOP}
        async with (
            aiohttp.ClientSession() as http,
            http.request(request.method, self.target + request.path_qs, data=body, headers=headers) as answer,
        ):
            payload = await answer.read()
            out = {k: v for k, v in answer.headers.items() if k.lower() not in _HOP_BY_HOP}
            status = answer.status
        if (
            self.held
            and request.method == self.held[0]
            and self.held[1].search(request.path)
            and self.held[2].search(body)
        ):
            self.arrived.set()  # the system has it now; its answer waits
            await self._open.wait()
        return web.Response(body=payload, status=status, headers=out)


@contextlib.asynccontextmanager
async def gate(target: str) -> AsyncIterator[Gate]:
    """A gate on a free loopback port in front of `target` (a base URL)."""
    g = Gate(target.rstrip("/"))
    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", g._forward)
    runner = web.AppRunner(app)
    await runner.setup()
    port = free_port()
    site = web.TCPSite(runner, "127.0.0.1", port)
    await site.start()
    g.url = f"http://127.0.0.1:{port}"
    try:
        yield g
    finally:
        g.release()
        await runner.cleanup()
