"""A light nation: one `rest_json_v1` simulator per kab/kota of Indonesia (514), all served
by one loopback server under a path per kode wilayah, with connectors for them.

For fan-out tests and benchmarks: each simulator is the real `rest_json_v1` one (its
format, paging and faults), seeded with a few records, mounted at `/<kode>/`; one server
keeps 514 sources to one port and a few megabytes.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, replace

import aiohttp
from aiohttp import web

from connectors.dialects import MAPPINGS_DIR
from connectors.http import Policy, UpstreamClient
from connectors.loader import build_source
from connectors.protocol import Connector
from connectors.sandbox.rest_json_v1 import DEFAULT_TOKEN, RestJsonV1
from connectors.spec import load_spec
from schema.regions import provinces_and_regencies

# Fan-out reads are not retried within their deadline.
ONE_TRY = Policy(attempts=1)


def regency_codes() -> list[str]:
    """Every kab/kota's kode wilayah (514 of them)."""
    return [r.code for r in provinces_and_regencies() if len(r.code) == 5]


def source_name(code: str) -> str:
    """The source name a light simulator's connector goes by."""
    return f"{code}-light"


@dataclass
class Nation:
    """The simulators, their connectors, and which kode wilayah each source serves."""

    simulators: dict[str, RestJsonV1]  # by source name
    connectors: dict[str, Connector]  # by source name
    regencies: dict[str, str]  # kode wilayah -> source name
    url: str


@asynccontextmanager
async def serve_simulators(
    codes: Sequence[str], *, seed_count: int = 3, latency_ms: int = 0
) -> AsyncIterator[tuple[str, dict[str, RestJsonV1]]]:
    """One loopback server with a simulator per kode wilayah at `/<kode>/`; its URL and
    the simulators by source name."""
    root = web.Application()
    sims: dict[str, RestJsonV1] = {}
    for i, code in enumerate(codes):
        sim = RestJsonV1(kode_wilayah=code, seed_count=seed_count, seed=i)
        sim.faults.set(latency_ms=latency_ms)
        root.add_subapp(f"/{code}/", sim.app())
        sims[source_name(code)] = sim
    runner = web.AppRunner(root, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]  # a started site has its server
    try:
        yield f"http://127.0.0.1:{port}", sims
    finally:
        for sim in sims.values():
            sim.faults.release_hung()
        await runner.cleanup()


def nation_connectors(
    http: aiohttp.ClientSession, url: str, codes: Sequence[str], *, policy: Policy = ONE_TRY
) -> dict[str, Connector]:
    """A `rest_json_v1` connector per kode wilayah, for simulators served at `url/<kode>`."""
    spec = load_spec((MAPPINGS_DIR / "rest_json_v1.toml").read_text(encoding="utf-8"))
    return {
        source_name(code): build_source(
            replace(spec, name=source_name(code), kode_wilayah=code),
            UpstreamClient(source_name(code), http, policy),
            f"{url}/{code}",
            secret=DEFAULT_TOKEN,
        )
        for code in codes
    }


@asynccontextmanager
async def serve_nation(
    http: aiohttp.ClientSession,
    *,
    codes: Sequence[str] | None = None,
    seed_count: int = 3,
    policy: Policy = ONE_TRY,
) -> AsyncIterator[Nation]:
    """Serve a simulator per kode wilayah (every kab/kota by default) on 127.0.0.1, with
    connectors for them."""
    chosen = list(codes) if codes is not None else regency_codes()
    async with serve_simulators(chosen, seed_count=seed_count) as (url, sims):
        connectors = nation_connectors(http, url, chosen, policy=policy)
        yield Nation(sims, connectors, {code: source_name(code) for code in chosen}, url)
