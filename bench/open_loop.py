"""Open-loop HTTP load: requests leave on a fixed schedule whether or not earlier ones came
back, so a stalled server shows up as latency instead of as a politely slower client.

Each request's latency runs from the moment it was scheduled to leave (not when it really
left), so time the client itself lost, waiting for a free connection or for its own event
loop, counts too (no coordinated omission).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from bench.load import KEPT_PROBLEMS, percentile

# One request: performs it and returns a problem description, or None if it was fine.
Send = Callable[[], Awaitable[str | None]]
# Picks the next request (kind name and how to send it); called once per request.
Pick = Callable[[], tuple[str, Send]]

UNFINISHED = "unfinished when the run ended"


@dataclass(slots=True)
class KindTally:
    """What one kind of request saw."""

    latencies: list[float] = field(default_factory=list)  # seconds, every finished request
    failures: int = 0
    problems: list[str] = field(default_factory=list)  # the first few distinct ones

    def record(self, latency: float, problem: str | None) -> None:
        self.latencies.append(latency)
        if problem is None:
            return
        self.failures += 1
        if problem not in self.problems and len(self.problems) < KEPT_PROBLEMS:
            self.problems.append(problem)


@dataclass(slots=True)
class OpenLoopResult:
    """Everything one open-loop run saw, by kind of request."""

    kinds: dict[str, KindTally] = field(default_factory=dict)
    elapsed: float = 0.0

    def tally(self, kind: str) -> KindTally:
        return self.kinds.setdefault(kind, KindTally())

    @property
    def latencies(self) -> list[float]:
        return [x for t in self.kinds.values() for x in t.latencies]

    @property
    def requests(self) -> int:
        return sum(len(t.latencies) for t in self.kinds.values())

    @property
    def failures(self) -> int:
        return sum(t.failures for t in self.kinds.values())

    @property
    def problems(self) -> list[str]:
        return [f"{kind}: {p}" for kind, t in self.kinds.items() for p in t.problems]

    def percentile_ms(self, q: float) -> float:
        """The q-th percentile of every request's latency, failures included, in ms."""
        return percentile(self.latencies, q) * 1000.0


async def open_loop(pick: Pick, *, rate: float, duration: float, drain: float) -> OpenLoopResult:
    """Send `rate` requests a second for `duration` seconds (at most rate x duration in
    all), then wait up to `drain` seconds for the last answers; a request still out then
    is cancelled and counted as failed, with the time it had waited."""
    result = OpenLoopResult()
    total = int(rate * duration)
    interval = 1.0 / rate
    pending: set[asyncio.Task[None]] = set()
    cut_off: dict[asyncio.Task[None], tuple[str, float]] = {}

    async def one(kind: str, send: Send, scheduled: float) -> None:
        try:
            problem = await send()
        except (asyncio.CancelledError, KeyboardInterrupt):
            raise
        except Exception as exc:  # a bug in a checker is a failed request, not a dead run
            problem = f"{type(exc).__name__}: {exc}"
        result.tally(kind).record(time.perf_counter() - scheduled, problem)

    began = time.perf_counter()
    for i in range(total):
        scheduled = began + i * interval
        delay = scheduled - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        kind, send = pick()
        task = asyncio.create_task(one(kind, send, scheduled))
        pending.add(task)
        cut_off[task] = (kind, scheduled)
        task.add_done_callback(pending.discard)
    if pending:
        await asyncio.wait(set(pending), timeout=drain)
    ended = time.perf_counter()
    for task in list(pending):
        task.cancel()
        kind, scheduled = cut_off[task]
        result.tally(kind).record(ended - scheduled, UNFINISHED)
    if pending:
        await asyncio.gather(*pending, return_exceptions=True)
    result.elapsed = ended - began
    return result
