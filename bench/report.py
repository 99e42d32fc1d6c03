"""Benchmark output: an aligned text table and one JSON object per measurement."""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Measurement:
    """One number a benchmark reports, e.g. ("sqlite.list_16_05.p99", 12.3, "ms")."""

    metric: str
    value: float
    unit: str

    def to_json(self, bench: str) -> str:
        """The measurement as one JSON object on one line."""
        # NaN (no successful request to take a percentile of) is not JSON; null is.
        value = None if math.isnan(self.value) else round(self.value, 3)
        return json.dumps({"bench": bench, "metric": self.metric, "value": value, "unit": self.unit})


def json_lines(bench: str, measurements: Iterable[Measurement]) -> str:
    """One JSON object per line, in the order given (for scripts that collect results)."""
    return "\n".join(m.to_json(bench) for m in measurements)


def format_table(headers: Sequence[str], rows: Sequence[Sequence[str]], *, labels: int = 1) -> str:
    """An aligned table: the first `labels` columns left-aligned, the numbers right-aligned."""
    widths = [max(len(cell) for cell in column) for column in zip(headers, *rows, strict=True)]

    def line(cells: Sequence[str]) -> str:
        padded = (
            cell.ljust(width) if i < labels else cell.rjust(width)
            for i, (cell, width) in enumerate(zip(cells, widths, strict=True))
        )
        return "  ".join(padded).rstrip()

    rule = "  ".join("-" * width for width in widths)
    return "\n".join([line(headers), rule, *(line(row) for row in rows)])


def number(value: float, digits: int = 1) -> str:
    """A number for a table cell: thousands separated, `digits` decimals."""
    return f"{value:,.{digits}f}"
