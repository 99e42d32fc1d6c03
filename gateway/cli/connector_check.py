"""`penghubung connector check`: the conformance check, against a live source, a sources
file's systems, or the sandbox.

Writes go into a real system only with --write (they create labelled test records there);
the sandbox's simulators are written to unless --read-only, since nothing real is touched.
"""

from __future__ import annotations

import asyncio
import re
from pathlib import Path

import aiohttp

from connectors.check import CheckReport, check_source
from connectors.config import SourcesConfig, load_config
from connectors.http import Policy, UpstreamClient
from connectors.loader import build_source
from connectors.registry import NATIONAL_NAME
from connectors.spec import load_spec
from connectors.spec_errors import SpecError
from connectors.spec_types import SourceSpec
from gateway.domain.sources import open_sources
from gateway.settings import SettingsError, secret_from_env

CHECK_POLICY = Policy(total_timeout=10, attempts=2)


def _problem(spec: SourceSpec, base_url: str, secret_env: str | None) -> str | None:
    """What is wrong before anything is called, in the user's terms."""
    if not re.match(r"^(https?|file)://", base_url):
        return f"--base-url {base_url!r}: expected a URL starting with http://, https:// or file://"
    if spec.request.auth != "none" and not secret_env:
        return (
            f"the mapping declares request.auth kind {spec.request.auth!r}, but no --secret-env names "
            "the variable holding the secret"
        )
    return None


async def check_one(
    mapping: Path, base_url: str, secret_env: str | None, *, writes: bool = False, show: int = 0, strict: bool = False
) -> int:
    """Check one mapping file against a live source; prints the report, returns an exit code."""
    try:
        spec = load_spec(await asyncio.to_thread(mapping.read_text, encoding="utf-8"))
        problem = _problem(spec, base_url, secret_env)
        secret = secret_from_env(secret_env) if secret_env and problem is None else None
    except (SpecError, LookupError, OSError) as exc:
        print(f"FAIL  {mapping}: {exc}")
        return 1
    if problem:
        print(f"FAIL  {spec.name}: {problem}")
        return 1
    async with aiohttp.ClientSession() as session:
        try:
            source = build_source(spec, UpstreamClient(spec.name, session, CHECK_POLICY), base_url, secret=secret)
        except SpecError as exc:
            print(f"FAIL  {mapping}: {exc}")
            return 1
        report = await check_source(source, kode_wilayah=spec.kode_wilayah, writes=writes, show=show, strict=strict)
    print(report.render())
    return 0 if report.passed else 1


def _names(config: SourcesConfig) -> dict[str, str]:
    api = "PROVISIONAL v3 JSON API" if config.national.api == "v3" else "legacy XML addstream"
    names = {NATIONAL_NAME: f"SP4N-LAPOR!, {api}"}
    names.update({r.source_name: f"{r.name}, {r.dialect or r.mapping}" for r in config.connected})
    return names


async def check_config(
    config_path: Path, *, sandbox: bool, writes: bool | None = None, show: int = 0, strict: bool = False
) -> int:
    """Check every source of a sources file: its real URLs, and with `sandbox` a simulator
    for each `url = "sandbox"` entry. `writes` None: only the simulators are written to."""
    try:
        config = load_config(config_path)
    except SpecError as exc:
        print(f"FAIL  {exc}")
        return 1
    names = _names(config)
    codes = {r.source_name: r.kode_wilayah for r in config.connected} | {NATIONAL_NAME: config.province}
    reports: list[CheckReport] = []
    async with aiohttp.ClientSession() as session:
        try:
            async with open_sources(config, session, sandbox=sandbox, policy=CHECK_POLICY) as opened:
                for name, connector in opened.connectors.items():
                    writes_here = (name in opened.simulators) if writes is None else writes
                    report = await check_source(
                        connector, kode_wilayah=codes[name], writes=writes_here, show=show, strict=strict
                    )
                    reports.append(report)
                    print(report.render(names[name]))
        except (SettingsError, SpecError) as exc:
            print(f"FAIL  {config_path.name}: {exc}")
            return 1
    failed = sum(not r.passed for r in reports)
    absent = [f"{r.kode_wilayah} {r.name}" for r in config.regencies if not r.connected]
    print(f"{len(reports) - failed} of {len(reports)} sources pass")
    if absent:
        print(f"not connected yet: {', '.join(absent)}")
    return 1 if failed else 0
