"""Fan-out benchmark: a live list over 1, 17, 100 and 514 sources that each answer in 50 ms.

    .venv/bin/python -m bench.fanout                   # 30 rounds per size
    .venv/bin/python -m bench.fanout --rounds 10 --latency-ms 100

The simulators run in a child process (bench.nation_server); this process is the gateway's
side: one aiohttp session and a connector per source (each with its own connection cap and
circuit breaker), and the fan-out the `complaints(live: true)` query runs
(gateway.federation.fanout). For each size it reports the whole fan-out's time and the
slowest source's own latency, measured in the same round, and their ratio: near 1 means the
fan-out costs what its slowest source costs, not the sum. Memory: the process's resident
size before and after configuring 514 connectors, and after a fan-out to all of them.

Then the same 514 sources with faults, as the fan-out test sets them (5% hanging, 5%
answering 503, chosen by the same seed): the fan-out's time under its deadline
(`--deadline`, 1.5 s), and how far past the deadline the answer came. This is the timing
the unit test (tests/federation/test_fanout.py) asserted until it moved here: an answer
within the deadline plus one second. Each faulted round uses fresh connectors, so that no
circuit opens across rounds and every round waits for the hanging sources.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import resource
import statistics
import subprocess
import sys
import time
from collections import Counter
from datetime import UTC, datetime

import aiohttp

from connectors.http import Policy
from connectors.sandbox.nation import nation_connectors, regency_codes, source_name
from gateway.domain.sources import upstream_session
from gateway.federation.fanout import FanOut
from gateway.sync.topology import Topology
from schema.live import Outcome

SIZES = (1, 17, 100, 514)
SINCE = datetime(2000, 1, 1, tzinfo=UTC)  # every seeded record
HANGING = FAILING = 26  # 5% each of 514, as in tests/federation/test_fanout.py
FAULT_ROUNDS = 5  # each waits the whole deadline


def _rss_mb() -> float:
    with open("/proc/self/statm") as f:
        pages = int(f.read().split()[1])
    return pages * resource.getpagesize() / 2**20


def _spread(codes: list[str], n: int) -> list[str]:
    """n codes spread over the whole list (every province), always including Sumatera Selatan's for 17."""
    if n == 17:
        return [c for c in codes if c.startswith("16.")]
    step = len(codes) / n
    return [codes[int(i * step)] for i in range(n)]


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


async def _set_faults(http: aiohttp.ClientSession, url: str, codes: list[str], switches: dict[str, object]) -> None:
    """Switch faults on the child process's simulators through their HTTP control."""
    for code in codes:
        async with http.post(f"{url}/{code}/_sandbox/faults", json=switches) as response:
            if response.status != 200:
                raise SystemExit(f"bench.fanout: could not set faults on {code}: {await response.text()}")


async def _faulted(
    http: aiohttp.ClientSession, url: str, codes: list[str], deadline: float, latency_ms: int
) -> tuple[list[float], Counter[Outcome]]:
    """Fan-outs to every source with 5% hanging and 5% failing: each round's time, and the
    outcomes of the last round."""
    picked = random.Random(514).sample(sorted(codes), HANGING + FAILING)
    hanging, failing = picked[:HANGING], picked[HANGING:]
    await _set_faults(http, url, hanging, {"timeout": True})
    await _set_faults(http, url, failing, {"down": "503"})
    totals: list[float] = []
    counts: Counter[Outcome] = Counter()
    try:
        for _ in range(FAULT_ROUNDS):
            connectors = nation_connectors(http, url, codes, policy=Policy(attempts=1, total_timeout=deadline * 10))
            fanout = FanOut(connectors, Topology(regencies={c: source_name(c) for c in codes}), deadline=deadline)
            started = time.perf_counter()
            _, outcomes = await fanout.gather(None, since=SINCE)
            totals.append((time.perf_counter() - started) * 1000)
            counts = Counter(o.outcome for o in outcomes)
    finally:
        await _set_faults(http, url, picked, {"clear": True, "latency_ms": latency_ms})
    return totals, counts


