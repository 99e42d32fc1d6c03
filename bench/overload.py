"""The overload benchmark (issue #18): find the gateway's capacity, then send twice that,
open loop, and see how much is still served.

    .venv/bin/python -m bench.overload                          # PostgreSQL, about 3-4 minutes
    .venv/bin/python -m bench.overload --database sqlite --duration 20
    .venv/bin/python -m bench.overload --gateway-env PENGHUBUNG_ADMISSION_CONCURRENCY=0   # no admission control

Loads demo complaints into a fresh database, starts `penghubung serve` on loopback (rate
limits off: this measures what the process can serve, not what one caller may) and sends
the legitimate mix of the hostile bench (public and staff reads with real tokens, 8%
submissions, 7% follow-ups, each with an idempotency key), open loop:

1. **Ramp**: `--start-rate` (20) requests/s for `--step` (8) seconds, then 25% more each step, until
   two steps in a row serve less than 90% of what they were sent (or `--max-steps`).
   Capacity is the most answered-OK per second of any step.
2. **Twice capacity**: 2 x capacity for `--duration` seconds. `goodput_at_2x_ratio` is
   the answered-OK per second there over capacity (target >= 0.9).

An answer is OK when it is HTTP 200 with data and no `errors`; `503 OVERLOADED` is counted
apart from other failures (timeouts, other errors). OK per second counts the OK answers
that arrived while the phase was sending, over its duration: what a stalled gateway
answers during the drain is late (the latency columns still show every answer). `/healthz`
is sampled every 100 ms during the second phase. Prints a table, then one JSON object per
number (`{"bench": "overload", "metric": ..., "value": ..., "unit": ...}`); the exit status
is 1 when the target is missed (0 with `--report-only`), 130 if interrupted.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import re
import signal
import sys
import tempfile
import time
from collections.abc import Sequence
from contextlib import AsyncExitStack
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp

from auth.dev import load_or_create
from bench.arguments import positive
from bench.databases import DEFAULT_POSTGRES_ADMIN_URL, KINDS, DatabaseSetupError, fresh_database
from bench.health_probe import HealthProbe, HealthStats
from bench.legit_traffic import LegitSetupError, LegitTraffic, admin_token, follow_up_targets
from bench.load import REQUEST_TIMEOUT_S, percentile
from bench.open_loop import Send, open_loop
from bench.report import Measurement, format_table, json_lines, number
from bench.seed import SeedError, seed_database
from bench.server import GatewayError, running_gateway

BENCH = "overload"
SAMPLE_SIZE = 500
TARGET_RATIO = 0.9
SATURATED = 0.9  # a step that serves less than this share of what it was sent is past capacity
RAMP_FACTOR = 1.25
CONNECTIONS_PER_NETWORK = 256


def note(message: str) -> None:
    """Progress goes to stderr, so stdout holds only the results."""
    print(message, file=sys.stderr, flush=True)


@dataclass(slots=True)
class Phase:
    """What one open-loop phase saw, by outcome."""

    name: str
    offered: float  # requests/s sent
    duration: float  # seconds of sending
    began: float = 0.0  # time.perf_counter() when the first request was due
    ok: list[float] = field(default_factory=list)  # latencies, seconds from when each was due
    ok_in_time: int = 0  # OK answers that arrived while the phase was sending
    overloaded: list[float] = field(default_factory=list)
    failed: list[float] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def ok_per_s(self) -> float:
        """OK answers per second, counted as they arrived while the phase was sending
        (answers a stalled gateway sends during the drain are late, not goodput)."""
        return self.ok_in_time / self.duration

    @property
    def sent(self) -> int:
        return len(self.ok) + len(self.overloaded) + len(self.failed)

    def record(self, latency: float, problem: str | None) -> None:
        if problem is None:
            self.ok.append(latency)
            if time.perf_counter() <= self.began + self.duration:
                self.ok_in_time += 1
        elif problem.startswith("HTTP 503") and "OVERLOADED" in problem:
            self.overloaded.append(latency)
        else:
            self.failed.append(latency)
            if len(self.problems) < 5 and problem not in self.problems:
                self.problems.append(problem)


async def run_phase(traffic: LegitTraffic, name: str, rate: float, duration: float, drain: float) -> Phase:
    """`rate` requests/s of the mix for `duration` s; every answer sorted by outcome."""
    phase = Phase(name, rate, duration, began=time.perf_counter())

    def pick() -> tuple[str, Send]:
        kind, send = traffic.pick()
        due = time.perf_counter()  # open_loop picks when the request is due

        async def sorted_send() -> str | None:
            try:
                problem = await send()
            except asyncio.CancelledError:
                phase.record(time.perf_counter() - due, "unfinished when the run ended")
                raise
            phase.record(time.perf_counter() - due, problem)
            return problem

        return kind, sorted_send

    await open_loop(pick, rate=rate, duration=duration, drain=drain)
    return phase


def sessions(networks: int) -> list[aiohttp.ClientSession]:
    """One session per loopback client network (127.1.N.1), each with room for a backlog."""
    timeout = aiohttp.ClientTimeout(total=REQUEST_TIMEOUT_S)
    return [
        aiohttp.ClientSession(
            connector=aiohttp.TCPConnector(limit=CONNECTIONS_PER_NETWORK, local_addr=(f"127.1.{n + 1}.1", 0)),
            timeout=timeout,
        )
        for n in range(networks)
    ]


@dataclass(slots=True)
class Outcome:
    """The ramp, the phase at twice capacity, /healthz meanwhile, the gateway's memory."""

    ramp: list[Phase]
    at_2x: Phase
    health: HealthStats
    peak_rss_mib: float
    shed: dict[str, float]  # the gateway's own count of 503 OVERLOADED by reason, whole run

    @property
    def capacity(self) -> float:
        return max(p.ok_per_s for p in self.ramp)

    @property
    def ratio(self) -> float:
        return self.at_2x.ok_per_s / self.capacity if self.capacity > 0 else 0.0


