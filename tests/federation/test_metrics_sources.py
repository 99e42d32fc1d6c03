"""`/metrics` with configured sources: upstream calls per source, circuit states, outbox
depth and sync lag."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from gateway import telemetry as metrics
from gateway.sync.outbox import enqueue
from tests.conftest import Tokens
from tests.federation.conftest import Federated
from tests.prometheus import metric_samples, metric_value


async def test_upstream_calls_circuits_and_outbox_depth_are_exported(
    federated: Federated, tokens: Tokens, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(metrics, "REFRESH_EVERY", 0.0)  # read the gauges afresh for this scrape
    rest = "16.01-ogan-komering-ulu"
    federated.sims[rest].faults.set(down="503")
    for _ in range(5):  # the breaker opens after five failures in a row
        await federated.gql(
            '{ complaints(live: true, filter: {kodeWilayah: "16.01"}) { partial } }', token=tokens.national_admin
        )
    some = await federated.gql("{ complaints(first: 1) { edges { node { id } } } }", token=tokens.national_admin)
    await enqueue(
        "16.05-musi-rawas",
        "status",
        some["data"]["complaints"]["edges"][0]["node"]["id"],
        "metrics-test",
        now=datetime.now(UTC),
    )
    text = (await federated.client.get("/metrics")).text
    samples = metric_samples(text)
    assert metric_value(samples, "penghubung_upstream_errors_total", source=rest, outcome="unavailable") >= 5
    assert metric_value(samples, "penghubung_upstream_request_seconds_count", source=rest, method="GET") >= 5
    assert metric_value(samples, "penghubung_upstream_circuit_state", source=rest) == 2
    assert metric_value(samples, "penghubung_upstream_circuit_state", source="16.05-musi-rawas") == 0
    assert metric_value(samples, "penghubung_outbox_entries", destination="16.05-musi-rawas", state="pending") >= 1
    assert any(name == "penghubung_sync_lag_seconds" for name, _ in samples)
