"""Fixtures: all five simulators on free loopback ports for the session, reset before each test."""

from __future__ import annotations

from collections.abc import AsyncIterator

import aiohttp
import pytest

from connectors.sandbox import Simulator, default_simulators, serve_all


@pytest.fixture(scope="session")
async def sandbox() -> AsyncIterator[dict[str, Simulator]]:
    sims = default_simulators()
    async with serve_all(sims):
        yield sims


@pytest.fixture
async def sims(sandbox: dict[str, Simulator]) -> dict[str, Simulator]:
    for sim in sandbox.values():
        sim.reset()
    return sandbox


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=5)) as session:
        yield session
