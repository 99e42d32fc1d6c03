"""Start simulators as aiohttp servers on loopback inside a running event loop."""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from contextlib import AsyncExitStack, asynccontextmanager

from aiohttp import web

from connectors.dialects import DIALECTS
from connectors.sandbox.base import Simulator
from connectors.sandbox.lapor_national import LaporNational

# The national simulator, then one per regency dialect.
SIMULATOR_ORDER = ("lapor_national", *(d.name for d in DIALECTS))


def default_simulators() -> dict[str, Simulator]:
    """One fresh simulator of each kind, with default credentials and seed data, by name."""
    sims: list[Simulator] = [LaporNational(), *(d.simulator_class()() for d in DIALECTS)]
    return {s.name: s for s in sims}


@asynccontextmanager
async def serve(simulator: Simulator, *, host: str = "127.0.0.1", port: int = 0) -> AsyncIterator[str]:
    """Serve one simulator (port 0: a free port); yields its base URL, e.g. http://127.0.0.1:40123."""
    runner = web.AppRunner(simulator.app(), handle_signals=False, access_log=None, shutdown_timeout=0.5)
    await runner.setup()
    try:
        site = web.TCPSite(runner, host, port)
        await site.start()
        bound_host, bound_port = runner.addresses[0][:2]
        simulator.base_url = f"http://{bound_host}:{bound_port}"
        yield simulator.base_url
    finally:
        simulator.faults.release_hung()
        await runner.cleanup()
        simulator.base_url = None


@asynccontextmanager
async def serve_all(
    simulators: Mapping[str, Simulator] | None = None,
    *,
    host: str = "127.0.0.1",
    base_port: int = 0,
) -> AsyncIterator[dict[str, str]]:
    """Serve several simulators (one of each kind by default); yields {name: base URL}.

    base_port 0 picks free ports; otherwise the simulators take base_port, base_port+1, … in
    SIMULATOR_ORDER (unknown names after them).
    """
    sims = dict(simulators) if simulators is not None else default_simulators()
    names = [n for n in SIMULATOR_ORDER if n in sims] + [n for n in sims if n not in SIMULATOR_ORDER]
    urls: dict[str, str] = {}
    async with AsyncExitStack() as stack:
        for offset, name in enumerate(names):
            port = base_port + offset if base_port else 0
            urls[name] = await stack.enter_async_context(serve(sims[name], host=host, port=port))
        yield urls
