"""Reading the Prometheus text format in tests: samples keyed by name and sorted labels."""

from __future__ import annotations

from prometheus_client.parser import text_string_to_metric_families

Samples = dict[tuple[str, tuple[tuple[str, str], ...]], float]


def metric_samples(text: str) -> Samples:
    """Every sample of a `/metrics` answer, by (name, sorted labels)."""
    return {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
    }


def metric_value(samples: Samples, name: str, **labels: str) -> float:
    """One sample's value; 0 when it was never exposed (a counter not yet incremented)."""
    return samples.get((name, tuple(sorted(labels.items()))), 0.0)