SHED_LINE = re.compile(r'^penghubung_admission_shed_total\{reason="(\w+)"\} (\S+)$', re.MULTILINE)


async def shed_by_reason(base_url: str) -> dict[str, float]:
    """What the gateway counted as refused OVERLOADED, by reason (its /metrics)."""
    async with aiohttp.ClientSession() as session, session.get(f"{base_url}/metrics") as response:
        text = await response.text()
    return {reason: float(value) for reason, value in SHED_LINE.findall(text)}


async def measure(
    base_url: str, keys_dir: Path, tracking_ids: list[str], args: argparse.Namespace
) -> tuple[list[Phase], Phase, HealthStats]:
    keys = load_or_create(keys_dir)
    url = f"{base_url}/graphql"
    async with AsyncExitStack() as stack:
        pool = [await stack.enter_async_context(s) for s in sessions(args.networks)]
        targets = await follow_up_targets(pool[0], url, admin_token(keys))
        traffic = LegitTraffic(url, pool, keys, tracking_ids, targets)
        note(f"warming up: {args.start_rate:g} req/s for {args.warmup:g} s")
        await run_phase(traffic, "warmup", args.start_rate, args.warmup, args.drain)
        ramp: list[Phase] = []
        rate = args.start_rate
        saturated_steps = 0
        for _ in range(args.max_steps):
            step = await run_phase(traffic, f"ramp {rate:.0f}/s", rate, args.step, args.drain)
            ramp.append(step)
            note(
                f"ramp: sent {rate:.1f}/s, ok {step.ok_per_s:.1f}/s, overloaded {len(step.overloaded)}, "
                f"failed {len(step.failed)}"
            )
            saturated_steps = saturated_steps + 1 if step.ok_per_s < SATURATED * rate else 0
            if saturated_steps == 2:  # one more step past the first saturated one: the most it serves
                break
            rate *= RAMP_FACTOR
        capacity = max(p.ok_per_s for p in ramp)
        note(f"capacity: {capacity:.1f} ok/s; now {2 * capacity:.1f} req/s for {args.duration:g} s")
        probe = HealthProbe(f"{base_url}/healthz")
        probing = asyncio.create_task(probe.run())
        began = time.monotonic()
        try:
            at_2x = await run_phase(traffic, "2x capacity", 2 * capacity, args.duration, args.drain)
        finally:
            await probe.stop(probing)
        health = probe.within([(began, began + args.duration)])
    return ramp, at_2x, health


