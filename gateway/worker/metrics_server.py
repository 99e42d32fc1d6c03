"""The worker's own `/metrics`: most upstream calls are the sync worker's, and a gateway's
`/metrics` sees only its own process. Served on PENGHUBUNG_WORKER_METRICS (host:port) by
a small aiohttp server beside the jobs, with the same registry, token rule and
scrape-time gauges as the gateway's (gateway.telemetry)."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from typing import Any

from aiohttp import web
from prometheus_client.exposition import CONTENT_TYPE_LATEST

from gateway.settings import SettingsError
from gateway.telemetry import observe_upstream, scrape, token_problem

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
        try:
            await site.start()
        except OSError as exc:  # in use, not this machine's address, an unknown name
            reason = exc.strerror or str(exc) or type(exc).__name__
            raise SettingsError(
                f"PENGHUBUNG_WORKER_METRICS: cannot serve metrics on {_shown(host, port)} ({reason}); "
                "expected a free port on an address of this machine"
            ) from None
        bound = int(runner.addresses[0][1])
        log.info(
            "worker metrics at http://%s/metrics (%s)",
            _shown(host, bound),
            "behind PENGHUBUNG_METRICS_TOKEN" if token else "open: no PENGHUBUNG_METRICS_TOKEN",
        )
        yield bound
    finally:
        await runner.cleanup()


def _shown(host: str, port: int) -> str:
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
