"""The sources the gateway runs with: the configuration, live connectors, and the sandbox.

In the lifespan, `running_sources` reads the sources file, starts a simulator for every
`url = "sandbox"` entry when the sandbox is on (the demo), and builds one connector per
source on the shared aiohttp session. `ConfiguredSources` answers the GraphQL connection
overview from it.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import AsyncIterator, Mapping, Sequence
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass
from typing import Any

import aiohttp

from connectors.config import SANDBOX_URL, SourcesConfig, load_config
from connectors.http import Policy, send_tracing
from connectors.protocol import Connector
from connectors.registry import DEFAULT_POLICY, NATIONAL_NAME, Endpoint, build_connectors
from connectors.spec_errors import SpecError
from gateway.settings import GatewaySettings, SettingsError, secret_from_env
from schema.ports.sources import SourceInfo
from schema.regions import get_region

log = logging.getLogger(__name__)


class ConfiguredSources:
    """The sources configuration and its live connectors (the GraphQL SourcesReader port)."""

    def __init__(
        self, config: SourcesConfig, connectors: Mapping[str, Connector], sandbox_urls: Mapping[str, str]
    ) -> None:
        self.config = config
        self.connectors = dict(connectors)
        self.sandbox_urls = dict(sandbox_urls)

    @property
    def province(self) -> str:
        """The province the configuration covers."""
        return self.config.province

    def _capabilities(self, name: str) -> tuple[str, ...]:
        connector = self.connectors.get(name)
        return tuple(sorted(c.value for c in connector.capabilities)) if connector else ()

    def national(self) -> SourceInfo:
        """The national system's entry."""
        api = self.config.national.api
        region = get_region(self.config.province)
        return SourceInfo(
            name=NATIONAL_NAME,
            kode_wilayah=self.config.province,
            region_name=f"SP4N-LAPOR! (national), serving {region.name if region else self.config.province}",
            connected=True,
            kind="lapor_v3" if api == "v3" else "lapor_legacy_addstream",
            capabilities=self._capabilities(NATIONAL_NAME),
            provisional=api == "v3",
        )

    def regencies(self) -> Sequence[SourceInfo]:
        """Every kab/kota, connected or not."""
        return [
            SourceInfo(
                name=r.source_name,
                kode_wilayah=r.kode_wilayah,
                region_name=r.name,
                connected=r.connected,
                kind=r.dialect or ("custom mapping" if r.mapping else "not connected"),
                capabilities=self._capabilities(r.source_name),
                connected_since=r.connected_since,
            )
            for r in self.config.regencies
        ]


def upstream_session() -> aiohttp.ClientSession:
    """The HTTP session every connector shares. No pool-wide cap: each source has its own
    (its UpstreamClient's bulkhead), and aiohttp's default of 100 connections would make a
    fan-out to hundreds of sources wait on each other. Traced so that a write cut off
    before it went out is known never to have reached its source (`connectors.http`)."""
    return aiohttp.ClientSession(
        connector=aiohttp.TCPConnector(limit=0, limit_per_host=0), trace_configs=[send_tracing()]
    )


def _endpoint(url: str, secret_env: str | None, where: str) -> Endpoint:
    try:
        return Endpoint(url, secret_from_env(secret_env) if secret_env else None)
    except LookupError as exc:
        raise SettingsError(f"{where}: {exc}") from None


@dataclass(frozen=True, slots=True)
class OpenSources:
    """Live connectors by source name, and the simulators standing in for sandbox entries."""

    connectors: dict[str, Connector]
    sandbox_urls: dict[str, str]
    simulators: dict[str, Any]  # connectors.sandbox.Simulator by source name


@asynccontextmanager
async def open_sources(
    config: SourcesConfig,
    http: aiohttp.ClientSession,
    *,
    sandbox: bool,
    policy: Policy = DEFAULT_POLICY,
    national_policy: Policy | None = None,
    long_running: bool = False,
) -> AsyncIterator[OpenSources]:
    """Connectors for every source, simulating the `url = "sandbox"` ones when `sandbox`.

    The simulators of a `long_running` process (the gateway, the worker) remember only
    their latest requests; otherwise (tests) every request. `national_policy` is the
    national system's (default: `policy`).

    Raises SettingsError."""
    sandboxed = {r.source_name for r in config.connected if r.url == SANDBOX_URL}
    if config.national.url == SANDBOX_URL:
        sandboxed.add(NATIONAL_NAME)
    if sandboxed and not sandbox:
        raise SettingsError(
            f'{len(sandboxed)} sources have url = "sandbox" ({", ".join(sorted(sandboxed)[:3])}...); '
            "simulate them (PENGHUBUNG_SANDBOX=1, or --sandbox) or give their real URLs"
        )
    async with AsyncExitStack() as stack:
        urls: dict[str, str] = {}
        sims: dict[str, Any] = {}
        endpoints: dict[str, Endpoint] = {}
        if sandboxed:
            from connectors.sandbox.province import LONG_RUN_RECEIVED, province_simulators, sandbox_endpoints
            from connectors.sandbox.runner import serve_all

            keep = LONG_RUN_RECEIVED if long_running else None
            sims = {n: s for n, s in province_simulators(config, keep_received=keep).items() if n in sandboxed}
            urls = await stack.enter_async_context(serve_all(sims))
            endpoints = sandbox_endpoints(config, urls)
            log.info("sandbox: %d simulators on loopback", len(urls))
        if NATIONAL_NAME not in endpoints:
            endpoints[NATIONAL_NAME] = _endpoint(config.national.url, config.national.secret_env, "national")
        for r in config.connected:
            if r.source_name not in endpoints:
                endpoints[r.source_name] = _endpoint(r.url or "", r.secret_env, r.source_name)
        connectors = build_connectors(config, http, endpoints, policy=policy, national_policy=national_policy)
        yield OpenSources(connectors, urls, sims)


@asynccontextmanager
async def running_sources(
    settings: GatewaySettings, http: aiohttp.ClientSession
) -> AsyncIterator[ConfiguredSources | None]:
    """The configured sources for the lifespan (None without a sources file)."""
    if settings.sources_file is None:
        yield None
        return
    try:
        config = load_config(settings.sources_file)
    except SpecError as exc:
        raise SettingsError(f"PENGHUBUNG_SOURCES: {exc}") from None
    sync = settings.sync
    policy = Policy(
        total_timeout=sync.upstream_timeout,
        open_seconds=sync.circuit_open_seconds,
        max_connections=sync.upstream_connections,
        max_queued=sync.upstream_queued,
        queue_timeout=sync.upstream_queue_seconds,
    )
    # The national system serves every kab/kota's traffic: a wider bulkhead, its queue in
    # proportion.
    national_policy = dataclasses.replace(
        policy,
        max_connections=sync.national_connections,
        max_queued=sync.upstream_queued * sync.national_connections // sync.upstream_connections,
    )
    # The gateway and the worker run for hours: their simulators keep a bounded log.
    async with open_sources(
        config, http, sandbox=settings.sandbox, policy=policy, national_policy=national_policy, long_running=True
    ) as opened:
        log.info(
            "sources: %d of %d kab/kota connected in %s",
            len(config.connected),
            len(config.regencies),
            settings.sources_file.name,
        )
        yield ConfiguredSources(config, opened.connectors, opened.sandbox_urls)
