"""The soak bench's output: a table of the headline metrics against their goals, a table
of the details, then one JSON object per number and one per goal (`target.<metric>`,
with its limit and whether it was met), as the other benches print them."""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence

from bench.report import Measurement, format_table, json_lines, number
from bench.soak_metrics import Goal

BENCH = "soak"
# A headline metric: (value, unit).
Headline = Mapping[str, tuple[float, str]]


def _cell(value: float) -> str:
    return "n/a" if math.isnan(value) else number(value, 2)


def print_results(headline: Headline, details: Sequence[Measurement], held_to: Sequence[Goal]) -> list[str]:
    """Print everything to stdout; return the goals in `held_to` missed."""
    goals = {g.metric: g for g in held_to}
    rows = []
    for metric, (value, unit) in headline.items():
        goal = goals.get(metric)
        met = "" if goal is None else ("met" if goal.met(value) else "MISSED")
        rows.append([metric, _cell(value), unit, goal.text if goal else "(report)", met])
    print(format_table(["metric", "value", "unit", "goal", ""], rows))
    print()
    print(
        format_table(
            ["detail", "value", "unit"],
            [[m.metric, _cell(m.value), m.unit] for m in details],
        )
    )
    print()
    print(json_lines(BENCH, [*(Measurement(k, v, u) for k, (v, u) in headline.items()), *details]))
    for g in held_to:
        value, unit = headline[g.metric]
        print(json.dumps({
            "bench": BENCH, "metric": f"target.{g.metric}",
            "value": None if math.isnan(value) else round(value, 3),
            "unit": unit, "limit": g.limit, "met": g.met(value),
        }))  # fmt: skip
    return [g.metric for g in held_to if not g.met(headline[g.metric][0])]
