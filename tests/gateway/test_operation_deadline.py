"""The operation deadline stops an operation: synchronous resolution that never awaits
(a region tree) is answered TIMEOUT instead of running on, and a live read still waiting
for a hanging upstream is answered TIMEOUT with its upstream call cancelled, not left
running after the answer."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass

import aiohttp
import httpx2 as httpx
import pytest
from starlette.applications import Starlette

from connectors.config import DEMO_CONFIG
from connectors.http import Policy
from connectors.sandbox import Simulator
from gateway.domain.sources import ConfiguredSources, open_sources
from gateway.edge.state import AppState, with_app_state
from gateway.settings import FederationSettings, GraphQLLimits
from gateway.store.models import ComplaintSourceRow
from gateway.sync.engine import SyncEngine
from gateway.sync.topology import Topology
from tests.conftest import Tokens
from tests.federation.conftest import CONFIG, REST

# Far below what the region tree takes to build; far above what a single field takes.
DEADLINE = 0.05
TREE = "{ regions { code children { code name children { code name level } } } }"


def _post(client: httpx.AsyncClient, query: str, variables: dict[str, object] | None = None, token: str | None = None):  # type: ignore[no-untyped-def]
    headers = {"authorization": f"Bearer {token}"} if token else {}
    return client.post("/graphql", json={"query": query, "variables": variables or {}}, headers=headers)


async def test_synchronous_resolution_stops_at_the_deadline(
    database_url: str, make_app: Callable[..., Starlette]
) -> None:
    # A budget the tree fits in: what is tested here is the deadline, not the cost limit.
    app = make_app(limits=GraphQLLimits(operation_timeout=DEADLINE, max_cost=10**9))
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://gateway.test") as client:
        body = (await _post(client, TREE)).json()
    assert body["data"] is None, "the tree was built to the end"
    (error,) = body["errors"]
    assert error["extensions"]["code"] == "TIMEOUT"
    assert f"{DEADLINE:g} s" in error["message"]


async def test_a_small_operation_within_the_deadline_is_answered(
    database_url: str, make_app: Callable[..., Starlette]
) -> None:
    app = make_app(limits=GraphQLLimits(operation_timeout=5.0))
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://gateway.test") as client:
        body = (await _post(client, '{ regions(parent: "16") { code name } }')).json()
    assert "errors" not in body and body["data"]["regions"], body


@dataclass
class Hanging:
    client: httpx.AsyncClient
    sims: dict[str, Simulator]


@pytest.fixture
async def hanging(database_url: str, make_app: Callable[..., Starlette]) -> AsyncIterator[Hanging]:
    # A live read may wait 5 s for its owner, the whole operation only 0.3 s.
    policy = Policy(attempts=1, total_timeout=10.0, open_seconds=60.0)
    async with aiohttp.ClientSession() as http, open_sources(CONFIG, http, sandbox=True, policy=policy) as opened:
        engine = SyncEngine(opened.connectors, Topology.of(CONFIG))
        await engine.pull_all()
        app = make_app(
            sources_file=DEMO_CONFIG,
            federation=FederationSettings(read_deadline=5.0, fanout_deadline=5.0, write_deadline=5.0),
            limits=GraphQLLimits(operation_timeout=0.3),
        )
        sources = ConfiguredSources(CONFIG, opened.connectors, opened.sandbox_urls)
        transport = httpx.ASGITransport(
            app=with_app_state(app, AppState(sources=sources, topology=Topology.of(CONFIG)))
        )
        async with httpx.AsyncClient(transport=transport, base_url="http://gateway.test") as client:
            yield Hanging(client, opened.simulators)
            for sim in opened.simulators.values():
                sim.faults.clear()


def _upstream_batches() -> list[asyncio.Task[object]]:
    """DataLoader batches still running (the live read's upstream call runs in one)."""
    return [t for t in asyncio.all_tasks() if not t.done() and t.get_coro().__qualname__ == "dispatch_batch"]  # type: ignore[union-attr]


async def test_a_hanging_upstream_is_let_go_when_the_operation_times_out(hanging: Hanging, tokens: Tokens) -> None:
    link = await ComplaintSourceRow.filter(system=REST).order_by("id").first()
    assert link is not None
    hanging.sims[REST].faults.set(timeout=True)
    read = "query($id: ID!) { complaint(id: $id, live: true) { id status live } }"
    body = (await _post(hanging.client, read, {"id": str(link.complaint_id)}, tokens.national_admin)).json()
    assert body["errors"][0]["extensions"]["code"] == "TIMEOUT", body
    # Whatever still ran for it when the answer went out was cancelled, not left to finish.
    left = _upstream_batches()
    await asyncio.gather(*left, return_exceptions=True)
    assert all(t.cancelled() for t in left), left
