"""A federated gateway for tests: the demo province's simulators over real HTTP, synced
once into the index, and the GraphQL app running with their connectors."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from typing import Any

import aiohttp
import httpx2 as httpx
import pytest
from starlette.applications import Starlette

from connectors.config import DEMO_CONFIG, load_config
from connectors.http import Policy
from connectors.protocol import Connector
from connectors.sandbox import Simulator
from gateway.domain.sources import ConfiguredSources, open_sources
from gateway.edge.state import AppState, with_app_state
from gateway.settings import FederationSettings
from gateway.sync.engine import SyncEngine
from gateway.sync.topology import Topology

CONFIG = load_config(DEMO_CONFIG)
REST, WA, LEGACY = "16.01-ogan-komering-ulu", "16.05-musi-rawas", "16.09-ogan-komering-ulu-selatan"
# Short deadlines: a test waits for a hanging source at most this long.
DEADLINES = FederationSettings(read_deadline=0.6, fanout_deadline=1.0, write_deadline=1.0)


@dataclass
class Federated:
    """The app, its simulators and connectors, and the engine that syncs them."""

    client: httpx.AsyncClient
    engine: SyncEngine
    sims: dict[str, Simulator]
    urls: dict[str, str]
    connectors: dict[str, Connector]
    http: aiohttp.ClientSession

    async def gql(self, query: str, variables: dict[str, Any] | None = None, *, token: str) -> dict[str, Any]:
        response = await self.client.post(
            "/graphql",
            json={"query": query, "variables": variables or {}},
            headers={"authorization": f"Bearer {token}"},
        )
        assert response.status_code == 200, response.text
        return response.json()  # type: ignore[no-any-return]

    def calls(self, system: str, method: str = "GET") -> int:
        """Requests a simulator received (the upstream calls the gateway made)."""
        return sum(1 for e in self.sims[system].received.entries if e.method == method)


@pytest.fixture
async def federated(database_url: str, make_app: Callable[..., Starlette]) -> AsyncIterator[Federated]:
    policy = Policy(attempts=1, total_timeout=2.0, open_seconds=60.0)
    async with aiohttp.ClientSession() as http, open_sources(CONFIG, http, sandbox=True, policy=policy) as opened:
        engine = SyncEngine(opened.connectors, Topology.of(CONFIG))
        await engine.pull_all()
        await engine.drain()
        for sim in opened.simulators.values():
            sim.received.clear()
        app = make_app(sources_file=DEMO_CONFIG, federation=DEADLINES)
        sources = ConfiguredSources(CONFIG, opened.connectors, opened.sandbox_urls)
        transport = httpx.ASGITransport(
            app=with_app_state(app, AppState(sources=sources, topology=Topology.of(CONFIG)))
        )
        async with httpx.AsyncClient(transport=transport, base_url="http://gateway.test") as client:
            yield Federated(client, engine, opened.simulators, opened.sandbox_urls, opened.connectors, http)
