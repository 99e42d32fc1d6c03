"""The worker keeps delivering to healthy destinations while one hangs (issue #18,
"bulkheads per source"): pulls and deliveries run side by side, each source pulled on its
own, and at most `deliveries_per_destination` deliveries wait on the hanging system, even
when its backlog is older (first in line) and larger than a whole batch."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import UTC, datetime, timedelta

from gateway.settings import SyncSettings
from gateway.store.models import ComplaintSourceRow, OutboxRow
from gateway.sync import outbox
from gateway.sync.engine import SyncEngine
from tests.sync.conftest import TOPOLOGY, Province

HANGING, HEALTHY = "16.05-musi-rawas", "16.01-ogan-komering-ulu"


async def _linked(system: str, count: int) -> list[str]:
    ids = (
        await ComplaintSourceRow.filter(system=system)
        .order_by("id")
        .limit(count)
        .values_list("complaint_id", flat=True)
    )
    return [str(i) for i in ids]


async def test_the_worker_delivers_to_healthy_destinations_while_one_hangs(province: Province) -> None:
    await province.engine.pull_all()
    await province.engine.drain()
    now = datetime.now(UTC)
    # The hanging system's backlog is older than the rest and larger than a whole batch.
    for i, cid in enumerate((await _linked(HANGING, 3)) * 20):
        await outbox.enqueue(HANGING, "status", cid, f"status:{cid}:backlog-{i}", now=now - timedelta(minutes=5))
    healthy = await _linked(HEALTHY, 3)
    for cid in healthy:
        await outbox.enqueue(HEALTHY, "status", cid, f"status:{cid}:check", now=now)
    settings = replace(SyncSettings(), pull_every=1.0)
    engine = SyncEngine(province.engine.connectors, TOPOLOGY, settings=settings, owner="bulkhead-test")
    province.sims[HANGING].faults.set(timeout=True)

    stop = asyncio.Event()
    running = asyncio.create_task(engine.run(stop=stop, idle_sleep=0.05))
    try:
        done: list[int] = []

        async def healthy_done() -> int:
            return await OutboxRow.filter(destination=HEALTHY, dedupe_key__endswith=":check", state="done").count()

        async def watch() -> None:
            while True:
                done.append(await healthy_done())
                if done[-1] == len(healthy):
                    return
                await asyncio.sleep(0.1)

        await asyncio.wait_for(watch(), timeout=60)
        assert not running.done()
        # The hanging system holds at most its own few deliveries, and none got through.
        waiting_on_it = await OutboxRow.filter(destination=HANGING, leased_until__gt=datetime.now(UTC)).count()
        assert waiting_on_it <= settings.deliveries_per_destination
        assert await OutboxRow.filter(destination=HANGING, state="done").count() == 0
    finally:
        province.sims[HANGING].faults.clear()  # wakes its hung requests, so the run ends
        stop.set()
        await asyncio.wait_for(running, timeout=120)
