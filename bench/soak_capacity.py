"""A short step test: what the stack serves with the soak's own mix, before the soak.

The mix runs open loop at rising rates, a few seconds each. A step holds when nearly all
of it was answered OK (>= 95%, completed within the step plus a short drain) and its p99
stays under a second; the test stops at the first step that does not hold, or at the
highest rate allowed. A step's OK rate counts the OK answers completed within the step
itself, the way the 2x phase's goodput is counted. Capacity is the OK rate of the last step
that held; the peak is the highest OK rate any step reached (the denominator of the goodput
ratio).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from bench.soak_metrics import ok_per_second, p99_ms
from bench.soak_traffic import Mix, open_loop

HOLD_OK_SHARE = 0.95
HOLD_P99_MS = 1000.0
STEP_DRAIN_S = 5.0


@dataclass(frozen=True, slots=True)
class Step:
    rate: float
    ok_per_s: float
    p99_ms: float
    ok_share: float

    @property
    def held(self) -> bool:
        return self.ok_share >= HOLD_OK_SHARE and self.p99_ms <= HOLD_P99_MS


@dataclass(slots=True)
class Capacity:
    steps: list[Step] = field(default_factory=list)

    @property
    def capacity(self) -> float:
        held = [s.ok_per_s for s in self.steps if s.held]
        return max(held) if held else (self.steps[0].ok_per_s if self.steps else float("nan"))

    @property
    def peak(self) -> float:
        return max((s.ok_per_s for s in self.steps), default=float("nan"))


def step_rates(start: float, factor: float, highest: float) -> list[float]:
    """start, start x factor, ... up to `highest` (which is always the last)."""
    rates, rate = [], start
    while rate < highest:
        rates.append(round(rate, 1))
        rate *= factor
    rates.append(highest)
    return rates


async def measure_capacity(
    mix: Mix,
    *,
    start: float,
    factor: float,
    highest: float,
    seconds: float,
    origin_now: Callable[[], float],
    note: Callable[[str], None],
) -> Capacity:
    """Run the steps until one does not hold."""
    found = Capacity()
    for rate in step_rates(start, factor, highest):
        began = origin_now()
        samples = await open_loop(mix, rate=rate, duration=seconds, drain=STEP_DRAIN_S, phase=f"step_{rate:g}")
        # Answers that arrive in the drain are a stalled gateway catching up, not a rate
        # it held: counted in the window alone, as the 2x phase's goodput is.
        ok_rate = ok_per_second(samples, began, seconds)
        share = sum(1 for s in samples if s.ok) / len(samples) if samples else 0.0
        step = Step(rate, ok_rate, p99_ms(samples), share)
        found.steps.append(step)
        note(f"  step {rate:g} req/s: {ok_rate:.1f} OK/s, {share:.1%} OK, p99 {step.p99_ms:.0f} ms")
        if not step.held:
            break
    return found
