"""The soak bench's numbers, from the requests it sent, the fault windows, the memory
samples and the verification; and the goals of issue #18 they are held to.

- `errors_outside_faults`: non-OK answers in the main and the 2x phase that no fault
  window explains (see `bench.soak_faults.Window`); a 429/503 with Retry-After in the 2x
  phase is shedding, counted apart (`shed_at_2x`).
- `goodput_at_2x_ratio`: OK answers completed per second during the 2x phase (answers that
  arrive in its drain do not count) over the peak OK per second of the step test.
- `unrelated_p99_ratio_during_hang`: p99 of the requests not reaching the hanging system,
  sent while it hung, over the p99 of the same sort of requests sent before the first
  fault. Latency includes failed requests (with the time they took to fail).
- `worker_rss_mib_per_hour`: see `bench.soak_memory`.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from bench.load import percentile
from bench.report import Measurement
from bench.soak_faults import Window
from bench.soak_ledger import Sample

SHED_STATUSES = (429, 503)


@dataclass(frozen=True, slots=True)
class Goal:
    """A target a metric is held to."""

    metric: str
    limit: float
    at_most: bool  # True: the value must be <= limit; False: >= limit

    def met(self, value: float) -> bool:
        if math.isnan(value):
            return False
        return value <= self.limit if self.at_most else value >= self.limit

    @property
    def text(self) -> str:
        return f"{'<=' if self.at_most else '>='} {self.limit:g}"


GOALS = (
    Goal("acked_lost", 0, True),
    Goal("stored_twice", 0, True),
    Goal("errors_outside_faults", 0, True),
    Goal("goodput_at_2x_ratio", 0.9, False),
    Goal("unrelated_p99_ratio_during_hang", 1.5, True),
)
# Resident memory flat over a long run: the worker's common slope after warm-up, held to a
# limit only when the main phase lasted at least RSS_JUDGED_AFTER_S (a few minutes show
# warm-up, not a trend). 5 MiB an hour is about the sampler's noise over 30 minutes.
RSS_GOAL = Goal("worker_rss_mib_per_hour", 5.0, True)
RSS_JUDGED_AFTER_S = 1800.0


def goals_for(duration: float) -> tuple[Goal, ...]:
    """The goals a run of a main phase this long is held to."""
    return GOALS + ((RSS_GOAL,) if duration >= RSS_JUDGED_AFTER_S else ())


def is_shed(sample: Sample) -> bool:
    """An honest refusal under overload: 429 or 503 with Retry-After."""
    return sample.status in SHED_STATUSES and sample.retry_after


def unexplained(
    samples: Sequence[Sample], windows: Sequence[Window], *, shedding_phase: str
) -> tuple[list[Sample], int]:
    """Failed requests no fault window explains, and how many were shed in the 2x phase."""
    left: list[Sample] = []
    shed = 0
    for s in samples:
        if s.ok:
            continue
        if s.phase == shedding_phase and is_shed(s):
            shed += 1
            continue
        if not any(w.covers(s.at, s.end, s.reaches) for w in windows):
            left.append(s)
    return left, shed


def ok_per_second(samples: Sequence[Sample], start: float, duration: float) -> float:
    """OK answers completed within [start, start + duration], per second."""
    done = sum(1 for s in samples if s.ok and start <= s.end <= start + duration)
    return done / duration if duration > 0 else float("nan")


def p99_ms(samples: Sequence[Sample]) -> float:
    return percentile([s.latency for s in samples], 99) * 1000.0 if samples else float("nan")


def unrelated_p99_ratio(
    samples: Sequence[Sample],
    regency: str,
    hang: tuple[float, float] | None,
    baseline: tuple[float, float],
) -> tuple[float, float, float, int, int]:
    """(ratio, p99 during the hang, p99 before the faults, their sample counts)."""
    if hang is None:
        return float("nan"), float("nan"), float("nan"), 0, 0
    unrelated = [s for s in samples if s.reaches != regency]
    during = [s for s in unrelated if hang[0] <= s.at <= hang[1]]
    before = [s for s in unrelated if baseline[0] <= s.at < baseline[1]]
    p_during, p_before = p99_ms(during), p99_ms(before)
    ratio = p_during / p_before if p_before and not math.isnan(p_before) else float("nan")
    return ratio, p_during, p_before, len(during), len(before)


def outcome_counts(samples: Sequence[Sample]) -> Counter[str]:
    return Counter(s.outcome for s in samples)


def phase_measurements(name: str, samples: Sequence[Sample], span: float) -> list[Measurement]:
    """Requests, OK per second, p50 and p99 of one phase."""
    lat = [s.latency for s in samples]
    ok = sum(1 for s in samples if s.ok)
    return [
        Measurement(f"{name}.requests", len(samples), "requests"),
        Measurement(f"{name}.ok", ok, "requests"),
        Measurement(f"{name}.ok_per_s", ok / span if span > 0 else float("nan"), "req/s"),
        Measurement(f"{name}.p50", percentile(lat, 50) * 1000.0 if lat else float("nan"), "ms"),
        Measurement(f"{name}.p99", percentile(lat, 99) * 1000.0 if lat else float("nan"), "ms"),
    ]
