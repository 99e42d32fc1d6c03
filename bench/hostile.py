"""The hostile-traffic benchmark: legitimate traffic alone, then beside a hostile client.

    .venv/bin/python -m bench.hostile                     # SQLite, 3 rounds, 30 req/s
    .venv/bin/python -m bench.hostile --database postgres --report-only

Loads demo complaints into a fresh database, starts `penghubung serve` on loopback, and
sends a mixed, open-loop legitimate load (public reads, staff reads with real tokens, some
writes with idempotency keys) at a fixed rate: first alone, then while a hostile client
(`bench.hostile_client`, a process of its own) sends the region tree, aliased lists, long
strings, bad tokens, an HTTP flood and a WebSocket flood. `/healthz` is sampled all along.
Prints tables and one JSON object per number; the exit status is 1 when a target of
issue #14 is missed (legitimate p99 beside the attack at most 2x alone, no legitimate
error, `/healthz` under 100 ms while the worst query runs), unless `--report-only`.
"""

from __future__ import annotations

import argparse
import asyncio
import functools
import json
import os
import platform
import signal
import sys
import tempfile
import time
from collections.abc import Sequence
from contextlib import AsyncExitStack
from pathlib import Path
from typing import Any

import aiohttp

from auth.dev import load_or_create
from bench import hostile_report as hr
from bench.arguments import positive
from bench.cpu_split import cpu_split, pin_client
from bench.databases import (
    DEFAULT_POSTGRES_ADMIN_URL,
    KINDS,
    DatabaseSetupError,
    fresh_database,
)
from bench.health_probe import HealthProbe, HealthStats
from bench.hostile_client import ATTACKS, attack_names
from bench.legit_traffic import (
    LegitSetupError,
    LegitTraffic,
    admin_token,
    follow_up_targets,
)
from bench.load import REQUEST_TIMEOUT_S
from bench.open_loop import KEPT_PROBLEMS, OpenLoopResult, open_loop
from bench.report import json_lines
from bench.seed import REPOSITORY, SeedError, seed_database
from bench.server import GatewayError, GatewayProcess, running_gateway

SAMPLE_SIZE = 500  # public tracking IDs to read
CHILD_START_TIMEOUT_S = 30.0
# Beyond its duration and drain, before the hostile client is killed.
CHILD_EXTRA_S = 30.0


class HostileClientError(RuntimeError):
    """The hostile client did not start or did not report."""


def note(message: str) -> None:
    """Progress goes to stderr, so stdout holds only the results."""
    print(message, file=sys.stderr, flush=True)


def legit_sessions(networks: int) -> list[aiohttp.ClientSession]:
    """One session per simulated client network (127.1.N.1): legitimate callers come from
    many networks, the hostile client from one other, so per-network limits can tell them
    apart."""
    timeout = aiohttp.ClientTimeout(total=REQUEST_TIMEOUT_S)
    return [
        aiohttp.ClientSession(
            connector=aiohttp.TCPConnector(limit=64, local_addr=(f"127.1.{n + 1}.1", 0)),
            timeout=timeout,
        )
        for n in range(networks)
    ]


async def start_hostile_client(
    gateway: GatewayProcess, keys: Path, args: argparse.Namespace
) -> asyncio.subprocess.Process:
    """Start the hostile client and return once it says the attack began."""
    command = [
        sys.executable, "-m", "bench.hostile_client",
        "--url", gateway.base_url, "--dev-keys", str(keys),
        "--duration", str(args.duration), "--drain", str(args.drain),
        "--local-address", args.hostile_address,
        "--tree-aliases", str(args.tree_aliases),
        "--ws-connections", str(args.ws_connections),
        "--http-connections", str(args.http_connections),
        "--slow-rate", str(args.slow_rate), "--attacks", ",".join(args.attacks),
    ]  # fmt: skip
    process = await asyncio.create_subprocess_exec(
        *command, cwd=REPOSITORY, stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE, start_new_session=True,
        preexec_fn=functools.partial(pin_client, args.cpus, hostile=True),
    )  # fmt: skip
    assert process.stdout is not None
    line = b""
    try:
        line = await asyncio.wait_for(process.stdout.readline(), CHILD_START_TIMEOUT_S)
        started = json.loads(line).get("event") == "started"
    except (TimeoutError, ValueError, AttributeError):
        started = False
    if not started:
        await stop_child(process)
        raise HostileClientError(
            f"the hostile client did not start within {CHILD_START_TIMEOUT_S:g} s (it said {line[:200]!r})"
        )
    return process


async def hostile_result(process: asyncio.subprocess.Process, args: argparse.Namespace) -> dict[str, Any]:
    """The hostile client's last line, waited for at most its duration, drain and a margin."""
    assert process.stdout is not None
    try:
        out = await asyncio.wait_for(process.stdout.read(), args.duration + args.drain + CHILD_EXTRA_S)
        await process.wait()
    except TimeoutError:
        raise HostileClientError("the hostile client did not finish in time") from None
    finally:
        await stop_child(process)
    lines = out.decode(errors="replace").strip().splitlines()
    if process.returncode != 0 or not lines:
        raise HostileClientError(f"the hostile client failed (exit {process.returncode})")
    return json.loads(lines[-1])  # type: ignore[no-any-return]


