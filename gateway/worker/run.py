"""`penghubung worker`'s run loop: the process's resources, then its jobs side by side.

- Sync (with a sources file, PENGHUBUNG_SOURCES): pull every source and deliver the
  outbox, continuously. Several workers may run on PostgreSQL; on SQLite, one.
- Housekeeping (gateway.worker.housekeeping): auto-close after the reply window
  (gateway.worker.jobs), end abandoned idempotency reservations, forget old receipts.
- Metrics: its own /metrics on PENGHUBUNG_WORKER_METRICS (host:port), when set
  (gateway.worker.metrics_server).
- Memory: freed heap given back to the system once a minute (gateway.memory_trim).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Coroutine
from typing import Any

from gateway.memory_trim import trim_memory_periodically
from gateway.services import StoreUse, build_domain, build_services
from gateway.settings import GatewaySettings
from gateway.sync.topology import load_topology
from gateway.telemetry import record_delivery
from gateway.worker.housekeeping import housekeeping_loop
from gateway.worker.metrics_server import serving_metrics

log = logging.getLogger(__name__)


async def run_worker(
    settings: GatewaySettings, *, once: bool, interval: float, stop: asyncio.Event | None = None
) -> None:
    """Run the jobs: sync continuously; every `interval` seconds (or each once) auto-close,
    end abandoned idempotency reservations and forget old idempotency receipts."""
    stop = stop or asyncio.Event()
    domain = build_domain(settings, load_topology(settings.sources_file))
    async with (
        contextlib.AsyncExitStack() as stack,
        build_services(settings, domain=domain, store=StoreUse.OPENED, announce=True) as services,
    ):
        if settings.redis_url is None:
            log.warning(
                "no PENGHUBUNG_REDIS_URL: what this worker changes is not announced to the gateways' "
                "subscribers (set it when the gateway runs in another process)"
            )
        on_delivery = None
        if settings.worker_metrics is not None and once:
            log.warning("PENGHUBUNG_WORKER_METRICS is not served with --once (a single round ends at once)")
        if settings.worker_metrics is not None and not once:
            await stack.enter_async_context(
                serving_metrics(
                    settings.worker_metrics,
                    connectors=services.connectors if services.sources is not None else None,
                    topology=services.topology,
                    token=settings.metrics_token,
                )
            )
            on_delivery = record_delivery
        jobs: list[Coroutine[Any, Any, object]] = [
            housekeeping_loop(
                domain.lifecycle,
                domain.broker,
                auto_closing=settings.auto_close,
                once=once,
                interval=interval,
                stop=stop,
            )
        ]
        engine = services.sync_engine(on_delivery=on_delivery)
        if engine is not None:
            if once:
                await engine.pull_all()
                handled = await engine.drain()
                log.info("sync: one round, %d deliveries handled", handled)
            else:
                jobs.append(engine.run(stop=stop))
        if not once:
            jobs.append(trim_memory_periodically(stop))
        await asyncio.gather(*jobs)
