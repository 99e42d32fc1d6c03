"""`bench.hostile --rounds N`: each round's ratio is reported, the ratio target is
their median, and the pooled phases and attack tallies add the rounds up. Only the
arithmetic of the report is asserted, on made-up latencies, never a timing of a run."""

from __future__ import annotations

import json
import math

from bench.health_probe import HealthStats
from bench.hostile import build_parser, pooled
from bench.hostile_report import (
    Outcome,
    measurements,
    rounds_table,
    summed_attacks,
    targets,
)
from bench.open_loop import OpenLoopResult


def _run(latencies_ms: list[float], failures: int = 0) -> OpenLoopResult:
    run = OpenLoopResult()
    tally = run.tally("staff_list")
    for n, ms in enumerate(latencies_ms):
        tally.record(ms / 1000, "timeout" if n < failures else None)
    return run


def _round(alone_ms: float, beside_ms: float) -> dict[str, OpenLoopResult]:
    # 100 requests each, the slowest five at the given latency: that is their p99.
    return {
        "alone": _run([5.0] * 95 + [alone_ms] * 5),
        "beside_hostile": _run([5.0] * 95 + [beside_ms] * 5),
    }


def _outcome(rounds: tuple[dict[str, OpenLoopResult], ...]) -> Outcome:
    health = HealthStats(samples=1, failures=0, p50_ms=1.0, p99_ms=1.0, max_ms=1.0)
    return Outcome(
        legit={p: pooled([r[p] for r in rounds]) for p in ("alone", "beside_hostile")},
        health={"alone": health, "beside_hostile": health, "worst_query": health},
        worst_query_window="test",
        attacks={},
        rounds=rounds,
    )


def test_the_ratio_target_is_the_median_of_the_rounds_ratios() -> None:
    # Ratios close to 1.5, 3.0 (one noisy round) and 1.8: the median meets the target.
    rounds = (_round(20.0, 30.0), _round(20.0, 60.0), _round(20.0, 36.0))
    outcome = _outcome(rounds)
    ratios = outcome.round_ratios
    assert [round(r, 6) for r in ratios] == [1.5, 3.0, 1.8]
    assert outcome.median_ratio == sorted(ratios)[1]
    found = {t.name: t for t in targets(outcome)}
    assert found["legit_p99_ratio"].value == outcome.median_ratio
    assert found["legit_p99_ratio"].met

    by_metric = {m.metric: m for m in measurements(outcome)}
    for n in (1, 2, 3):
        assert by_metric[f"legit.round{n}.p99_ratio"].unit == "ratio"
        assert f"legit.round{n}.alone.p99" in by_metric
        assert f"legit.round{n}.beside_hostile.p99" in by_metric
    assert by_metric["legit.p99_ratio_median"].value == outcome.median_ratio
    assert by_metric["legit.alone.requests"].value == 300  # every round pooled
    table = rounds_table(outcome)
    assert "round 3" in table and "median" in table


def test_one_round_reports_the_same_ratio_as_before() -> None:
    outcome = _outcome((_round(20.0, 50.0),))
    assert outcome.median_ratio == outcome.p99_ratio
    assert not {t.name: t for t in targets(outcome)}["legit_p99_ratio"].met


def test_every_rounds_failures_count_and_a_round_without_alone_is_skipped() -> None:
    failing = {
        "alone": _run([5.0] * 10),
        "beside_hostile": _run([5.0] * 10, failures=2),
    }
    empty = {"alone": _run([]), "beside_hostile": _run([5.0])}
    outcome = _outcome((failing, empty))
    assert outcome.legit["beside_hostile"].failures == 2
    assert math.isnan(outcome.round_ratios[1])
    assert outcome.median_ratio == outcome.round_ratios[0]
    assert not {t.name: t for t in targets(outcome)}["legit_errors"].met


def test_attack_tallies_add_up_over_rounds() -> None:
    one = {
        "sent": 10,
        "skipped": 1,
        "refused": 9,
        "served": 0,
        "p99_ms": 800.0,
        "answers": {"RATE_LIMITED": 9},
    }
    two = {
        "sent": 12,
        "skipped": 0,
        "refused": 10,
        "served": 2,
        "p99_ms": 900.0,
        "answers": {"RATE_LIMITED": 10, "ok": 2},
    }
    summed = summed_attacks([{"http_flood": one}, {"http_flood": two}])["http_flood"]
    assert (summed["sent"], summed["skipped"], summed["refused"], summed["served"]) == (
        22,
        1,
        19,
        2,
    )
    assert summed["answers"] == {"RATE_LIMITED": 19, "ok": 2}
    assert summed["p99_ms"] == 900.0
    json.dumps(summed)  # still a JSON-ready tally


def test_rounds_must_be_a_positive_count() -> None:
    assert build_parser().parse_args([]).rounds == 3
    assert build_parser().parse_args(["--rounds", "3"]).rounds == 3
