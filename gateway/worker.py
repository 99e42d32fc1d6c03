"""`penghubung worker`: the gateway's background jobs.

- Sync (with a sources file, PENGHUBUNG_SOURCES): pull every source and deliver the
  outbox, continuously. Several workers may run on PostgreSQL; on SQLite, one.
- Auto-close: closing complaints whose reporter's reply window has passed (LAPOR! says
  the reporter "may respond within 10 days"; whether it then closes by itself is not
  confirmed, so the rule is configurable: PENGHUBUNG_AUTO_CLOSE). Each close goes through
  the same lifecycle path as a person's, audited as the worker.
- Receipts: idempotency keys older than a week are forgotten.
- Metrics: its own /metrics on PENGHUBUNG_WORKER_METRICS (host:port), when set.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime


from auth.policy import access_for
from auth.principal import Principal
from auth.roles import Role
from schema.lifecycle import Action, ActionRequest, IllegalTransition
from schema.canonical import Status

from gateway.lifecycle import Lifecycle
from gateway.memory_trim import trim_memory_periodically
from gateway.metrics import record_delivery
from gateway.services import StoreUse, build_domain, build_services
from gateway.sync.topology import load_topology
from gateway.settings import GatewaySettings
from gateway.federation import receipts
from gateway.updates.broker import LocalBroker
from gateway.updates.notify import announce_changed
from gateway.worker_metrics import serving_metrics
from gateway.store.models import ComplaintRow

log = logging.getLogger(__name__)

# The worker acts as the national system would: on every complaint, and audited by name.
WORKER = Principal(subject="penghubung-worker", roles=frozenset({Role.NATIONAL_ADMIN}))
AUTO_CLOSE_NOTE = "closed automatically: the reporter's reply window has passed"
BATCH = 200


async def auto_close(
    lifecycle: Lifecycle, *, now: datetime, closed_one: Callable[[str], Awaitable[None]] | None = None
) -> int:
    """Close every complaint waiting for a reply whose window ended before `now`
    (`closed_one(id)` is told of each, after it committed)."""
    access = access_for(WORKER)
    closed = 0
    while True:
        due = await ComplaintRow.filter(
            status=Status.MENUNGGU_TANGGAPAN, reply_due__lt=now
        ).order_by("reply_due").limit(BATCH).values_list("id", flat=True)
        if not due:
            return closed
        for complaint_id in due:
            try:
                await lifecycle.apply(
                    str(complaint_id),
                    ActionRequest(Action.CLOSE, note=AUTO_CLOSE_NOTE),
                    principal=WORKER,
                    access=access,
                    now=now,
                    request_id="worker",
                )
                closed += 1
                if closed_one is not None:
                    await closed_one(str(complaint_id))
            except IllegalTransition:
                # Someone replied or closed it meanwhile: nothing to do.
                continue


async def _housekeeping_loop(
    lifecycle: Lifecycle, broker: LocalBroker, *, auto_closing: bool, once: bool, interval: float, stop: asyncio.Event
) -> None:
    async def closed_one(complaint_id: str) -> None:
        await announce_changed(broker, [complaint_id], "status")

    while not stop.is_set():
        now = datetime.now(UTC)
        if auto_closing:
            count = await auto_close(lifecycle, now=now, closed_one=closed_one)
            if count:
                log.info("auto-closed %d complaints after their reply window", count)
        dropped, lapsed = await receipts.sweep(now=now)
        if dropped or lapsed:
            # Their holders failed or died: a submission's key is free again, an action's
            # is taken over by its repeat after a look at the system of record.
            log.info("ended %d abandoned idempotency reservations (%d freed, %d lapsed)", dropped + lapsed, dropped, lapsed)
        forgotten = await receipts.purge(now=now)
        if forgotten:
            log.info("forgot %d idempotency receipts older than %s", forgotten, receipts.KEEP)
        if once:
            return
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=interval)


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
                    settings.worker_metrics, connectors=services.connectors if services.sources is not None else None,
                    topology=services.topology, token=settings.metrics_token,
                )
            )
            on_delivery = record_delivery
        jobs = [
            _housekeeping_loop(
                domain.lifecycle, domain.broker, auto_closing=settings.auto_close, once=once, interval=interval, stop=stop
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
