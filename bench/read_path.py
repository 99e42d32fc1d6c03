"""The read-path benchmark: one complaint by tracking ID and one region page, over real HTTP."""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import random
import signal
import sys
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp

from auth.dev import issue_token, load_or_create
from auth.roles import Role
from bench.arguments import positive
from bench.databases import (
    DEFAULT_POSTGRES_ADMIN_URL,
    KINDS,
    DatabaseSetupError,
    fresh_database,
)
from bench.load import Checker, LoadResult, client_session, closed_loop, graphql_check
from bench.report import Measurement, format_table, json_lines, number
from bench.seed import SeedError, SeedResult, seed_database
from bench.server import GatewayError, running_gateway

BENCH = "read_path"
SAMPLE_SIZE = 500  # tracking IDs to draw lookups from
# Per scenario, not measured: the first requests open connections and fill caches
# (database pages, prepared statements, parsed queries).
WARMUP_S = 1.0
BODY_SEED = 7  # the same sequence of lookups on every database and every run

# The public view: what a caller without a token may read (every non-secret complaint).
# `complaint` and `complaints` are the case view, empty without a token.
BY_TRACKING_ID_QUERY = (
    "query($t: String!) { publicComplaint(trackingId: $t) "
    "{ id trackingId title status createdAt location { kodeWilayah } } }"
)
# The case view as the national admin: the same lookup plus token verification (ES256)
# and the audit trail of the request.
CASE_BY_TRACKING_ID_QUERY = (
    "query($t: String!) { complaint(trackingId: $t) { id trackingId title status createdAt location { kodeWilayah } } }"
)
LIST_16_05_QUERY = (
    '{ publicComplaints(first: 50, filter: {kodeWilayah: "16.05"}) '
    "{ edges { node { id trackingId title status createdAt } } "
    "pageInfo { hasNextPage endCursor } } }"
)


def found_complaint(data: dict[str, Any]) -> str | None:
    """The by-key answer must hold the complaint: every sampled ID is public."""
    return None if data.get("publicComplaint") else "publicComplaint is null"


def found_case(data: dict[str, Any]) -> str | None:
    """The case-view answer must hold the complaint: the national admin sees all."""
    return None if data.get("complaint") else "complaint is null"


def non_empty_page(data: dict[str, Any]) -> str | None:
    """The list answer must hold complaints: an empty page is cheap and would look fast."""
    page = data.get("publicComplaints") or {}
    return None if page.get("edges") else "publicComplaints has no edges"


@dataclass(frozen=True, slots=True)
class Scenario:
    """One kind of request: how to build each body and how to judge each answer."""

    name: str
    make_body: Callable[[], bytes]
    check: Checker
    headers: dict[str, str] | None = None


@dataclass(frozen=True, slots=True)
class ScenarioRun:
    """A scenario's measured run, plus the failures its warm-up saw."""

    name: str
    result: LoadResult
    warmup: LoadResult

    @property
    def failures(self) -> int:
        return self.warmup.failures + self.result.failures

    @property
    def problems(self) -> list[str]:
        return list(dict.fromkeys(self.warmup.problems + self.result.problems))


@dataclass(frozen=True, slots=True)
class DatabaseRun:
    """Everything measured against one database."""

    database: str
    load: SeedResult
    peak_rss_mib: float
    scenarios: list[ScenarioRun]
    gateway_log_lines: int
    gateway_log_tail: str

    @property
    def failures(self) -> int:
        return sum(s.failures for s in self.scenarios)


def note(message: str) -> None:
    """Progress goes to stderr, so stdout holds only the results."""
    print(message, file=sys.stderr, flush=True)


def scenarios(tracking_ids: Sequence[str], dev_keys_dir: Path) -> list[Scenario]:
    """The read scenarios, the by-key ones drawing from `tracking_ids`."""
    rng = random.Random(BODY_SEED)

    def by_key(query: str) -> Callable[[], bytes]:
        def body() -> bytes:
            variables = {"t": rng.choice(tracking_ids)}
            return json.dumps({"query": query, "variables": variables}).encode()

        return body

    token = issue_token(
        load_or_create(dev_keys_dir),
        subject="bench-admin",
        roles=[Role.NATIONAL_ADMIN],
        ttl=3600,
    )

    # The list body never changes: encode it once, keep the client's share of the CPU small.
    list_body = json.dumps({"query": LIST_16_05_QUERY}).encode()
    return [
        Scenario("by_tracking_id", by_key(BY_TRACKING_ID_QUERY), graphql_check(found_complaint)),
        Scenario("list_16_05", lambda: list_body, graphql_check(non_empty_page)),
        Scenario(
            "case_by_tracking_id_token",
            by_key(CASE_BY_TRACKING_ID_QUERY),
            graphql_check(found_case),
            headers={"authorization": f"Bearer {token}"},
        ),
    ]