async def bench(args: argparse.Namespace) -> Outcome:
    task = asyncio.current_task()
    assert task is not None
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, task.cancel)
    extra = {"PENGHUBUNG_RATE_LIMITS": "0", **dict(args.gateway_env)}
    with tempfile.TemporaryDirectory(prefix="penghubung-overload-") as tmp_name:
        tmp = Path(tmp_name)
        async with fresh_database(args.database, tmp_dir=tmp, postgres_admin_url=args.postgres_admin_url) as url:
            note(f"{args.database}: loading {args.complaints:,} complaints ...")
            load = await seed_database(url, complaints=args.complaints, sample=SAMPLE_SIZE)
            async with running_gateway(url, tmp / "gateway.log", extra_env=extra) as gateway:
                ramp, at_2x, health = await measure(gateway.base_url, tmp / "dev-keys", load.tracking_ids, args)
                shed = await shed_by_reason(gateway.base_url)
                return Outcome(ramp, at_2x, health, gateway.peak_rss_mib(), shed)


def _ms(values: list[float], q: float) -> float:
    return percentile(values, q) * 1000.0


def measurements(outcome: Outcome) -> list[Measurement]:
    found = [Measurement(f"ramp.{p.offered:.0f}.ok_per_s", p.ok_per_s, "req/s") for p in outcome.ramp]
    x2 = outcome.at_2x
    found += [
        Measurement("capacity_ok_per_s", outcome.capacity, "req/s"),
        Measurement("at_2x.offered_per_s", x2.offered, "req/s"),
        Measurement("at_2x.ok_per_s", x2.ok_per_s, "req/s"),
        Measurement("at_2x.overloaded", len(x2.overloaded), "requests"),
        Measurement("at_2x.failed", len(x2.failed), "requests"),
        Measurement("at_2x.sent", x2.sent, "requests"),
        Measurement("at_2x.ok.p50", _ms(x2.ok, 50), "ms"),
        Measurement("at_2x.ok.p99", _ms(x2.ok, 99), "ms"),
        Measurement("at_2x.overloaded.p50", _ms(x2.overloaded, 50), "ms"),
        Measurement("at_2x.overloaded.p99", _ms(x2.overloaded, 99), "ms"),
        Measurement("at_2x.healthz.p99", outcome.health.p99_ms, "ms"),
        Measurement("at_2x.healthz.max", outcome.health.max_ms, "ms"),
        Measurement("peak_rss", outcome.peak_rss_mib, "MiB"),
        *(Measurement(f"shed.{reason}", n, "requests") for reason, n in sorted(outcome.shed.items())),
        Measurement("goodput_at_2x_ratio", outcome.ratio, "ratio"),
    ]
    return found


