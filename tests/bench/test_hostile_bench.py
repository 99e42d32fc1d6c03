"""`python -m bench.hostile` end to end in a tiny run: it loads a database, starts the
gateway, sends legitimate traffic alone and beside its hostile client (a process of its
own), and prints every number as a JSON line. Only the harness is asserted here (the lines
and their keys, that each attack was sent), never a timing: speed belongs to the bench."""

from __future__ import annotations

import json
import math
import subprocess
import sys
from pathlib import Path

import pytest

from bench.hostile_client import ATTACKS, answer_code, is_refusal
from bench.hostile_report import Target
from tests.conftest import POSTGRES_ADMIN_URL, TEST_DATABASE
from tests.servers import clean_env

REPOSITORY = Path(__file__).resolve().parents[2]
TARGETS = (
    "legit_p99_ratio",
    "legit_errors",
    "healthz_worst_query_max",
    "healthz_worst_query_p99",
)
RATE, DURATION, ROUNDS = 5, 2, 2


def _run_tiny_bench() -> subprocess.CompletedProcess[str]:
    command = [
        sys.executable, "-m", "bench.hostile", "--database", TEST_DATABASE,
        "--postgres-admin-url", POSTGRES_ADMIN_URL, "--complaints", "300",
        "--rate", str(RATE), "--duration", str(DURATION), "--warmup", "1", "--drain", "2",
        "--tree-aliases", "1", "--slow-rate", "1", "--http-connections", "2",
        "--ws-connections", "3", "--legit-networks", "2", "--rounds", str(ROUNDS),
        "--report-only",
    ]  # fmt: skip
    return subprocess.run(
        command,
        cwd=REPOSITORY,
        env=clean_env(),
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )


@pytest.mark.slow
def test_the_hostile_bench_reports_both_phases_every_attack_and_its_targets() -> None:
    done = _run_tiny_bench()
    assert done.returncode == 0, done.stderr[-3000:]
    lines = [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")]
    assert lines and all(line["bench"] == "hostile" for line in lines)
    by_metric = {line["metric"]: line for line in lines}
    assert all({"value", "unit"} <= line.keys() for line in lines)

    for phase in ("alone", "beside_hostile"):
        # Open loop: exactly rate x duration legitimate requests a round, whatever the
        # gateway did.
        assert by_metric[f"legit.{phase}.requests"]["value"] == ROUNDS * RATE * DURATION
        for n in range(1, ROUNDS + 1):
            assert f"legit.round{n}.{phase}.p99" in by_metric
        for stat in ("errors", "p50", "p95", "p99"):
            assert f"legit.{phase}.{stat}" in by_metric
        for stat in ("samples", "p99", "max"):
            assert f"healthz.{phase}.{stat}" in by_metric
    assert by_metric["legit.alone.errors"]["value"] == 0, done.stderr[-3000:]
    assert by_metric["legit.p99_beside_hostile_over_alone"]["unit"] == "ratio"
    assert by_metric["legit.p99_ratio_median"]["unit"] == "ratio"
    assert all(f"legit.round{n}.p99_ratio" in by_metric for n in range(1, ROUNDS + 1))
    assert {"healthz.worst_query.max", "healthz.worst_query.p99"} <= by_metric.keys()

    for attack in ATTACKS:
        assert by_metric[f"hostile.{attack}.sent"]["value"] > 0, attack
        for stat in ("refused", "served", "skipped", "p99"):
            assert f"hostile.{attack}.{stat}" in by_metric
    for name in TARGETS:
        target = by_metric[f"target.{name}"]
        assert isinstance(target["met"], bool) and target["limit"] is not None
    assert "legitimate" in done.stdout and "answers by code" in done.stdout  # the human tables


def test_an_answer_is_counted_by_its_error_code_and_refusals_are_told_from_breakdowns() -> None:
    limited = b'{"errors": [{"message": "slow down", "extensions": {"code": "RATE_LIMITED"}}]}'
    assert answer_code(429, limited) == "RATE_LIMITED"
    assert answer_code(200, b'{"data": {"regions": []}}') == "ok"
    assert answer_code(429, b"Too Many Requests") == "HTTP_429"
    assert answer_code(500, b"Internal Server Error") == "HTTP_500"
    assert is_refusal("RATE_LIMITED") and is_refusal("QUERY_TOO_COSTLY") and is_refusal("HTTP_429")
    assert is_refusal("WS_CLOSE_4429")
    assert not any(
        map(
            is_refusal,
            (
                "ok",
                "INTERNAL_ERROR",
                "TIMEOUT",
                "HTTP_500",
                "UNFINISHED",
                "CLIENT_TIMEOUT",
            ),
        )
    )


def test_a_target_with_nothing_measured_is_not_met() -> None:
    assert not Target("healthz_worst_query_max", math.nan, 100.0, "ms").met
    assert Target("legit_errors", 0.0, 0.0, "count").met
    assert not Target("legit_p99_ratio", 2.5, 2.0, "ratio").met
