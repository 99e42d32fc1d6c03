"""Samples `GET /healthz` on a fixed schedule while a benchmark runs: if the gateway's event
loop is held by one request, every other request waits, and `/healthz` (which does no work
at all) shows how long.

Samples leave on schedule whether or not earlier ones came back (a frozen gateway must not
make the probe quieter), over a pool large enough that no sample waits for a connection;
a sample still out when the probe stops counts with the time it had waited by then.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Sequence
from dataclasses import dataclass, field

import aiohttp

from bench.load import percentile

PROBE_TIMEOUT_S = 60.0
MAX_IN_FLIGHT = 500  # beyond this the gateway is plainly stuck; skip instead of piling on


@dataclass(frozen=True, slots=True)
class Sample:
    """One probe: when it left (`time.monotonic()`), how long it took, whether it was a 200."""

    sent: float
    latency: float
    ok: bool


@dataclass(frozen=True, slots=True)
class HealthStats:
    """Latency of the samples sent within some window."""

    samples: int
    failures: int
    p50_ms: float
    p99_ms: float
    max_ms: float

    @classmethod
    def of(cls, samples: Sequence[Sample]) -> HealthStats:
        latencies = [s.latency for s in samples]
        return cls(
            samples=len(samples),
            failures=sum(not s.ok for s in samples),
            p50_ms=percentile(latencies, 50) * 1000.0,
            p99_ms=percentile(latencies, 99) * 1000.0,
            max_ms=max(latencies) * 1000.0 if latencies else float("nan"),
        )


@dataclass(slots=True)
class HealthProbe:
    """Call `run()` in a task; cancel it (or call `stop()`) to end; read `samples`."""

    url: str
    interval: float = 0.1
    samples: list[Sample] = field(default_factory=list)
    _out: dict[asyncio.Task[None], float] = field(default_factory=dict)
    _stopping: bool = False

    async def run(self) -> None:
        timeout = aiohttp.ClientTimeout(total=PROBE_TIMEOUT_S)
        connector = aiohttp.TCPConnector(limit=MAX_IN_FLIGHT)
        async with aiohttp.ClientSession(connector=connector, timeout=timeout) as session:
            began = time.monotonic()
            i = 0
            while not self._stopping:
                await asyncio.sleep(max(0.0, began + i * self.interval - time.monotonic()))
                i += 1
                if len(self._out) < MAX_IN_FLIGHT:
                    sent = time.monotonic()
                    task = asyncio.create_task(self._one(session, sent))
                    self._out[task] = sent
                    task.add_done_callback(self._out.pop)
            await self._cut_off()

    async def stop(self, task: asyncio.Task[None]) -> None:
        """End the probe: samples still out count with the time they waited so far."""
        self._stopping = True
        await task

    async def _cut_off(self) -> None:
        now = time.monotonic()
        out = list(self._out.items())
        for task, sent in out:
            task.cancel()
            self.samples.append(Sample(sent, now - sent, ok=False))
        await asyncio.gather(*(task for task, _ in out), return_exceptions=True)

    async def _one(self, session: aiohttp.ClientSession, sent: float) -> None:
        try:
            async with session.get(self.url) as response:
                await response.read()
                ok = response.status == 200
        except (aiohttp.ClientError, TimeoutError):
            ok = False
        self.samples.append(Sample(sent, time.monotonic() - sent, ok))

    def within(self, windows: Sequence[tuple[float, float]]) -> HealthStats:
        """Statistics of the samples sent inside any of `windows` (monotonic instants)."""
        chosen = [s for s in self.samples if any(a <= s.sent <= b for a, b in windows)]
        return HealthStats.of(chosen)
