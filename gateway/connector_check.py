"""`penghubung connector check`: the conformance check, against a live source or the sandbox."""

from __future__ import annotations

import os
from pathlib import Path

import aiohttp

from connectors.bundled import SANDBOX_SECRETS, bundled_spec
from connectors.check import CheckReport, check_source
from connectors.http import Policy, UpstreamClient
from connectors.source import HttpSource
from connectors.spec import SourceSpec, SpecError, load_spec


async def _check(spec: SourceSpec, base_url: str, secret: str | None) -> CheckReport:
    async with aiohttp.ClientSession() as session:
        client = UpstreamClient(spec.name, session, Policy())
        return await check_source(HttpSource(spec, client, base_url, secret=secret))


async def check_one(mapping: Path, base_url: str, secret_env: str | None) -> int:
    """Check one mapping file against a live source; prints the report, returns an exit code."""
    try:
        spec = load_spec(mapping.read_text(encoding="utf-8"))
    except SpecError as exc:
        print(f"FAIL  {mapping}: {exc}")
        return 1
    secret = os.environ.get(secret_env) if secret_env else None
    if secret_env and secret is None:
        print(f"FAIL  {spec.name}: environment variable {secret_env} is not set")
        return 1
    report = await _check(spec, base_url, secret)
    print(report.render())
    return 0 if report.passed else 1


async def check_sandbox() -> int:
    """Start the sandbox and check every bundled mapping against its simulator."""
    from connectors.sandbox.runner import default_simulators, serve_all

    sims = default_simulators()
    failed = 0
    async with serve_all({d: sims[d] for d in SANDBOX_SECRETS}) as urls:
        for dialect, secret in SANDBOX_SECRETS.items():
            report = await _check(bundled_spec(dialect), urls[dialect], secret)
            print(f"[{dialect}] " + report.render())
            failed += not report.passed
    print(f"{len(SANDBOX_SECRETS) - failed} of {len(SANDBOX_SECRETS)} sources pass")
    return 1 if failed else 0