def report(outcome: Outcome, args: argparse.Namespace) -> str:
    heading = (
        f"overload: {args.database}, {args.complaints:,} complaints; {os.cpu_count()} CPUs, "
        f"{platform.system()}, Python {platform.python_version()}"
        + (f"; gateway env {' '.join(f'{k}={v}' for k, v in args.gateway_env)}" if args.gateway_env else "")
    )
    rows = [
        [
            p.name, number(p.offered), number(p.ok_per_s), str(len(p.ok)), str(len(p.overloaded)), str(len(p.failed)),
            number(_ms(p.ok, 50)), number(_ms(p.ok, 99)), number(_ms(p.overloaded, 50)), number(_ms(p.overloaded, 99)),
        ]
        for p in [*outcome.ramp, outcome.at_2x]
    ]  # fmt: skip
    table = format_table(
        ["phase", "sent/s", "ok/s", "ok", "503", "failed", "ok p50 ms", "ok p99 ms", "503 p50 ms", "503 p99 ms"], rows
    )
    summary = (
        f"capacity {outcome.capacity:.1f} ok/s; at 2x {outcome.at_2x.ok_per_s:.1f} ok/s; "
        f"goodput_at_2x_ratio {outcome.ratio:.3f} (target >= {TARGET_RATIO}); /healthz at 2x "
        f"p99 {outcome.health.p99_ms:.1f} ms, max {outcome.health.max_ms:.1f} ms, "
        f"{outcome.health.failures} of {outcome.health.samples} failed; peak RSS {outcome.peak_rss_mib:.0f} MiB; "
        f"refused OVERLOADED by the gateway, whole run: "
        + (", ".join(f"{reason} {n:.0f}" for reason, n in sorted(outcome.shed.items())) or "none")
    )
    return "\n".join([heading, "", table, "", summary, "", json_lines(BENCH, measurements(outcome))])


def env_pair(value: str) -> tuple[str, str]:
    name, sep, setting = value.partition("=")
    if not sep or not name.startswith("PENGHUBUNG_"):
        raise argparse.ArgumentTypeError(f"expected PENGHUBUNG_NAME=value, not {value!r}")
    return name, setting


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m bench.overload",
        description="Find the gateway's capacity, then send twice that: how much is still served.",
    )
    add = parser.add_argument
    add("--database", choices=KINDS, default="postgres", help="the store (default postgres)")
    add(
        "--postgres-admin-url",
        default=DEFAULT_POSTGRES_ADMIN_URL,
        help="where a PostgreSQL database is created and dropped",
    )
    add("--complaints", type=positive(int), default=3000, help="demo complaints to load (default 3000)")
    add(
        "--start-rate", type=positive(float), default=20.0,
        help="first ramp step, requests/s (default 20; below capacity, or capacity is measured overloaded)",
    )  # fmt: skip
    add("--step", type=positive(float), default=8.0, help="seconds per ramp step (default 8)")
    add("--max-steps", type=positive(int), default=14, help="ramp steps at most (default 14)")
    add("--duration", type=positive(float), default=30.0, help="seconds at twice capacity (default 30)")
    add("--warmup", type=positive(float), default=3.0, help="seconds at the start rate first, not measured (default 3)")
    add("--drain", type=positive(float), default=10.0, help="seconds to wait for answers after a phase (default 10)")
    add("--networks", type=positive(int), default=8, help="loopback client networks 127.1.N.1 (default 8)")
    add(
        "--gateway-env", type=env_pair, action="append", default=[], metavar="PENGHUBUNG_NAME=value",
        help="a setting for the gateway (repeatable), e.g. PENGHUBUNG_ADMISSION_CONCURRENCY=0 for none",
    )  # fmt: skip
    add("--report-only", action="store_true", help="exit 0 even when the target is missed")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        outcome = asyncio.run(bench(args))
    except (KeyboardInterrupt, asyncio.CancelledError):
        note("overload: interrupted; the gateway was stopped")
        return 130
    except (DatabaseSetupError, GatewayError, SeedError, LegitSetupError) as exc:
        note(f"overload: {exc}")
        return 1
    print(report(outcome, args), flush=True)
    for problem in outcome.at_2x.problems:
        note(f"failed at 2x (not OVERLOADED): {problem}")
    met = outcome.ratio >= TARGET_RATIO
    print(
        Measurement("target.goodput_at_2x_ratio", outcome.ratio, "ratio").to_json(BENCH)[:-1]
        + f', "limit": {TARGET_RATIO}, "met": {"true" if met else "false"}}}',
        flush=True,
    )
    if not met:
        note(f"overload: goodput_at_2x_ratio {outcome.ratio:.3f} is under {TARGET_RATIO}")
        return 0 if args.report_only else 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
