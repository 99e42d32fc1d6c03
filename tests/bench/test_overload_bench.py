"""`python -m bench.overload` end to end in a tiny run: it loads a database, starts the
gateway, ramps the rate, sends twice what it found, and prints every number as a JSON line.
Only the harness is asserted (the lines, their keys, the ratio's arithmetic), never a
timing: speed belongs to the bench."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import POSTGRES_ADMIN_URL, TEST_DATABASE
from tests.servers import clean_env

REPOSITORY = Path(__file__).resolve().parents[2]


@pytest.mark.slow
def test_the_overload_bench_reports_capacity_twice_capacity_and_the_ratio() -> None:
    command = [
        sys.executable, "-m", "bench.overload", "--database", TEST_DATABASE,
        "--postgres-admin-url", POSTGRES_ADMIN_URL, "--complaints", "300",
        "--start-rate", "5", "--step", "1", "--max-steps", "2", "--duration", "2",
        "--warmup", "1", "--drain", "3", "--networks", "2", "--report-only",
    ]  # fmt: skip
    done = subprocess.run(
        command, cwd=REPOSITORY, env=clean_env(), capture_output=True, text=True, timeout=240, check=False
    )
    assert done.returncode == 0, done.stderr[-3000:]
    lines = [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")]
    assert lines and all(line["bench"] == "overload" for line in lines)
    by_metric = {line["metric"]: line for line in lines}
    for metric in (
        "capacity_ok_per_s", "at_2x.offered_per_s", "at_2x.ok_per_s", "at_2x.overloaded", "at_2x.failed",
        "at_2x.ok.p99", "at_2x.healthz.max", "peak_rss", "goodput_at_2x_ratio",
    ):  # fmt: skip
        assert metric in by_metric, metric
    capacity = by_metric["capacity_ok_per_s"]["value"]
    assert capacity > 0
    assert by_metric["at_2x.offered_per_s"]["value"] == pytest.approx(2 * capacity, rel=0.01)
    assert by_metric["goodput_at_2x_ratio"]["value"] == pytest.approx(
        by_metric["at_2x.ok_per_s"]["value"] / capacity, abs=0.01
    )
    target = by_metric["target.goodput_at_2x_ratio"]
    assert target["limit"] == 0.9 and target["met"] == (target["value"] >= 0.9)