async def run_scenario(
    session: aiohttp.ClientSession, url: str, scenario: Scenario, args: argparse.Namespace
) -> ScenarioRun:
    """Warm up briefly, then measure for the configured duration."""

    async def run(duration: float) -> LoadResult:
        return await closed_loop(
            session,
            url,
            scenario.make_body,
            scenario.check,
            concurrency=args.concurrency,
            duration=duration,
            max_requests=args.max_requests,
            headers=scenario.headers,
        )

    warmup = await run(WARMUP_S)
    result = await run(args.duration)
    return ScenarioRun(scenario.name, result, warmup)


async def bench_database(kind: str, args: argparse.Namespace, tmp_dir: Path) -> DatabaseRun:
    """Create, load and serve one database, run every scenario against it, clean up."""
    async with fresh_database(kind, tmp_dir=tmp_dir, postgres_admin_url=args.postgres_admin_url) as url:
        note(f"{kind}: loading {args.complaints:,} complaints ...")
        load = await seed_database(url, complaints=args.complaints, sample=SAMPLE_SIZE)
        note(f"{kind}: loaded in {load.seconds:.1f} s ({load.rate:,.0f} complaints/s)")
        if not load.tracking_ids:
            raise SeedError("no public complaint to look up; use more --complaints")
        async with running_gateway(url, tmp_dir / f"gateway-{kind}.log") as gateway:
            runs = []
            async with client_session(args.concurrency) as session:
                for scenario in scenarios(load.tracking_ids, tmp_dir / "dev-keys"):
                    note(f"{kind}: {scenario.name} for {args.duration:g} s ...")
                    runs.append(await run_scenario(session, f"{gateway.base_url}/graphql", scenario, args))
            # Read while the process still runs: VmHWM is gone once it exits.
            peak = gateway.peak_rss_mib()
            return DatabaseRun(
                database=kind,
                load=load,
                peak_rss_mib=peak,
                scenarios=runs,
                gateway_log_lines=gateway.log_lines(),
                gateway_log_tail=gateway.log_tail(),
            )


def measurements(runs: Sequence[DatabaseRun]) -> list[Measurement]:
    """Every number of the run, ratios last."""
    found: list[Measurement] = []
    for run in runs:
        db = run.database
        found.append(Measurement(f"{db}.load_rate", run.load.rate, "complaints/s"))
        for s in run.scenarios:
            found += [
                Measurement(f"{db}.{s.name}.rps", s.result.rps, "req/s"),
                Measurement(f"{db}.{s.name}.p50", s.result.percentile_ms(50), "ms"),
                Measurement(f"{db}.{s.name}.p99", s.result.percentile_ms(99), "ms"),
            ]
        found.append(Measurement(f"{db}.peak_rss", run.peak_rss_mib, "MiB"))
    return found + ratios(runs)


def ratios(runs: Sequence[DatabaseRun]) -> list[Measurement]:
    """Throughput ratios between numbers measured side by side in this run."""
    found: list[Measurement] = []
    by_db = {run.database: {s.name: s.result.rps for s in run.scenarios} for run in runs}
    if "sqlite" in by_db and "postgres" in by_db:
        for name, sqlite_rps in by_db["sqlite"].items():
            if sqlite_rps > 0:
                value = by_db["postgres"][name] / sqlite_rps
                found.append(Measurement(f"postgres_over_sqlite.{name}.rps", value, "ratio"))
    for db, rps in by_db.items():
        if rps.get("by_tracking_id", 0) > 0:
            value = rps["list_16_05"] / rps["by_tracking_id"]
            found.append(Measurement(f"{db}.list_16_05_over_by_tracking_id.rps", value, "ratio"))
            # What a token (verification, case scope, audit trail) costs per lookup.
            value = rps["case_by_tracking_id_token"] / rps["by_tracking_id"]
            found.append(Measurement(f"{db}.case_token_over_public_by_tracking_id.rps", value, "ratio"))
    return found


def results_table(runs: Sequence[DatabaseRun]) -> str:
    rows = [
        [
            run.database,
            s.name,
            f"{s.result.requests:,}",
            f"{s.failures:,}",
            number(s.result.rps),
            number(s.result.percentile_ms(50), 2),
            number(s.result.percentile_ms(99), 2),
        ]
        for run in runs
        for s in run.scenarios
    ]
    headers = ["database", "scenario", "requests", "failures", "req/s", "p50 ms", "p99 ms"]
    return format_table(headers, rows, labels=2)


