"""Admission control end to end (issue #18): a gateway on loopback with one slot and a line
of one, its slot held by a live read of a regency system that hangs. The excess is answered
503 OVERLOADED with Retry-After while the held read is still out, health, readiness and
metrics answer meanwhile, a new WebSocket is refused, and once the system answers again
everything is served.

Real parts: uvicorn on a loopback port, the demo province's simulators over HTTP (one of
them hanging until the test releases it), the test database, real tokens.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass

import aiohttp
import httpx2 as httpx
import pytest
import websockets
from starlette.applications import Starlette

from connectors.config import DEMO_CONFIG
from connectors.http import Policy
from connectors.sandbox import Simulator
from gateway.domain.sources import ConfiguredSources, open_sources
from gateway.edge.state import AppState, with_app_state
from gateway.settings import AdmissionSettings, FederationSettings
from gateway.store.models import ComplaintSourceRow
from gateway.sync.engine import SyncEngine
from gateway.sync.topology import Topology
from tests.conftest import Tokens
from tests.federation.conftest import CONFIG, REST
from tests.loopback import serving

# One request at a time, one waiting; a waiting request may wait as long as the test needs.
ONE_SLOT = AdmissionSettings(concurrency=1, queue=1, max_wait=60.0)
# The held read ends when the test releases the system, long before these.
LONG = FederationSettings(read_deadline=60.0, fanout_deadline=60.0, write_deadline=60.0)
LIVE_READ = "query($id: ID!) { complaint(id: $id, live: true) { id status live stale } }"
CHEAP = "{ publicComplaints(first: 1) { totalCount } }"


@dataclass
class Loopback:
    """The gateway on a loopback port, and the simulators behind it."""

    port: int
    sims: dict[str, Simulator]

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def reads_received(self, system: str) -> int:
        return sum(1 for e in self.sims[system].received.entries if e.method == "GET")


async def gateway_on_loopback(
    make_app: Callable[..., Starlette], admission: AdmissionSettings
) -> AsyncIterator[Loopback]:
    policy = Policy(attempts=1, total_timeout=60.0, open_seconds=60.0)
    async with aiohttp.ClientSession() as http, open_sources(CONFIG, http, sandbox=True, policy=policy) as opened:
        engine = SyncEngine(opened.connectors, Topology.of(CONFIG))
        await engine.pull_all()
        for sim in opened.simulators.values():
            sim.received.clear()
        app = make_app(sources_file=DEMO_CONFIG, federation=LONG, admission=admission)
        sources = ConfiguredSources(CONFIG, opened.connectors, opened.sandbox_urls)
        async with serving(with_app_state(app, AppState(sources=sources, topology=Topology.of(CONFIG)))) as port:
            try:
                yield Loopback(port, opened.simulators)
            finally:
                for sim in opened.simulators.values():
                    sim.faults.clear()  # wake anything still hanging


@pytest.fixture
async def one_slot(make_app: Callable[..., Starlette]) -> AsyncIterator[Loopback]:
    async for gateway in gateway_on_loopback(make_app, ONE_SLOT):
        yield gateway


async def _post(
    c: httpx.AsyncClient, query: str, variables: dict[str, object] | None = None, token: str | None = None
) -> httpx.Response:
    headers = {"authorization": f"Bearer {token}"} if token else {}
    return await c.post("/graphql", json={"query": query, "variables": variables or {}}, headers=headers)


async def _until(condition: Callable[[], object], what: str) -> None:
    for _ in range(400):
        if condition():
            return
        await asyncio.sleep(0.025)
    raise AssertionError(f"never happened: {what}")


def _gauge(metrics: str, name: str) -> float:
    found = re.search(rf"^{name} (\S+)$", metrics, re.MULTILINE)
    assert found is not None, f"{name} not in /metrics"
    return float(found.group(1))


@pytest.mark.slow
async def test_a_saturated_gateway_refuses_the_excess_at_once_and_serves_again(
    one_slot: Loopback, tokens: Tokens
) -> None:
    link = await ComplaintSourceRow.filter(system=REST).order_by("id").first()
    assert link is not None
    limits = httpx.Limits(max_connections=20, max_keepalive_connections=20)
    async with httpx.AsyncClient(base_url=one_slot.url, timeout=90, limits=limits) as c:
        assert (await _post(c, CHEAP)).status_code == 200  # a slot is free: served

        one_slot.sims[REST].faults.set(timeout=True)
        held = asyncio.create_task(_post(c, LIVE_READ, {"id": str(link.complaint_id)}, tokens.national_admin))  # type: ignore[attr-defined]
        await _until(lambda: one_slot.reads_received(REST) == 1, "the live read reached the hanging system")
        # Six more while the slot is held: one takes the place in line, five are refused.
        burst = [asyncio.create_task(_post(c, CHEAP)) for _ in range(6)]
        done, pending = await asyncio.wait(burst, timeout=30, return_when=asyncio.FIRST_COMPLETED)
        while len(done) < 5 and pending:
            more, pending = await asyncio.wait(pending, timeout=30, return_when=asyncio.FIRST_COMPLETED)
            assert more, "the excess was not answered while the slot was held"
            done |= more
        assert not held.done()  # answered while the slot was still held
        excess = [t.result() for t in done]
        assert len(excess) == 5 and len(pending) == 1
        (waiting,) = pending
        for answer in excess:
            assert answer.status_code == 503
            assert int(answer.headers["retry-after"]) >= 1
            error = answer.json()["errors"][0]
            assert error["extensions"]["code"] == "OVERLOADED"
            assert error["extensions"]["retryAfter"] == int(answer.headers["retry-after"])
            assert answer.headers["x-request-id"]  # the outer middlewares still run

        # Monitoring goes around the gate.
        assert (await c.get("/healthz")).status_code == 200
        assert (await c.get("/readyz")).status_code == 200
        metrics = (await c.get("/metrics")).text
        assert _gauge(metrics, "penghubung_admission_in_flight") == 1
        assert _gauge(metrics, "penghubung_admission_queued") == 1
        assert 'penghubung_admission_shed_total{reason="queue_full"}' in metrics
        assert 'penghubung_requests_refused_total{code="OVERLOADED"}' in metrics

        # A new socket would hold a subscription's work for minutes: refused while saturated.
        with pytest.raises(websockets.exceptions.InvalidStatus) as refused:
            async with websockets.connect(
                f"ws://127.0.0.1:{one_slot.port}/graphql", subprotocols=["graphql-transport-ws"]
            ):
                pass
        assert refused.value.response.status_code == 503
        assert not held.done()

        one_slot.sims[REST].faults.set(timeout=False)  # the system answers again
        first, second = await asyncio.wait_for(asyncio.gather(held, waiting), 30)
        assert first.status_code == 200 and first.json()["data"]["complaint"]["id"] == str(link.complaint_id)  # type: ignore[attr-defined]
        assert second.status_code == 200 and second.json()["data"]["publicComplaints"]["totalCount"] >= 1

        after = [await _post(c, CHEAP) for _ in range(5)]
        assert [a.status_code for a in after] == [200] * 5
        async with websockets.connect(
            f"ws://127.0.0.1:{one_slot.port}/graphql", subprotocols=["graphql-transport-ws"]
        ) as socket_:
            assert socket_.subprotocol == "graphql-transport-ws"