async def stop_child(process: asyncio.subprocess.Process) -> None:
    if process.returncode is None:
        process.kill()
        await process.wait()


async def measure(
    gateway: GatewayProcess,
    tmp: Path,
    tracking_ids: list[str],
    args: argparse.Namespace,
) -> hr.Outcome:
    """Warm up, run the legitimate load alone, then again beside the hostile client."""
    keys_dir = tmp / "dev-keys"  # running_gateway trusts the key there
    keys = load_or_create(keys_dir)
    url = f"{gateway.base_url}/graphql"
    async with AsyncExitStack() as stack:
        sessions = [await stack.enter_async_context(s) for s in legit_sessions(args.legit_networks)]
        targets = await follow_up_targets(sessions[0], url, admin_token(keys))
        traffic = LegitTraffic(url, sessions, keys, tracking_ids, targets)
        legit = functools.partial(open_loop, traffic.pick, rate=args.rate, drain=args.drain)
        probe = HealthProbe(f"{gateway.base_url}/healthz")
        probing = asyncio.create_task(probe.run())
        child: asyncio.subprocess.Process | None = None
        rounds: list[dict[str, OpenLoopResult]] = []
        alone_windows: list[tuple[float, float]] = []
        beside_windows: list[tuple[float, float]] = []
        attacks: list[dict[str, Any]] = []
        try:
            note(f"warming up for {args.warmup:g} s ...")
            await legit(duration=args.warmup)
            for n in range(1, args.rounds + 1):
                label = f"round {n} of {args.rounds}: " if args.rounds > 1 else ""
                note(f"{label}legitimate traffic alone: {args.rate:g} req/s, {args.duration:g} s")
                began = time.monotonic()
                alone = await legit(duration=args.duration)
                alone_windows.append((began, time.monotonic()))
                note(f"{label}legitimate traffic beside the hostile client ...")
                child = await start_hostile_client(gateway, keys_dir, args)
                began = time.monotonic()
                beside = await legit(duration=args.duration)
                beside_windows.append((began, time.monotonic()))
                attacks.append(await hostile_result(child, args))
                child = None
                rounds.append({"alone": alone, "beside_hostile": beside})
        finally:
            if child is not None:
                await stop_child(child)
            await probe.stop(probing)
    health, window = health_windows(probe, alone_windows, beside_windows, attacks)
    return hr.Outcome(
        legit={phase: pooled([r[phase] for r in rounds]) for phase in hr.PHASES},
        health=health,
        worst_query_window=window,
        attacks=hr.summed_attacks([a["attacks"] for a in attacks]),
        rounds=tuple(rounds),
    )


def pooled(runs: Sequence[OpenLoopResult]) -> OpenLoopResult:
    """Several rounds' requests of one phase as one run (one round: that run itself)."""
    if len(runs) == 1:
        return runs[0]
    found = OpenLoopResult()
    for run in runs:
        found.elapsed += run.elapsed
        for kind, tally in run.kinds.items():
            into = found.tally(kind)
            into.latencies += tally.latencies
            into.failures += tally.failures
            into.problems += [p for p in tally.problems if p not in into.problems]
            del into.problems[KEPT_PROBLEMS:]
    return found


def health_windows(
    probe: HealthProbe,
    alone: Sequence[tuple[float, float]],
    beside: Sequence[tuple[float, float]],
    attacks: Sequence[dict[str, Any]],
) -> tuple[dict[str, HealthStats], str]:
    """/healthz alone, beside the attack, and while a region tree request was in flight
    (over the whole attack if no sample fell in one), every round; and which window the
    last is."""
    spans = [(float(a), float(b)) for attack in attacks for a, b in attack.get("region_tree_in_flight", [])]
    worst, window = probe.within(spans), "while a region tree request was in flight"
    if worst.samples == 0:
        worst, window = (
            probe.within(beside),
            "over the whole attack (no sample fell in a region tree request)",
        )
    health = {
        "alone": probe.within(alone),
        "beside_hostile": probe.within(beside),
        "worst_query": worst,
    }
    return health, window


async def bench(args: argparse.Namespace) -> hr.Outcome:
    """One database: create, load, serve, measure; everything removed afterwards."""
    # SIGTERM (e.g. from `timeout`) gets the same orderly clean-up as Ctrl+C.
    task = asyncio.current_task()
    assert task is not None
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, task.cancel)
    with tempfile.TemporaryDirectory(prefix="penghubung-hostile-") as tmp_name:
        tmp = Path(tmp_name)
        async with fresh_database(args.database, tmp_dir=tmp, postgres_admin_url=args.postgres_admin_url) as url:
            note(f"{args.database}: loading {args.complaints:,} complaints ...")
            load = await seed_database(url, complaints=args.complaints, sample=SAMPLE_SIZE)
            note(f"{args.database}: loaded in {load.seconds:.1f} s")
            note(f"CPUs: {args.cpus.describe()}")
            pin_client(args.cpus)
            async with running_gateway(url, tmp / "gateway.log", cpus=args.cpus) as gateway:
                outcome = await measure(gateway, tmp, load.tracking_ids, args)
                lines = gateway.log_lines()
                note(f"the gateway logged {lines:,} lines (warnings and errors)")
                return outcome


