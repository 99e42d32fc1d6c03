"""The demo's seed and its sandbox agree: a first worker round leaves no dead letters,
and live reads of the seeded complaints are not stale.

Issue 18: the seed linked about 70% of its complaints to LAPOR! numbers the sandbox's
national simulator never held; the worker's first auto-close sent their new status there
(dead letters: "laporan not found"), and every live read of one answered stale.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.conftest import ScratchDatabases

COMPLAINTS = 600

# In a child process: `prepare_demo` and the store open Tortoise for the database under
# test, which this test process already has open for the session's own database.
ROUND = """
import asyncio, json, sys
from datetime import UTC, datetime

from connectors.config import DEMO_CONFIG, load_config
from gateway.demo.run import prepare_demo
from gateway.federation.live_read import LiveReader
from gateway.domain.lifecycle import Lifecycle
from gateway.settings import GatewaySettings
from gateway.domain.sources import open_sources, upstream_session
from gateway.store.database import store
from gateway.store.models import ComplaintRow, OutboxRow
from gateway.store.rows import complaint_from_row
from gateway.sync.engine import SyncEngine
from gateway.sync.topology import load_topology
from gateway.worker.jobs import auto_close


async def main(url: str, count: int) -> None:
    settings = GatewaySettings(database_url=url, demo=True)
    await prepare_demo(settings, complaints=count)
    config, topology = load_config(DEMO_CONFIG), load_topology(DEMO_CONFIG)
    async with store(url), upstream_session() as http, open_sources(config, http, sandbox=True) as opened:
        seeded = [complaint_from_row(r) for r in await ComplaintRow.all()]
        engine = SyncEngine(opened.connectors, topology, settings.deadlines, settings.sync)
        lifecycle = Lifecycle(settings.deadlines, topology=topology)
        closed = 0
        # The worker's work, twice: the second round delivers what the first one's
        # auto-close queued.
        for _ in range(2):
            closed += await auto_close(lifecycle, now=datetime.now(UTC))
            await engine.pull_all()
            await engine.drain()
        dead = await OutboxRow.filter(state="dead").values_list("destination", "kind", "last_error")
        reads = await LiveReader(opened.connectors, topology, deadline=5.0).read(seeded)
    print(json.dumps({
        "seeded": len(seeded),
        "closed": closed,
        "dead": [list(d) for d in dead][:5],
        "dead_count": len(dead),
        "stale": [c.tracking_id for c, f in reads if f.stale],
    }))


asyncio.run(main(sys.argv[1], int(sys.argv[2])))
"""


@pytest.mark.slow
async def test_first_worker_round_on_the_demo_leaves_no_dead_letters_and_no_stale_reads(
    scratch_databases: ScratchDatabases,
) -> None:
    url = await scratch_databases.new()
    done = subprocess.run(
        [sys.executable, "-c", ROUND, url, str(COMPLAINTS)], capture_output=True, text=True, timeout=600, check=False
    )
    assert done.returncode == 0, done.stderr[-3000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["seeded"] == COMPLAINTS
    # The round had something to send: seeded complaints past their reply window.
    assert result["closed"] > 0
    assert result["dead_count"] == 0, result["dead"]
    assert result["stale"] == []
