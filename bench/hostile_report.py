"""The hostile-traffic benchmark's numbers: measurements, targets, and the human tables."""

from __future__ import annotations

import json
import math
import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from bench.health_probe import HealthStats
from bench.load import percentile
from bench.open_loop import OpenLoopResult
from bench.report import Measurement, format_table, number

BENCH = "hostile"
PHASES = ("alone", "beside_hostile")
# Acceptance of issue #14.
MAX_P99_RATIO = 2.0
MAX_HEALTHZ_MS = 100.0


def _ratio(legit: dict[str, OpenLoopResult]) -> float:
    alone = legit["alone"].percentile_ms(99)
    beside = legit["beside_hostile"].percentile_ms(99)
    return beside / alone if alone > 0 else math.nan


@dataclass(frozen=True, slots=True)
class Outcome:
    """Everything one run measured.

    `rounds` holds each round's two phases (alone, then beside the attack); `legit` pools
    every round's requests by phase. With several rounds the target is the median of the
    rounds' ratios: one round's p99 rests on its six slowest requests, so a neighbour's
    burst on a shared machine can move it alone.
    """

    legit: dict[str, OpenLoopResult]  # by phase, every round pooled
    health: dict[str, HealthStats]  # by phase, and "worst_query"
    worst_query_window: str  # which samples "worst_query" holds
    attacks: dict[str, dict[str, Any]]  # the hostile client's tallies, by attack
    rounds: tuple[dict[str, OpenLoopResult], ...] = ()  # by round, then by phase

    @property
    def p99_ratio(self) -> float:
        """Legitimate p99 beside the attack over alone, every round's requests pooled."""
        return _ratio(self.legit)

    @property
    def round_ratios(self) -> list[float]:
        """Each round's own ratio (the pooled one when no rounds are kept apart)."""
        return [_ratio(r) for r in self.rounds] or [self.p99_ratio]

    @property
    def median_ratio(self) -> float:
        """The median of the rounds' ratios: what the target is measured on."""
        found = [r for r in self.round_ratios if not math.isnan(r)]
        return statistics.median(found) if found else math.nan


@dataclass(frozen=True, slots=True)
class Target:
    """One acceptance target: the value, its limit, and whether it was met."""

    name: str
    value: float
    limit: float
    unit: str

    @property
    def met(self) -> bool:
        return not math.isnan(self.value) and self.value <= self.limit

    def to_json(self) -> str:
        value = None if math.isnan(self.value) else round(self.value, 3)
        return json.dumps(
            {"bench": BENCH, "metric": f"target.{self.name}", "value": value,
             "unit": self.unit, "limit": self.limit, "met": self.met}
        )  # fmt: skip


def targets(outcome: Outcome) -> list[Target]:
    """Legitimate p99 beside the attack at most twice alone, no legitimate error, and
    /healthz under 100 ms while the worst query runs."""
    worst = outcome.health["worst_query"]
    return [
        Target("legit_p99_ratio", outcome.median_ratio, MAX_P99_RATIO, "ratio"),
        Target(
            "legit_errors",
            float(sum(r.failures for r in outcome.legit.values())),
            0.0,
            "count",
        ),
        Target("healthz_worst_query_max", worst.max_ms, MAX_HEALTHZ_MS, "ms"),
        Target("healthz_worst_query_p99", worst.p99_ms, MAX_HEALTHZ_MS, "ms"),
    ]


def measurements(outcome: Outcome) -> list[Measurement]:
    """Every number of the run, the ratio last."""
    found: list[Measurement] = []
    for phase in PHASES:
        run = outcome.legit[phase]
        found += [
            Measurement(f"legit.{phase}.requests", run.requests, "count"),
            Measurement(f"legit.{phase}.errors", run.failures, "count"),
            Measurement(f"legit.{phase}.p50", run.percentile_ms(50), "ms"),
            Measurement(f"legit.{phase}.p95", run.percentile_ms(95), "ms"),
            Measurement(f"legit.{phase}.p99", run.percentile_ms(99), "ms"),
        ]
        for kind, tally in sorted(run.kinds.items()):
            found += [
                Measurement(
                    f"legit.{phase}.{kind}.p99",
                    percentile(tally.latencies, 99) * 1000,
                    "ms",
                ),
                Measurement(f"legit.{phase}.{kind}.errors", tally.failures, "count"),
            ]
    for window, stats in outcome.health.items():
        found += [
            Measurement(f"healthz.{window}.samples", stats.samples, "count"),
            Measurement(f"healthz.{window}.p50", stats.p50_ms, "ms"),
            Measurement(f"healthz.{window}.p99", stats.p99_ms, "ms"),
            Measurement(f"healthz.{window}.max", stats.max_ms, "ms"),
        ]
    for name, tally in outcome.attacks.items():
        found += [
            Measurement(f"hostile.{name}.sent", tally["sent"], "count"),
            Measurement(f"hostile.{name}.skipped", tally["skipped"], "count"),
            Measurement(f"hostile.{name}.refused", tally["refused"], "count"),
            Measurement(f"hostile.{name}.served", tally["served"], "count"),
            Measurement(f"hostile.{name}.p99", _nan(tally["p99_ms"]), "ms"),
        ]
        found += [Measurement(f"hostile.{name}.answers.{code}", n, "count") for code, n in tally["answers"].items()]
    for n, legit in enumerate(outcome.rounds, start=1):
        found += [Measurement(f"legit.round{n}.{phase}.p99", legit[phase].percentile_ms(99), "ms") for phase in PHASES]
        found.append(Measurement(f"legit.round{n}.p99_ratio", _ratio(legit), "ratio"))
    found += [
        Measurement("legit.p99_beside_hostile_over_alone", outcome.p99_ratio, "ratio"),
        Measurement("legit.p99_ratio_median", outcome.median_ratio, "ratio"),
    ]
    return found