def report(outcome: hr.Outcome, found: Sequence[hr.Target], args: argparse.Namespace) -> str:
    """The whole stdout: tables, then the JSON lines (targets last)."""
    heading = (
        f"hostile: {args.database}, {args.complaints:,} complaints, legitimate "
        f"{args.rate:g} req/s for {args.duration:g} s per phase, {args.rounds} "
        f"round{'s' if args.rounds > 1 else ''}; {os.cpu_count()} CPUs "
        f"({args.cpus.describe()}), "
        f"{platform.system()}, Python {platform.python_version()}"
    )
    parts = [
        heading, "", hr.legit_table(outcome), "", hr.rounds_table(outcome), "",
        f"worst_query: /healthz {outcome.worst_query_window}", hr.health_table(outcome), "",
        hr.attack_table(outcome), "", hr.target_table(found), "",
        json_lines(hr.BENCH, hr.measurements(outcome)),
        *(t.to_json() for t in found),
    ]  # fmt: skip
    return "\n".join(parts)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m bench.hostile",
        description="Legitimate traffic alone, then beside a hostile client, against a "
        "fresh gateway: latency, errors, /healthz, and how the attacks were answered.",
    )
    add = parser.add_argument
    add("--database", choices=KINDS, default="sqlite", help="the store (default sqlite)")
    add(
        "--postgres-admin-url",
        default=DEFAULT_POSTGRES_ADMIN_URL,
        help=f"where a PostgreSQL benchmark database is created and dropped (default {DEFAULT_POSTGRES_ADMIN_URL})",
    )
    add(
        "--complaints",
        type=positive(int),
        default=3000,
        help="demo complaints to load (default 3000)",
    )
    add(
        "--rate",
        type=positive(float),
        default=30.0,
        help="legitimate requests per second (default 30)",
    )
    add(
        "--duration",
        type=positive(float),
        default=30.0,
        help="measured seconds per phase (default 30; fewer make p99 rest on a handful of requests)",
    )
    add(
        "--rounds",
        type=positive(int),
        default=3,
        help="rounds of alone, then beside the attack; the ratio target is the median "
        "of the rounds' ratios (default 3)",
    )
    add(
        "--warmup",
        type=positive(float),
        default=2.0,
        help="seconds of legitimate traffic before measuring (default 2)",
    )
    add(
        "--drain",
        type=positive(float),
        default=10.0,
        help="seconds to wait for answers still out after a phase; later ones count as failed (default 10)",
    )
    add(
        "--legit-networks",
        type=positive(int),
        default=8,
        help="loopback networks the legitimate clients connect from, 127.1.N.1 (default 8)",
    )
    add(
        "--hostile-address",
        default="127.66.0.1",
        help="loopback address of the hostile client (default 127.66.0.1)",
    )
    add(
        "--attacks",
        type=attack_names,
        default=list(ATTACKS),
        help=f"which hostile attacks, comma-separated (default all: {','.join(ATTACKS)})",
    )
    add(
        "--tree-aliases",
        type=positive(int),
        default=2,
        help="region trees per hostile request (default 2)",
    )
    add(
        "--slow-rate",
        type=positive(float),
        default=1.0,
        help="requests/s of each long-string and aliased-list attack (default 1)",
    )
    add(
        "--http-connections",
        type=positive(int),
        default=64,
        help="connections of the HTTP flood (default 64)",
    )
    add(
        "--ws-connections",
        type=positive(int),
        default=100,
        help="WebSockets on one token (default 100)",
    )
    add(
        "--pin",
        action="store_true",
        help="pin the gateway to the last CPU and the clients to the rest (default: not "
        "pinned; on 2 CPUs pinning leaves the gateway's SQLite thread no core of its own, "
        "so it measures worse). The hostile client always runs at a lower priority: an "
        "attacker's own CPU is not the gateway's",
    )
    add("--report-only", action="store_true", help="exit 0 even when a target is missed")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    args.cpus = cpu_split(enabled=args.pin)
    try:
        outcome = asyncio.run(bench(args))
    except (KeyboardInterrupt, asyncio.CancelledError):
        note("hostile: interrupted; the gateway and the hostile client were stopped")
        return 130
    except (
        DatabaseSetupError,
        GatewayError,
        SeedError,
        LegitSetupError,
        HostileClientError,
    ) as exc:
        note(f"hostile: {exc}")
        return 1
    found = hr.targets(outcome)
    print(report(outcome, found, args), flush=True)
    for phase, run in outcome.legit.items():
        for problem in run.problems:
            note(f"legitimate request failed ({phase}): {problem}")
    missed = [t.name for t in found if not t.met]
    if missed:
        note(f"hostile: targets missed: {', '.join(missed)}")
        return 0 if args.report_only else 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
