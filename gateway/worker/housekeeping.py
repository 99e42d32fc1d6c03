"""The worker's periodic round: auto-close, then end abandoned idempotency reservations and
forget old receipts; every `interval` seconds until stopped (or once)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from datetime import UTC, datetime

from gateway.domain.lifecycle import Lifecycle
from gateway.federation import receipts
from gateway.updates.broker import LocalBroker
from gateway.updates.notify import announce_changed
from gateway.worker.jobs import auto_close

log = logging.getLogger(__name__)


async def housekeeping_loop(
    lifecycle: Lifecycle, broker: LocalBroker, *, auto_closing: bool, once: bool, interval: float, stop: asyncio.Event
) -> None:
    """Run the round until `stop` (or once), announcing each auto-closed complaint."""

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
            log.info(
                "ended %d abandoned idempotency reservations (%d freed, %d lapsed)", dropped + lapsed, dropped, lapsed
            )
        forgotten = await receipts.purge(now=now)
        if forgotten:
            log.info("forgot %d idempotency receipts older than %s", forgotten, receipts.KEEP)
        if once:
            return
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=interval)
