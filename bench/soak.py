"""Soak under faults (issue #18): the whole stack under an operator's traffic for a set
time, four faults injected, then every acknowledged write looked for everywhere.

    .venv/bin/python -m bench.soak                         # 3 minutes at 0.6 x capacity
    .venv/bin/python -m bench.soak --duration 1800 --report-only

Modules, one concept each: the stack (`bench.soak_stack`), the command line
(`bench.soak_options`), what the traffic acts on (`bench.soak_targets`), the traffic
(`bench.soak_traffic`) and its record (`bench.soak_ledger`), the step test
(`bench.soak_capacity`), the faults (`bench.soak_faults`), memory (`bench.soak_memory`),
the verification (`bench.soak_verify`), the metrics (`bench.soak_metrics`) and the output
(`bench.soak_report`). See bench/README.md.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import math
import sys
import tempfile
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import asyncpg

from auth.dev import DevKeys, load_or_create
from bench.databases import fresh_database
from bench.report import Measurement
from bench.seed import seed_database
from bench.soak_capacity import Step, measure_capacity
from bench.soak_faults import Injector, Plan
from bench.soak_ledger import Ledger, Sample
from bench.soak_memory import Series, sample_memory
from bench.soak_metrics import (
    goals_for,
    ok_per_second,
    outcome_counts,
    phase_measurements,
    unexplained,
    unrelated_p99_ratio,
)  # fmt: skip
from bench.soak_options import build_parser
from bench.soak_report import print_results
from bench.soak_stack import Stack, start_stack
from bench.soak_targets import read_targets
from bench.soak_traffic import Mix, client_sessions, open_loop
from bench.soak_verify import Verdict, judge, read_places, wait_for_drain

PULL_WAIT_S = 120.0


def note(message: str) -> None:
    """Progress goes to stderr, so stdout holds only the results."""
    print(message, file=sys.stderr, flush=True)


async def wait_for_first_pull(database_url: str, stack: Stack) -> int:
    """Until the worker has pulled every source once (the index stops growing for longer
    than a pull interval)."""
    dsn = database_url.replace("postgres://", "postgresql://", 1)
    began, last, stable = time.monotonic(), -1, 0
    while time.monotonic() - began < PULL_WAIT_S:
        if not stack.worker.alive():
            raise RuntimeError(f"the worker exited; its output:\n{stack.worker.log_tail()}")
        conn = await asyncpg.connect(dsn)
        try:
            count = await conn.fetchval("SELECT count(*) FROM complaint")
        finally:
            await conn.close()
        stable = stable + 1 if count == last and count > 0 else 0
        last = count
        # Longer than a pull interval (5 s) without news: every source has been read.
        if stable >= 4:
            return int(count)
        await asyncio.sleep(2.0)
    raise RuntimeError(
        f"the index held {last} complaints after {PULL_WAIT_S:g} s; the worker's output:\n{stack.worker.log_tail()}"
    )


async def run(args: argparse.Namespace) -> int:
    run_id = uuid.uuid4().hex[:8].upper()
    with tempfile.TemporaryDirectory(prefix="penghubung-soak-") as tmp:
        workdir = Path(tmp)
        async with fresh_database("postgres", tmp_dir=workdir, postgres_admin_url=args.postgres_admin_url) as url:
            note(f"soak {run_id}: database {urlsplit(url).path.lstrip('/')}; migrating, loading reference data")
            await seed_database(url, complaints=0, sample=0)
            keys = load_or_create(workdir / "dev-keys")
            stack = await start_stack(workdir, url, args.redis_url)
            try:
                return await soak(args, run_id, stack, url, keys)
            finally:
                await stack.stop()
                if args.keep_logs:
                    args.keep_logs.mkdir(parents=True, exist_ok=True)
                    for part in (stack.gateway, stack.worker, stack.sandbox_process):
                        with contextlib.suppress(OSError):
                            (args.keep_logs / part.log_path.name).write_bytes(part.log_path.read_bytes())


@dataclass
class Phases:
    """What the traffic phases measured (filled in as they run)."""

    capacity: float = math.nan
    peak: float = math.nan
    steps: list[Step] = field(default_factory=list)
    rate: float = math.nan
    plan: Plan | None = None
    injector: Injector | None = None
    main_start: float = 0.0
    main: list[Sample] = field(default_factory=list)
    overload_start: float = 0.0
    overload: list[Sample] = field(default_factory=list)


async def drive(args: argparse.Namespace, stack: Stack, mix: Mix, url: str, phases: Phases) -> None:
    """Warm-up, step test, the main phase with its faults, the 2x phase."""
    now = lambda: time.monotonic() - mix.origin  # noqa: E731
    note("  warm-up: 5 s at 5 req/s")
    await open_loop(mix, rate=5, duration=5, drain=args.drain, phase="warmup")
    if args.capacity is None:
        note("step test:")
        found = await measure_capacity(
            mix,
            start=args.step_start,
            factor=args.step_factor,
            highest=args.step_max,
            seconds=args.step_seconds,
            origin_now=now,
            note=note,
        )
        phases.capacity, phases.peak, phases.steps = (
            found.capacity,
            found.peak,
            found.steps,
        )
        # The last step overloaded the gateway on purpose: its backlog must clear before
        # the main phase's first seconds serve as the baseline.
        note(f"  quiet for {args.drain:g} s")
        await asyncio.sleep(args.drain)
    else:
        phases.capacity = phases.peak = args.capacity
    phases.rate = args.rate or args.load * phases.capacity
    note(
        f"main phase: {phases.rate:.1f} req/s for {args.duration:g} s "
        f"(capacity {phases.capacity:.1f}, peak {phases.peak:.1f} OK/s)"
    )
    phases.plan = Plan.spread(args.duration)
    phases.main_start = now()
    phases.injector = Injector(
        stack,
        phases.plan,
        regency=args.regency,
        admin_url=args.postgres_admin_url,
        database=urlsplit(url).path.lstrip("/"),
        origin=mix.origin,
        grace=args.fault_grace,
        note=note,
    )
    faults = asyncio.create_task(phases.injector.run(phases.main_start))
    try:
        phases.main = await open_loop(
            mix,
            rate=phases.rate,
            duration=args.duration,
            drain=args.drain,
            phase="main",
        )
        await faults
    finally:
        faults.cancel()
        with contextlib.suppress(Exception):
            await phases.injector.clear()
    overload_rate = 2 * phases.capacity
    note(f"2x phase: {overload_rate:.1f} req/s for {args.overload_seconds:g} s")
    phases.overload_start = now()
    phases.overload = await open_loop(
        mix,
        rate=overload_rate,
        duration=args.overload_seconds,
        drain=args.drain,
        phase="overload",
    )


async def soak(args: argparse.Namespace, run_id: str, stack: Stack, url: str, keys: DevKeys) -> int:
    regencies = [r.kode_wilayah for r in stack.sandbox.config.connected]
    if args.regency not in regencies:
        raise SystemExit(f"--regency {args.regency} is not a connected kab/kota ({', '.join(regencies)})")
    pulled = await wait_for_first_pull(url, stack)
    targets = await read_targets(url, regencies)
    note(f"  first pull: {pulled} complaints, {len(targets.public)} public, {len(targets.actionable)} actionable")
    origin = time.monotonic()
    ledger = Ledger()
    sessions = client_sessions()
    series: dict[str, Series] = {}
    probes = {
        "worker": lambda: (stack.worker.pid, stack.worker.rss_mib()),
        "gateway": lambda: (stack.gateway.pid, stack.gateway.rss_mib()),
    }
    stop_sampling, stop_supervising = asyncio.Event(), asyncio.Event()
    sampler = asyncio.create_task(sample_memory(probes, series, origin, stop_sampling))
    # Until the outbox has drained: a crashed worker would leave it undrained.
    supervisor = asyncio.create_task(stack.supervise(stop_supervising, note))
    phases = Phases()
    try:
        try:
            mix = Mix(
                stack.graphql_url,
                sessions,
                keys,
                targets,
                ledger,
                run_id=run_id,
                origin=origin,
            )
            await drive(args, stack, mix, url, phases)
        finally:
            stop_sampling.set()
            await sampler
            for s in sessions:
                await s.close()
        note(f"waiting for the outbox to drain (at most {args.settle:g} s)")
        drained_in, backlog = await wait_for_drain(url, args.settle, note)
    finally:
        stop_supervising.set()
        await supervisor
    note(f"  outbox after {drained_in:.0f} s: {backlog}; verifying {len(ledger.writes)} writes")
    # Nothing writes to the systems while they are read: a list paged by update time
    # would show a record updated meanwhile twice and skip another.
    await stack.worker.stop()
    await stack.gateway.stop()
    places = await read_places(url, stack.sandbox, f"SOAK{run_id}N")
    verdict = judge(ledger.writes, places, stack.sandbox)
    for line in verdict.examples:
        note(f"  {line}")
    headline, details = numbers(args, phases, verdict, series, stack, drained_in, backlog)
    missed = print_results(headline, details, goals_for(args.duration))
    if missed:
        note(f"goals missed: {', '.join(missed)}")
    return 0 if args.report_only or not missed else 1


def numbers(
    args: argparse.Namespace,
    phases: Phases,
    verdict: Verdict,
    series: dict[str, Series],
    stack: Stack,
    drained_in: float,
    backlog: dict[str, int],
) -> tuple[dict[str, tuple[float, str]], list[Measurement]]:
    """The headline metrics (value, unit) and the details, from everything measured."""
    assert phases.injector is not None and phases.plan is not None
    injector, main, overload = phases.injector, phases.main, phases.overload
    baseline = (phases.main_start, phases.main_start + phases.plan.postgres)
    errors, shed = unexplained([*main, *overload], injector.windows, shedding_phase="overload")
    ratio, p_hang, p_before, n_hang, n_before = unrelated_p99_ratio(main, args.regency, injector.hang, baseline)
    goodput = ok_per_second(overload, phases.overload_start, args.overload_seconds)
    worker, gateway = series.get("worker", Series()), series.get("gateway", Series())
    headline = {
        "acked_lost": (float(verdict.acked_lost), "writes"),
        "stored_twice": (float(verdict.stored_twice), "writes"),
        "errors_outside_faults": (float(len(errors)), "requests"),
        "goodput_at_2x_ratio": (
            goodput / phases.peak if phases.peak else math.nan,
            "ratio",
        ),
        "unrelated_p99_ratio_during_hang": (ratio, "ratio"),
        "worker_rss_mib_per_hour": (
            worker.slope_mib_per_hour(args.rss_warmup),
            "MiB/h",
        ),
    }

    def counted(prefix: str, counts: Counter[str], unit: str) -> list[Measurement]:
        return [Measurement(f"{prefix}.{k}", v, unit) for k, v in sorted(counts.items())]

    details = [
        Measurement("capacity", phases.capacity, "req/s"),
        Measurement("peak_ok_per_s", phases.peak, "req/s"),
        Measurement("main.rate", phases.rate, "req/s"),
        *phase_measurements("main", main, args.duration),
        *phase_measurements("overload", overload, args.overload_seconds),
        Measurement("overload.goodput", goodput, "req/s"),
        Measurement("shed_at_2x", shed, "requests"),
        Measurement("hang.unrelated_p99", p_hang, "ms"),
        Measurement("hang.unrelated_requests", n_hang, "requests"),
        Measurement("baseline.unrelated_p99", p_before, "ms"),
        Measurement("baseline.unrelated_requests", n_before, "requests"),
        Measurement("writes", verdict.writes, "writes"),
        Measurement("writes.acked", verdict.acked, "writes"),
        Measurement("writes.untrue_errors", verdict.untrue_errors, "writes"),
        Measurement("outbox.drain_seconds", drained_in, "s"),
        Measurement("outbox.pending_after_drain", backlog.get("pending", 0), "entries"),
        Measurement("outbox.dead", backlog.get("dead", 0), "entries"),
        Measurement("gateway.crashes", stack.gateway.crashes, "exits"),
        Measurement("worker.crashes", stack.worker.crashes, "exits"),
        Measurement("worker.peak_rss", worker.peak(), "MiB"),
        Measurement("gateway.peak_rss", gateway.peak(), "MiB"),
        Measurement(
            "gateway_rss_mib_per_hour",
            gateway.slope_mib_per_hour(args.rss_warmup),
            "MiB/h",
        ),
        *counted("acked", verdict.acked_by_kind, "writes"),
        *counted("acked_lost.in", verdict.lost_by_place, "writes"),
        *counted("stored_twice.in", verdict.twice_by_place, "writes"),
        *counted("errors_outside_faults", outcome_counts(errors), "requests"),
        *counted("errors_outside_faults.phase", Counter(e.phase for e in errors), "requests"),
        *counted("errors_outside_faults.kind", Counter(e.kind for e in errors), "requests"),
        *(Measurement(f"step_{s.rate:g}.ok_per_s", s.ok_per_s, "req/s") for s in phases.steps),
        *(Measurement(f"fault.{w.fault}.window", w.end - w.start, "s") for w in injector.windows),
    ]
    return headline, details


def main(argv: list[str] | None = None) -> int:
    args = build_parser(__doc__ or "").parse_args(argv)
    try:
        return asyncio.run(run(args))
    except KeyboardInterrupt:
        note("interrupted")
        return 130


if __name__ == "__main__":
    sys.exit(main())