def database_table(runs: Sequence[DatabaseRun]) -> str:
    rows = [
        [
            run.database,
            f"{run.load.complaints:,}",
            number(run.load.seconds),
            number(run.load.rate, 0),
            number(run.peak_rss_mib),
        ]
        for run in runs
    ]
    headers = ["database", "complaints", "load s", "load complaints/s", "peak RSS MiB"]
    return format_table(headers, rows)


def ratio_table(ratio_measurements: Sequence[Measurement]) -> str:
    rows = [[m.metric, number(m.value, 2)] for m in ratio_measurements]
    return format_table(["ratio of req/s", "value"], rows)


def report(runs: Sequence[DatabaseRun], args: argparse.Namespace) -> str:
    """The whole stdout: tables, ratios, then the JSON lines."""
    all_measurements = measurements(runs)
    ratio_measurements = [m for m in all_measurements if m.unit == "ratio"]
    heading = (
        f"read_path: {args.complaints:,} complaints, {args.concurrency} concurrent clients, "
        f"{args.duration:g} s per scenario; {os.cpu_count()} CPUs, {platform.system()}, "
        f"Python {platform.python_version()}"
    )
    parts = [heading, "", results_table(runs), "", database_table(runs)]
    if ratio_measurements:
        parts += ["", ratio_table(ratio_measurements)]
    parts += ["", json_lines(BENCH, all_measurements)]
    return "\n".join(parts)


def report_failures(runs: Sequence[DatabaseRun]) -> None:
    """On stderr: what went wrong, and what the gateway logged."""
    for run in runs:
        for s in run.scenarios:
            if s.failures:
                note(f"{run.database}.{s.name}: {s.failures} failed requests, e.g.:")
                for problem in s.problems:
                    note(f"  {problem}")
        if run.failures and run.gateway_log_lines:
            note(f"{run.database}: the gateway logged {run.gateway_log_lines} lines; last:")
            note(run.gateway_log_tail)


async def bench(args: argparse.Namespace) -> list[DatabaseRun]:
    """Every database in turn, each fully cleaned up before the next starts."""
    # SIGTERM (e.g. from `timeout`) gets the same orderly clean-up as Ctrl+C.
    task = asyncio.current_task()
    assert task is not None
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, task.cancel)
    with tempfile.TemporaryDirectory(prefix="penghubung-bench-") as tmp:
        return [await bench_database(kind, args, Path(tmp)) for kind in args.databases]


def _databases(value: str) -> list[str]:
    kinds = [k.strip() for k in value.split(",") if k.strip()]
    unknown = [k for k in kinds if k not in KINDS]
    if not kinds or unknown or len(set(kinds)) != len(kinds):
        raise argparse.ArgumentTypeError(f"expected a comma-separated list of distinct kinds from {','.join(KINDS)}")
    return kinds


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m bench.read_path",
        description="Load demo complaints into fresh databases, start the gateway and "
        "measure two read queries over HTTP at fixed concurrency.",
    )
    parser.add_argument(
        "--complaints",
        type=positive(int),
        default=100_000,
        help="complaints to load per database (default 100000)",
    )
    parser.add_argument(
        "--concurrency",
        type=positive(int),
        default=16,
        help="concurrent clients, each in a closed loop (default 16)",
    )
    parser.add_argument(
        "--duration",
        type=positive(float),
        default=10.0,
        help="measured seconds per scenario, after a 1 s warm-up (default 10)",
    )
    parser.add_argument(
        "--max-requests",
        type=positive(int),
        default=1_000_000,
        help="end a scenario after this many requests even if time is left (default 1000000)",
    )
    parser.add_argument(
        "--databases",
        type=_databases,
        default=list(KINDS),
        help="which databases, in this order (default sqlite,postgres)",
    )
    parser.add_argument(
        "--postgres-admin-url",
        default=DEFAULT_POSTGRES_ADMIN_URL,
        help="the PostgreSQL server (and a database on it to connect to) where the "
        f"benchmark database is created and dropped (default {DEFAULT_POSTGRES_ADMIN_URL})",
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        runs = asyncio.run(bench(args))
    except (KeyboardInterrupt, asyncio.CancelledError):
        note("read_path: interrupted; the gateway was stopped and the databases removed")
        return 130
    except (DatabaseSetupError, GatewayError, SeedError) as exc:
        note(f"read_path: {exc}")
        return 1
    print(report(runs, args), flush=True)
    if any(run.failures for run in runs):
        report_failures(runs)
        note("read_path: some requests failed; the numbers above are not valid")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