def summed_attacks(
    rounds: Sequence[dict[str, dict[str, Any]]],
) -> dict[str, dict[str, Any]]:
    """The hostile client's tallies over every round: counts added, p99 the worst
    round's."""
    if len(rounds) == 1:
        return rounds[0]
    found: dict[str, dict[str, Any]] = {}
    for attacks in rounds:
        for name, tally in attacks.items():
            into = found.setdefault(
                name,
                {
                    "sent": 0,
                    "skipped": 0,
                    "refused": 0,
                    "served": 0,
                    "p99_ms": None,
                    "answers": {},
                },
            )
            for key in ("sent", "skipped", "refused", "served"):
                into[key] += tally[key]
            if tally["p99_ms"] is not None:
                into["p99_ms"] = max(into["p99_ms"] or 0.0, tally["p99_ms"])
            for code, n in tally["answers"].items():
                into["answers"][code] = into["answers"].get(code, 0) + n
    return found


def _nan(value: float | None) -> float:
    return math.nan if value is None else float(value)


def legit_table(outcome: Outcome) -> str:
    rows = []
    for phase in PHASES:
        run = outcome.legit[phase]
        rows.append(_legit_row(phase, "all", run.latencies, run.failures))
        for kind, tally in sorted(run.kinds.items()):
            rows.append(_legit_row(phase, kind, tally.latencies, tally.failures))
    headers = [
        "phase",
        "legitimate",
        "requests",
        "errors",
        "p50 ms",
        "p95 ms",
        "p99 ms",
    ]
    return format_table(headers, rows, labels=2)


def _legit_row(phase: str, kind: str, latencies: Sequence[float], failures: int) -> list[str]:
    return [
        phase, kind, f"{len(latencies):,}", f"{failures:,}",
        *(number(percentile(list(latencies), q) * 1000, 1) for q in (50, 95, 99)),
    ]  # fmt: skip


def rounds_table(outcome: Outcome) -> str:
    """Each round's p50 and p99 alone and beside the attack, its ratio, the median."""
    rows = [
        [
            f"round {n}",
            *(number(legit[p].percentile_ms(q), 1) for p in PHASES for q in (50, 99)),
            number(_ratio(legit), 2),
        ]
        for n, legit in enumerate(outcome.rounds, start=1)
    ]
    rows.append(["median", "", "", "", "", number(outcome.median_ratio, 2)])
    headers = [
        "round",
        "alone p50",
        "alone p99",
        "beside p50",
        "beside p99",
        "p99 ratio",
    ]
    return format_table(headers, rows, labels=1)


def health_table(outcome: Outcome) -> str:
    rows = [
        [
            window,
            f"{s.samples:,}",
            f"{s.failures:,}",
            number(s.p50_ms, 1),
            number(s.p99_ms, 1),
            number(s.max_ms, 1),
        ]
        for window, s in outcome.health.items()
    ]
    return format_table(["/healthz while", "samples", "failed", "p50 ms", "p99 ms", "max ms"], rows)


def attack_table(outcome: Outcome) -> str:
    rows = [
        [
            name, f"{t['sent']:,}", f"{t['refused']:,}", f"{t['served']:,}",
            ", ".join(f"{code} {n:,}" for code, n in t["answers"].items()) or "-",
        ]
        for name, t in outcome.attacks.items()
    ]  # fmt: skip
    return format_table(["hostile", "sent", "refused", "served", "answers by code"], rows)


def target_table(found: Sequence[Target]) -> str:
    rows = [
        [
            t.name,
            "-" if math.isnan(t.value) else number(t.value, 2),
            f"<= {t.limit:g} {t.unit}",
            "yes" if t.met else "NO",
        ]
        for t in found
    ]
    return format_table(["target", "value", "limit", "met"], rows, labels=1)
