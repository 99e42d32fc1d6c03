"""The demo province for sync tests: every sandbox system of the demo's sources file served
on loopback, and a sync engine over them."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass

import aiohttp
import pytest

from connectors.config import DEMO_CONFIG, load_config
from connectors.sandbox import Simulator
from gateway.domain.sources import open_sources
from gateway.sync.engine import SyncEngine
from gateway.sync.topology import Topology

CONFIG = load_config(DEMO_CONFIG)
TOPOLOGY = Topology.of(CONFIG)
REGENCY_SOURCES = sorted(TOPOLOGY.regencies.values())
# One system of each dialect the tests lean on.
REST, WA, LEGACY, XML = (
    "16.01-ogan-komering-ulu",
    "16.05-musi-rawas",
    "16.09-ogan-komering-ulu-selatan",
    "16.07-banyuasin",
)


@dataclass
class Province:
    engine: SyncEngine
    sims: dict[str, Simulator]
    urls: dict[str, str]
    http: aiohttp.ClientSession
    connectors: dict[str, object]


async def sync_round(engine: SyncEngine) -> None:
    """One sync round: every source pulled, then every outbox drained."""
    await engine.pull_all()
    await engine.drain()


@pytest.fixture
async def province(database_url: str) -> AsyncIterator[Province]:
    async with aiohttp.ClientSession() as http, open_sources(CONFIG, http, sandbox=True) as opened:
        engine = SyncEngine(opened.connectors, Topology.of(CONFIG))
        yield Province(engine, opened.simulators, opened.sandbox_urls, http, opened.connectors)