async def _run(url: str, rounds: int, deadline: float, latency_ms: int) -> None:
    codes = regency_codes()
    rss_before = _rss_mb()
    async with upstream_session() as http:  # the gateway's own session
        connectors = nation_connectors(http, url, codes, policy=Policy(attempts=1, total_timeout=10.0))
        rss_configured = _rss_mb()
        rows = []
        for n in SIZES:
            chosen = _spread(codes, n)
            fanout = FanOut(
                {source_name(c): connectors[source_name(c)] for c in chosen},
                Topology(regencies={c: source_name(c) for c in chosen}),
                deadline=10.0,
            )
            totals, slowest, ratios = [], [], []
            for i in range(rounds + 2):
                started = time.perf_counter()
                records, outcomes = await fanout.gather(None, since=SINCE)
                total = (time.perf_counter() - started) * 1000
                if any(o.failed for o in outcomes):
                    raise SystemExit(f"bench.fanout: a source failed: {[o for o in outcomes if o.failed][:3]}")
                if i < 2:
                    continue  # warm-up: connections opened
                worst = max(o.latency_ms for o in outcomes)
                totals.append(total)
                slowest.append(worst)
                ratios.append(total / worst)
            rows.append(
                (
                    n,
                    len(records),
                    statistics.median(totals),
                    _pct(totals, 0.95),
                    statistics.median(slowest),
                    statistics.median(ratios),
                )
            )
            print(f"bench.fanout: {n} sources done", file=sys.stderr)
        rss_after = _rss_mb()
        print("bench.fanout: 514 sources with faults", file=sys.stderr)
        faulted, outcomes = await _faulted(http, url, codes, deadline, latency_ms)
    print(f"\nFan-out, every source answering after its simulated latency; {rounds} rounds per size\n")
    print(
        f"{'sources':>8} {'records':>8} {'total p50 ms':>13} {'total p95 ms':>13} {'slowest p50 ms':>15} {'total/slowest':>14}"
    )
    for n, recs, p50, p95, worst, ratio in rows:
        print(f"{n:>8} {recs:>8} {p50:>13.1f} {p95:>13.1f} {worst:>15.1f} {ratio:>14.2f}")
    print(
        f"\nresident memory (MB): before {rss_before:.1f}, with 514 connectors {rss_configured:.1f} "
        f"(+{rss_configured - rss_before:.1f}, {(rss_configured - rss_before) * 1024 / 514:.1f} KB per source), "
        f"after fan-outs to all {rss_after:.1f}"
    )
    past = [t - deadline * 1000 for t in faulted]
    print(
        f"\nFan-out to 514 sources, {HANGING} hanging and {FAILING} answering 503; deadline {deadline:g} s; {FAULT_ROUNDS} rounds\n"
    )
    print(
        f"{'total p50 ms':>13} {'total max ms':>13} {'past deadline p50 ms':>21} {'past deadline max ms':>21}  outcomes (last round)"
    )
    print(
        f"{statistics.median(faulted):>13.1f} {max(faulted):>13.1f} {statistics.median(past):>21.1f} {max(past):>21.1f}  "
        + ", ".join(f"{o.value} {n}" for o, n in sorted(outcomes.items(), key=lambda kv: kv[0].value))
    )
    if outcomes[Outcome.TIMEOUT] != HANGING or outcomes[Outcome.ERROR] != FAILING:
        raise SystemExit(f"bench.fanout: expected {HANGING} timeouts and {FAILING} errors, got {dict(outcomes)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--latency-ms", type=int, default=50)
    parser.add_argument(
        "--deadline", type=float, default=1.5, help="the fan-out deadline of the faulted rounds, in seconds"
    )
    args = parser.parse_args()
    server = subprocess.Popen(
        [sys.executable, "-m", "bench.nation_server", "--latency-ms", str(args.latency_ms)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        url = server.stdout.readline().strip() if server.stdout else ""
        if not url.startswith("http://"):
            raise SystemExit("bench.fanout: the simulator process did not start")
        asyncio.run(_run(url, args.rounds, args.deadline, args.latency_ms))
    finally:
        if server.stdin:
            server.stdin.close()
        server.wait(timeout=10)


if __name__ == "__main__":
    main()
