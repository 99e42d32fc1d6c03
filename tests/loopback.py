"""Apps on a free loopback port inside the test's event loop: an ASGI app served by uvicorn,
for tests that need a real socket (trickled or aborted bodies, browsers), and an aiohttp
app served by its own runner (a fake upstream system)."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

import uvicorn
from aiohttp import web
from starlette.types import ASGIApp

from tests.servers import free_port


@contextlib.asynccontextmanager
async def serving(app: ASGIApp, *, lifespan: str = "off") -> AsyncIterator[int]:
    """Serve `app` until the block ends; yields the port. uvicorn's loggers are left to
    propagate (log_config=None) so that caplog sees what it logs."""
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_config=None, lifespan=lifespan))
    task = asyncio.create_task(server.serve())
    for _ in range(200):
        if server.started:
            break
        await asyncio.sleep(0.05)
    assert server.started, "the app did not start on loopback"
    try:
        yield port
    finally:
        server.should_exit = True
        await task


@contextlib.asynccontextmanager
async def serve_app(app: web.Application) -> AsyncIterator[str]:
    """An aiohttp app on a free loopback port; yields its base URL."""
    runner = web.AppRunner(app, handle_signals=False, access_log=None, shutdown_timeout=0.5)
    await runner.setup()
    try:
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        host, port = runner.addresses[0][:2]
        yield f"http://{host}:{port}"
    finally:
        await runner.cleanup()
