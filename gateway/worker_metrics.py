"""The worker's own `/metrics`: most upstream calls are the sync worker's, and a gateway's
`/metrics` sees only its own process. Served on PENGHUBUNG_WORKER_METRICS (host:port) by
a small aiohttp server beside the jobs, with the same registry, token rule and
scrape-time gauges as the gateway's (gateway.metrics)."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from typing import Any

from aiohttp import web
from prometheus_client.exposition import CONTENT_TYPE_LATEST

from gateway.metrics import observe_upstream, scrape, token_problem

log = logging.getLogger(__name__)


@asynccontextmanager
async def serving_metrics(
    address: tuple[str, int], *, connectors: Mapping[str, Any] | None, topology: Any, token: str | None
) -> AsyncIterator[int]:
    """Serve `GET /metrics` on `address` until the block ends; yields the port (a port of 0
    picks a free one)."""
    observe_upstream()

    async def metrics(request: web.Request) -> web.Response:
        problem = token_problem(request.headers.get("Authorization"), token)
        if problem is not None:
            return web.Response(status=401, text=problem + "\n", headers={"WWW-Authenticate": "Bearer"})
        body = await scrape(connectors, topology)
        return web.Response(body=body, headers={"Content-Type": CONTENT_TYPE_LATEST})

    app = web.Application()
    app.router.add_get("/metrics", metrics)
    runner = web.AppRunner(app, access_log=None)  # scrapes every few seconds are not news
    await runner.setup()
    host, port = address
    try:
        site = web.TCPSite(runner, host, port)
        await site.start()
        bound = int(runner.addresses[0][1])
        log.info("worker metrics at http://%s:%d/metrics", host, bound)
        yield bound
    finally:
        await runner.cleanup()
