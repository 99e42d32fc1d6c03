"""One hanging regency system costs only its own requests (issue #18, "bulkheads per
source"): while it accepts calls and never answers, live reads of the other systems'
complaints and index reads answer normally; its own reads are bounded by its bulkhead
(at most `max_connections` reach it, the rest fail at once with SOURCE_BUSY), and a
write to it is queued in the outbox (PENDING, surely not sent) instead of waiting on it."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import AsyncIterator, Callable

import aiohttp
import httpx2 as httpx
import pytest
from starlette.applications import Starlette

from connectors.config import DEMO_CONFIG
from connectors.http import Policy
from gateway.domain.sources import ConfiguredSources, open_sources
from gateway.edge.state import AppState, with_app_state
from gateway.settings import FederationSettings
from gateway.store.models import ComplaintSourceRow, OutboxRow
from gateway.sync.engine import SyncEngine
from gateway.sync.topology import Topology
from tests.conftest import Tokens
from tests.federation.conftest import CONFIG, REST, Federated
from tests.federation.scenarios import PRABUMULIH, VERIFY, data_of, prabumulih_admin, submitted_at_prabumulih
from tests.waiting import until

# Long enough that the healthy requests and the write below happen while the hanging
# system still holds its calls; nothing waits for it in this test but those calls.
LONG = FederationSettings(read_deadline=8.0, fanout_deadline=8.0, write_deadline=8.0)
# A small bulkhead, so a handful of reads fills it.
BULKHEAD = Policy(
    attempts=1, total_timeout=30.0, open_seconds=60.0, max_connections=2, max_queued=2, queue_timeout=30.0
)


@pytest.fixture
async def bulkheaded(database_url: str, make_app: Callable[..., Starlette]) -> AsyncIterator[Federated]:
    async with aiohttp.ClientSession() as http, open_sources(CONFIG, http, sandbox=True, policy=BULKHEAD) as opened:
        engine = SyncEngine(opened.connectors, Topology.of(CONFIG))
        await engine.pull_all()
        await engine.drain()
        app = make_app(sources_file=DEMO_CONFIG, federation=LONG)
        sources = ConfiguredSources(CONFIG, opened.connectors, opened.sandbox_urls)
        transport = httpx.ASGITransport(
            app=with_app_state(app, AppState(sources=sources, topology=Topology.of(CONFIG)))
        )
        async with httpx.AsyncClient(transport=transport, base_url="http://gateway.test") as client:
            yield Federated(client, engine, opened.simulators, opened.sandbox_urls, opened.connectors, http)


def _reads(ids: list[str]) -> str:
    fields = " ".join(
        f'c{i}: complaint(id: "{cid}") {{ id live stale owner {{ system outcome error }} }}'
        for i, cid in enumerate(ids)
    )
    return f"query {{ {fields} }}"


async def _owned_by(system: str, count: int) -> list[str]:
    ids = (
        await ComplaintSourceRow.filter(system=system)
        .order_by("id")
        .limit(count)
        .values_list("complaint_id", flat=True)
    )
    return [str(i) for i in ids]


async def test_a_hanging_regency_costs_only_its_own_requests(bulkheaded: Federated, tokens: Tokens) -> None:
    fed = bulkheaded
    mine = await submitted_at_prabumulih(fed, tokens)  # a Prabumulih complaint, created there while it answered
    hanging_ids = (await _owned_by(PRABUMULIH, 7)) + [mine]
    assert len(hanging_ids) == 8
    healthy_ids = await _owned_by(REST, 4)  # its own bulkhead's worth: 2 calls and 2 waiting
    fed.sims[PRABUMULIH].faults.set(timeout=True)
    fed.sims[PRABUMULIH].received.clear()
    client = fed.connectors[PRABUMULIH].client  # type: ignore[attr-defined]

    stuck = asyncio.create_task(fed.gql(_reads(hanging_ids), token=tokens.national_admin))
    try:
        await until(lambda: client.in_flight == 2)
        # Meanwhile: reads touching only healthy systems, and the index, answer normally.
        healthy = data_of(await fed.gql(_reads(healthy_ids), token=tokens.national_admin))
        assert [(c["live"], c["stale"], c["owner"]["outcome"]) for c in healthy.values()] == [(True, False, "OK")] * 4
        public = data_of(
            await fed.gql(
                "{ publicComplaints(first: 5) { totalCount edges { node { trackingId } } } }", token=tokens.citizen
            )
        )
        assert public["publicComplaints"]["totalCount"] > 0
        # A write to the hanging system is queued, not waited on: its bulkhead is full,
        # so nothing is sent and nothing is in doubt.
        done = data_of(await fed.gql(VERIFY, {"id": mine}, token=prabumulih_admin(tokens)))["verifyComplaint"]
        assert done["status"] == "TERVERIFIKASI"
        assert done["delivery"]["state"] == "PENDING" and "SOURCE_BUSY" in done["delivery"]["reason"]
        entry = await OutboxRow.get(complaint_id=mine, destination=PRABUMULIH, kind="status", state="pending")
        assert entry.in_doubt is False
    finally:
        answer = data_of(await stuck)
    # The hanging system's own reads: two reached it and two waited for them, until their
    # deadline; the other four failed at once with a code. All are answered from the
    # index, marked stale.
    outcomes = Counter(c["owner"]["outcome"] for c in answer.values())
    assert outcomes == {"TIMEOUT": 4, "SOURCE_BUSY": 4}
    assert all(c["stale"] and not c["live"] for c in answer.values())
    busy = next(c["owner"]["error"] for c in answer.values() if c["owner"]["outcome"] == "SOURCE_BUSY")
    assert "not sent" in busy
    # Two reached it while the others waited; at the shared deadline a waiter may take a
    # slot its holder gave up a moment before being cut off itself, so at most the four that
    # were not refused ever reach it; the four SOURCE_BUSY never do.
    assert 2 <= sum(1 for e in fed.sims[PRABUMULIH].received.entries if e.method == "GET") <= 4
