"""`penghubung connector check`: the conformance check, against a live source or the sandbox."""

from __future__ import annotations

from pathlib import Path

import aiohttp

from connectors.check import CheckReport, check_source
from connectors.config import DEMO_CONFIG, SourcesConfig, load_config
from connectors.http import Policy, UpstreamClient
from connectors.loader import build_source
from connectors.protocol import Connector
from connectors.registry import NATIONAL_NAME, build_connectors
from connectors.spec import SpecError, load_spec
from gateway.settings import secret_from_env

CHECK_POLICY = Policy(total_timeout=10, attempts=2)


async def _check(connector: Connector, kode_wilayah: str, writes: bool) -> CheckReport:
    return await check_source(connector, kode_wilayah=kode_wilayah, writes=writes)


async def check_one(mapping: Path, base_url: str, secret_env: str | None, *, writes: bool = True) -> int:
    """Check one mapping file against a live source; prints the report, returns an exit code."""
    try:
        spec = load_spec(mapping.read_text(encoding="utf-8"))
        secret = secret_from_env(secret_env) if secret_env else None
    except (SpecError, LookupError) as exc:
        print(f"FAIL  {mapping}: {exc}")
        return 1
    async with aiohttp.ClientSession() as session:
        try:
            source = build_source(spec, UpstreamClient(spec.name, session, CHECK_POLICY), base_url, secret=secret)
        except SpecError as exc:
            print(f"FAIL  {mapping}: {exc}")
            return 1
        report = await _check(source, spec.kode_wilayah, writes)
    print(report.render())
    return 0 if report.passed else 1


def _names(config: SourcesConfig) -> dict[str, str]:
    api = "PROVISIONAL v3 JSON API" if config.national.api == "v3" else "legacy XML addstream"
    names = {NATIONAL_NAME: f"SP4N-LAPOR!, {api}"}
    names.update({r.source_name: f"{r.name}, {r.dialect or r.mapping}" for r in config.connected})
    return names


async def check_sandbox(config_path: Path = DEMO_CONFIG, *, writes: bool = True) -> int:
    """Start a simulator for every source of the configuration and check each one."""
    from connectors.sandbox.province import province_simulators, sandbox_endpoints
    from connectors.sandbox.runner import serve_all

    try:
        config = load_config(config_path)
    except SpecError as exc:
        print(f"FAIL  {exc}")
        return 1
    sims = province_simulators(config)
    failed = 0
    async with serve_all(sims) as urls, aiohttp.ClientSession() as session:
        connectors = build_connectors(config, session, sandbox_endpoints(config, urls), policy=CHECK_POLICY)
        names = _names(config)
        codes = {r.source_name: r.kode_wilayah for r in config.connected} | {NATIONAL_NAME: config.province}
        for name, connector in connectors.items():
            report = await _check(connector, codes[name], writes)
            print(report.render(names[name]))
            failed += not report.passed
    absent = [f"{r.kode_wilayah} {r.name}" for r in config.regencies if not r.connected]
    print(f"{len(connectors) - failed} of {len(connectors)} sources pass")
    if absent:
        print(f"not connected yet: {', '.join(absent)}")
    return 1 if failed else 0
