"""`/metrics` in the Prometheus text format: operations by type and root field, errors by
code, upstream calls per source, circuit states, outbox depth; nothing personal."""

from __future__ import annotations

from collections.abc import Callable

import httpx2 as httpx
from prometheus_client.parser import text_string_to_metric_families
from starlette.applications import Starlette

from gateway.store.writer import insert_complaints
from tests.conftest import Tokens
from tests.factories import make_complaint


def _samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    return {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
    }


def _value(samples: dict, name: str, **labels: str) -> float:
    return samples.get((name, tuple(sorted(labels.items()))), 0.0)


async def test_operations_and_errors_are_counted_by_schema_names_only(
    database_url: str, make_app: Callable[..., Starlette], tokens: Tokens
) -> None:
    complaint = make_complaint()
    await insert_complaints([complaint])
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=make_app()), base_url="http://t") as c:
        before = _samples((await c.get("/metrics")).text)
        await c.post("/graphql", json={"query": "query Mine { publicComplaints(first: 1) { totalCount } }"})
        await c.post("/graphql", json={"query": "{ madeUpField }"})
        await c.post("/graphql", json={"query": "{ complaint(id: \"x\", trackingId: \"y\") { id } }"}, headers={"authorization": f"Bearer {tokens.national_admin}"})
        response = await c.get("/metrics")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/plain")
    after = _samples(response.text)

    def grew(name: str, **labels: str) -> float:
        return _value(after, name, **labels) - _value(before, name, **labels)

    assert grew("penghubung_graphql_request_seconds_count", operation="query publicComplaints") == 1
    assert grew("penghubung_graphql_request_seconds_count", operation="query unknown") == 1  # not "madeUpField"
    assert grew("penghubung_graphql_errors_total", operation="query complaint", code="BAD_USER_INPUT") == 1
    assert "madeUpField" not in response.text and "Mine" not in response.text
    assert complaint.tracking_id not in response.text
