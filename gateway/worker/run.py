"""`penghubung worker`'s run loop: the process's resources, then its jobs side by side.

- Sync (with a sources file, PENGHUBUNG_SOURCES): pull every source and deliver the
  outbox, continuously. Several workers may run on PostgreSQL; on SQLite, one.
- Housekeeping (gateway.worker.housekeeping): auto-close after the reply window
  (gateway.worker.jobs), end abandoned idempotency reservations, forget old receipts.
- Metrics: its own /metrics on PENGHUBUNG_WORKER_METRICS (host:port), when set
  (gateway.worker.metrics_server).
- Memory: freed heap given back to the system once a minute (gateway.worker.memory_trim).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

from gateway.domain.lifecycle import Lifecycle
from gateway.domain.reference import empty_registry_warning
from gateway.domain.sources import running_sources, upstream_session
from gateway.settings import GatewaySettings
from gateway.store.database import store
from gateway.sync.engine import SyncEngine
from gateway.sync.topology import load_topology
from gateway.telemetry import record_delivery
from gateway.updates.broker import make_broker
from gateway.updates.notify import notifier
from gateway.worker.housekeeping import housekeeping_loop
from gateway.worker.memory_trim import trim_memory_periodically
from gateway.worker.metrics_server import serving_metrics

log = logging.getLogger(__name__)


async def run_worker(
    settings: GatewaySettings, *, once: bool, interval: float, stop: asyncio.Event | None = None
) -> None:
    """Run the jobs: sync continuously; every `interval` seconds (or each once) auto-close,
    end abandoned idempotency reservations and forget old idempotency receipts."""
    stop = stop or asyncio.Event()
    topology = load_topology(settings.sources_file)
    lifecycle = Lifecycle(settings.deadlines, topology=topology)
    async with (
        contextlib.AsyncExitStack() as stack,
        store(settings.database_url),
        upstream_session() as http,
        running_sources(settings, http) as sources,
    ):
        if (empty := await empty_registry_warning()) is not None:
            log.warning(empty)
        if settings.redis_url is None:
            log.warning(
                "no PENGHUBUNG_REDIS_URL: what this worker changes is not announced to the gateways' "
                "subscribers (set it when the gateway runs in another process)"
            )
        broker = make_broker(settings.redis_url)
        await broker.start()
        stack.push_async_callback(broker.stop)
        on_delivery = None
        if settings.worker_metrics is not None and once:
            log.warning("PENGHUBUNG_WORKER_METRICS is not served with --once (a single round ends at once)")
        if settings.worker_metrics is not None and not once:
            await stack.enter_async_context(
                serving_metrics(
                    settings.worker_metrics, connectors=sources.connectors if sources is not None else None,
                    topology=topology, token=settings.metrics_token,
                )
            )
            on_delivery = record_delivery
        jobs = [housekeeping_loop(lifecycle, broker, auto_closing=settings.auto_close, once=once, interval=interval, stop=stop)]
        if sources is not None and topology is not None:
            engine = SyncEngine(
                sources.connectors, topology, settings.deadlines, settings.sync, notify=notifier(broker), on_delivery=on_delivery
            )
            if once:
                await engine.pull_all()
                handled = await engine.drain()
                log.info("sync: one round, %d deliveries handled", handled)
            else:
                jobs.append(engine.run(stop=stop))
        if not once:
            jobs.append(trim_memory_periodically(stop))
        await asyncio.gather(*jobs)
