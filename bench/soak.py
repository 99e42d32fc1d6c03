"""Soak under faults (issue #18): the whole stack under an operator's traffic for a set
time, four faults injected, then every acknowledged write looked for everywhere.

    .venv/bin/python -m bench.soak                         # 3 minutes at 0.6 x capacity
    .venv/bin/python -m bench.soak --duration 1800 --report-only

Stack (`bench.soak_stack`): the province sandbox, `penghubung serve`, `penghubung worker`,
a fresh PostgreSQL database (dropped at the end) and Redis. Traffic (`bench.soak_traffic`),
faults (`bench.soak_faults`), step test (`bench.soak_capacity`), memory
(`bench.soak_memory`), verification (`bench.soak_verify`) and metrics
(`bench.soak_metrics`) each live in their own module. See bench/README.md.
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
from pathlib import Path
from urllib.parse import urlsplit

import asyncpg

from auth.dev import load_or_create
from bench.arguments import positive
from bench.databases import DEFAULT_POSTGRES_ADMIN_URL, fresh_database
from bench.report import Measurement
from bench.seed import seed_database
from bench.soak_capacity import measure_capacity
from bench.soak_faults import Injector, Plan
from bench.soak_memory import Series, sample_memory
from bench.soak_metrics import (
    ok_per_second,
    outcome_counts,
    phase_measurements,
    unexplained,
    unrelated_p99_ratio,
)  # fmt: skip
from bench.soak_report import print_results
from bench.soak_stack import Stack, start_stack
from bench.soak_traffic import Ledger, Mix, client_sessions, open_loop, read_targets
from bench.soak_verify import judge, read_places, wait_for_drain

DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/13"
DEFAULT_REGENCY = (
    "16.03"  # Muara Enim, rest_json_v1: readable, so its writes can be verified
)
PULL_WAIT_S = 120.0


def note(message: str) -> None:
    """Progress goes to stderr, so stdout holds only the results."""
    print(message, file=sys.stderr, flush=True)


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m bench.soak",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument(
        "--duration",
        type=positive(float),
        default=180.0,
        help="seconds of the main phase, faults included (default 180; 120 to 1800+)",
    )
    p.add_argument(
        "--load",
        type=positive(float),
        default=0.6,
        help="main-phase rate as a share of the measured capacity (default 0.6)",
    )
    p.add_argument(
        "--rate",
        type=positive(float),
        default=None,
        help="main-phase rate in req/s (default: --load x capacity)",
    )
    p.add_argument(
        "--capacity",
        type=positive(float),
        default=None,
        help="capacity in req/s: skip the step test and take this as capacity and peak",
    )
    p.add_argument(
        "--step-start",
        type=positive(float),
        default=10.0,
        help="first step of the step test (req/s, 10)",
    )
    p.add_argument(
        "--step-factor",
        type=positive(float),
        default=1.5,
        help="each step's rate over the last (1.5)",
    )
    p.add_argument(
        "--step-max",
        type=positive(float),
        default=240.0,
        help="highest step (req/s, 240)",
    )
    p.add_argument(
        "--step-seconds", type=positive(float), default=8.0, help="seconds per step (8)"
    )
    p.add_argument(
        "--overload-seconds",
        type=positive(float),
        default=30.0,
        help="seconds of the phase at twice capacity (30)",
    )
    p.add_argument(
        "--fault-grace",
        type=positive(float),
        default=10.0,
        help="seconds after a fault ends during which its failures are still explained (10)",
    )
    p.add_argument(
        "--regency",
        default=DEFAULT_REGENCY,
        help=f"the kab/kota whose system fails, then hangs (default {DEFAULT_REGENCY})",
    )
    p.add_argument(
        "--rss-warmup",
        type=positive(float),
        default=30.0,
        help="seconds after each worker start left out of the memory slope (30)",
    )
    p.add_argument(
        "--settle",
        type=positive(float),
        default=300.0,
        help="longest wait for the outbox to drain before verifying (300 s)",
    )
    p.add_argument(
        "--drain",
        type=positive(float),
        default=15.0,
        help="wait for answers still out after each phase (15 s)",
    )
    p.add_argument(
        "--postgres-admin-url",
        default=DEFAULT_POSTGRES_ADMIN_URL,
        help="where the bench database is created and dropped",
    )
    p.add_argument(
        "--redis-url",
        default=DEFAULT_REDIS_URL,
        help=f"the Redis the gateway and worker share (default {DEFAULT_REDIS_URL})",
    )
    p.add_argument(
        "--report-only", action="store_true", help="exit 0 even when a goal is missed"
    )
    p.add_argument(
        "--keep-logs",
        type=Path,
        default=None,
        help="copy the gateway, worker and sandbox logs into this directory",
    )
    return p


async def wait_for_first_pull(database_url: str, stack: Stack) -> int:
    """Until the worker has pulled every source once (the index stops growing for longer
    than a pull interval)."""
    dsn = database_url.replace("postgres://", "postgresql://", 1)
    began, last, stable = time.monotonic(), -1, 0
    while time.monotonic() - began < PULL_WAIT_S:
        if not stack.worker.alive():
            raise RuntimeError(
                f"the worker exited; its output:\n{stack.worker.log_tail()}"
            )
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
        f"the index held {last} complaints after {PULL_WAIT_S:g} s; the worker's output:\n"
        f"{stack.worker.log_tail()}"
    )


async def run(args: argparse.Namespace) -> int:
    run_id = uuid.uuid4().hex[:8].upper()
    with tempfile.TemporaryDirectory(prefix="penghubung-soak-") as tmp:
        workdir = Path(tmp)
        async with fresh_database(
            "postgres", tmp_dir=workdir, postgres_admin_url=args.postgres_admin_url
        ) as url:
            note(
                f"soak {run_id}: database {urlsplit(url).path.lstrip('/')}; migrating, loading reference data"
            )
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
                            (args.keep_logs / part.log_path.name).write_bytes(
                                part.log_path.read_bytes()
                            )


async def soak(
    args: argparse.Namespace, run_id: str, stack: Stack, url: str, keys: object
) -> int:
    regencies = [r.kode_wilayah for r in stack.sandbox.config.connected]
    if args.regency not in regencies:
        raise SystemExit(
            f"--regency {args.regency} is not a connected kab/kota ({', '.join(regencies)})"
        )
    pulled = await wait_for_first_pull(url, stack)
    targets = await read_targets(url, regencies)
    note(
        f"  first pull: {pulled} complaints, {len(targets.public)} public, {len(targets.actionable)} actionable"
    )
    origin = time.monotonic()
    now = lambda: time.monotonic() - origin  # noqa: E731
    ledger = Ledger()
    sessions = client_sessions()
    series: dict[str, Series] = {}
    stop_sampling = asyncio.Event()
    probes = {
        "worker": lambda: (stack.worker.pid, stack.worker.rss_mib()),
        "gateway": lambda: (stack.gateway.pid, stack.gateway.rss_mib()),
    }
    sampler = asyncio.create_task(sample_memory(probes, series, origin, stop_sampling))
    stop_supervising = asyncio.Event()
    supervisor = asyncio.create_task(stack.supervise(stop_supervising, note))
    injector: Injector | None = None
    try:
        mix = Mix(
            stack.graphql_url,
            sessions,
            keys,
            targets,
            ledger,
            run_id=run_id,
            origin=origin,
        )  # type: ignore[arg-type]
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
            capacity, peak, steps = found.capacity, found.peak, found.steps
        else:
            capacity, peak, steps = args.capacity, args.capacity, []
        rate = args.rate or args.load * capacity
        note(
            f"main phase: {rate:.1f} req/s for {args.duration:g} s (capacity {capacity:.1f}, peak {peak:.1f} OK/s)"
        )
        plan = Plan.spread(args.duration)
        main_start = now()
        injector = Injector(
            stack,
            plan,
            regency=args.regency,
            admin_url=args.postgres_admin_url,
            database=urlsplit(url).path.lstrip("/"),
            origin=origin,
            grace=args.fault_grace,
            note=note,
        )
        faults = asyncio.create_task(injector.run(main_start))
        main = await open_loop(
            mix, rate=rate, duration=args.duration, drain=args.drain, phase="main"
        )
        await faults
        overload_rate = 2 * capacity
        note(f"2x phase: {overload_rate:.1f} req/s for {args.overload_seconds:g} s")
        overload_start = now()
        overload = await open_loop(
            mix,
            rate=overload_rate,
            duration=args.overload_seconds,
            drain=args.drain,
            phase="overload",
        )
    finally:
        stop_sampling.set()
        await sampler
        for s in sessions:
            await s.close()
        if injector is not None:
            with contextlib.suppress(Exception):
                await injector.clear()
    note(f"waiting for the outbox to drain (at most {args.settle:g} s)")
    try:
        drained_in, backlog = await wait_for_drain(url, args.settle, note)
    finally:
        stop_supervising.set()
        await supervisor
    note(
        f"  outbox after {drained_in:.0f} s: {backlog}; verifying {len(ledger.writes)} writes"
    )
    places = await read_places(url, stack.sandbox, f"SOAK{run_id}N")
    verdict = judge(ledger.writes, places, stack.sandbox)
    for line in verdict.examples:
        note(f"  {line}")

    # -- the numbers ------------------------------------------------------------------------
    windows = injector.windows
    baseline = (main_start, main_start + plan.postgres)
    errors, shed = unexplained([*main, *overload], windows, shedding_phase="overload")
    ratio, p_hang, p_before, n_hang, n_before = unrelated_p99_ratio(
        main, args.regency, injector.hang, baseline
    )
    goodput = ok_per_second(overload, overload_start, args.overload_seconds)
    worker_slope = series.get("worker", Series()).slope_mib_per_hour(args.rss_warmup)
    gateway_slope = series.get("gateway", Series()).slope_mib_per_hour(args.rss_warmup)
    headline = {
        "acked_lost": (verdict.acked_lost, "writes"),
        "stored_twice": (verdict.stored_twice, "writes"),
        "errors_outside_faults": (len(errors), "requests"),
        "goodput_at_2x_ratio": (goodput / peak if peak else math.nan, "ratio"),
        "unrelated_p99_ratio_during_hang": (ratio, "ratio"),
        "worker_rss_mib_per_hour": (worker_slope, "MiB/h"),
    }
    details = [
        Measurement("capacity", capacity, "req/s"),
        Measurement("peak_ok_per_s", peak, "req/s"),
        Measurement("main.rate", rate, "req/s"),
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
        Measurement("worker.peak_rss", series.get("worker", Series()).peak(), "MiB"),
        Measurement("gateway.peak_rss", series.get("gateway", Series()).peak(), "MiB"),
        Measurement("gateway_rss_mib_per_hour", gateway_slope, "MiB/h"),
        *(
            Measurement(f"acked.{k}", v, "writes")
            for k, v in sorted(verdict.acked_by_kind.items())
        ),
        *(
            Measurement(f"acked_lost.in.{k}", v, "writes")
            for k, v in sorted(verdict.lost_by_place.items())
        ),
        *(
            Measurement(f"stored_twice.in.{k}", v, "writes")
            for k, v in sorted(verdict.twice_by_place.items())
        ),
        *(
            Measurement(f"errors_outside_faults.{k}", v, "requests")
            for k, v in sorted(outcome_counts(errors).items())
        ),
        *(
            Measurement(f"errors_outside_faults.phase.{k}", v, "requests")
            for k, v in sorted(Counter(e.phase for e in errors).items())
        ),
        *(
            Measurement(f"errors_outside_faults.kind.{k}", v, "requests")
            for k, v in sorted(Counter(e.kind for e in errors).items())
        ),
        *(Measurement(f"step_{s.rate:g}.ok_per_s", s.ok_per_s, "req/s") for s in steps),
        *(
            Measurement(f"fault.{w.fault}.window", w.end - w.start, "s")
            for w in windows
        ),
    ]
    missed = print_results(headline, details)
    if missed:
        note(f"goals missed: {', '.join(missed)}")
    return 0 if args.report_only or not missed else 1


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return asyncio.run(run(args))
    except KeyboardInterrupt:
        note("interrupted")
        return 130


if __name__ == "__main__":
    sys.exit(main())
