"""Resident memory of the worker and the gateway over the run, and its slope.

A sampler reads VmRSS every few seconds. A process started again (after a SIGKILL) is a
new segment: its memory starts over. The slope is one least-squares line per segment with
a common slope (separate intercepts), fitted on samples taken after each segment's
warm-up, so a restart neither hides growth nor looks like it.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Callable
from dataclasses import dataclass, field

SAMPLE_EVERY_S = 2.0


@dataclass(slots=True)
class Series:
    """(seconds since the run began, MiB) samples of one process, by pid."""

    segments: dict[int, list[tuple[float, float]]] = field(default_factory=dict)

    def add(self, pid: int, at: float, mib: float) -> None:
        self.segments.setdefault(pid, []).append((at, mib))

    def peak(self) -> float:
        return max((m for seg in self.segments.values() for _, m in seg), default=float("nan"))

    def slope_mib_per_hour(self, warmup: float) -> float:
        """The common slope of every segment after its first `warmup` seconds; NaN with
        fewer than three such samples in all."""
        num = den = 0.0
        used = 0
        for samples in self.segments.values():
            if not samples:
                continue
            first = samples[0][0]
            kept = [(t, m) for t, m in samples if t - first >= warmup]
            if len(kept) < 2:
                continue
            used += len(kept)
            mean_t = sum(t for t, _ in kept) / len(kept)
            mean_m = sum(m for _, m in kept) / len(kept)
            num += sum((t - mean_t) * (m - mean_m) for t, m in kept)
            den += sum((t - mean_t) ** 2 for t, _ in kept)
        if used < 3 or den == 0:
            return float("nan")
        return num / den * 3600.0


async def sample_memory(
    probes: dict[str, Callable[[], tuple[int | None, float | None]]],
    series: dict[str, Series],
    origin: float,
    stop: asyncio.Event,
) -> None:
    """Until `stop`: every few seconds, each probe's (pid, MiB) into its series."""
    while not stop.is_set():
        at = time.monotonic() - origin
        for name, probe in probes.items():
            pid, mib = probe()
            if pid is not None and mib is not None:
                series.setdefault(name, Series()).add(pid, at, mib)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), SAMPLE_EVERY_S)
