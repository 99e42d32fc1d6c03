"""The cost budget at the HTTP edge: the region tree and pages of aliased lists are refused
with QUERY_TOO_COSTLY before any resolver runs; the dashboard's queries are answered; and
/healthz answers while the most expensive query the budget admits runs."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx2 as httpx
import pytest
from graphql import parse
from starlette.applications import Starlette

from gateway.edge.graphql_endpoint.query_cost import operation_cost
from gateway.settings import GraphQLLimits
from schema import regions as r
from schema.graphql.build import build_schema
from tests.conftest import GraphQL, Tokens
from tests.servers import clean_env, running

TREE = "{ regions { children { children { children { code name } } } } }"
COMPLAINT_PAGE = (
    "complaints(first: 100) { totalCount edges { node { id title status dispositions { toAgencyId at } } } }"
)
# The coordination dashboard's own query (gateway/edge/endpoints/static/dashboard/dashboard.js).
DASHBOARD = """query Coordination($kode: String, $days: Int!) {
  coordination(kodeWilayah: $kode, days: $days) {
    level kodeWilayah name parentKodeWilayah parentName since until countsInScope
    summary { name regencyCount connectedCount connected connectedSince kind syncLagSeconds backlog deadLetters lastError complaints open overdue onTimeRate }
    rows { kodeWilayah agencyId name regencyCount connectedCount connected connectedSince kind source syncLagSeconds backlog deadLetters lastError complaints open overdue onTimeRate }
  }
}"""
# Near the default budget (5,000), and as heavy as the reference data makes it: the largest
# family (108 desa of one kecamatan) eight times, each desa looking up its parent.
WORST_ADMITTED = (
    "{ "
    + " ".join(f'a{i}: regions(parent: "95.06.03") {{ code name parent {{ code name }} }}' for i in range(8))
    + " }"
)


def _refusal(body: dict[str, Any]) -> dict[str, Any]:
    assert body["data"] is None, body
    [error] = body["errors"]
    assert error["extensions"]["code"] == "QUERY_TOO_COSTLY", error
    return error  # type: ignore[no-any-return]


@pytest.fixture
def counted_children(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The region codes whose children a resolver looked up (the reference data seam)."""
    asked: list[str] = []
    real = r.children

    def children(code: str | None = None) -> list[r.Region]:
        asked.append(str(code))
        return real(code)

    monkeypatch.setattr(r, "children", children)
    return asked


async def test_the_region_tree_is_refused_before_any_resolver_runs(gql: GraphQL, counted_children: list[str]) -> None:
    error = _refusal(await gql(TREE))
    assert error["message"].startswith(
        "this operation costs 9596939 (9596939 for fields, 0 source calls), over the budget of 5000"
    )
    assert error["extensions"]["cost"] == 9596939 and error["extensions"]["budget"] == 5000
    assert counted_children == []  # not even the provinces were looked up
    # Two aliases, a fragment or a variable change nothing.
    fragment = "query($n: Int) { a: regions { ...T } b: regions { ...T } } fragment T on Region { children(first: $n) { children(first: $n) { code } } }"
    _refusal(await gql(fragment, {"n": 100}))
    assert counted_children == []


async def test_pages_of_aliased_lists_are_refused(gql: GraphQL, tokens: Tokens) -> None:
    aliased = "{ " + " ".join(f"l{i}: {COMPLAINT_PAGE}" for i in range(30)) + " }"
    error = _refusal(await gql(aliased, token=tokens.national_admin))
    assert "costs 75090 " in error["message"] and "over the budget of 5000" in error["message"]
    one = await gql("{ " + COMPLAINT_PAGE + " }", token=tokens.national_admin)
    assert "errors" not in one, one


async def test_the_dashboard_and_a_paged_region_tree_are_answered(gql: GraphQL, tokens: Tokens) -> None:
    for kode in (None, "16", "16.05"):
        body = await gql(DASHBOARD, {"kode": kode, "days": 30}, token=tokens.national_admin)
        assert "errors" not in body, body
    provinces = await gql("{ regions { code name children(first: 100) { code } } }")
    assert "errors" not in provinces, provinces
    sumsel = next(p for p in provinces["data"]["regions"] if p["code"] == "16")  # type: ignore[index]
    assert [c["code"] for c in sumsel["children"]] == [x.code for x in r.children("16")]
    # Paged: `first` children after the code `after`.
    page = await gql('{ region(code: "16") { children(first: 2, after: "16.02") { code } } }')
    assert page["data"] == {"region": {"children": [{"code": "16.03"}, {"code": "16.04"}]}}
    bad = await gql('{ region(code: "16") { children(first: 0) { code } } }')
    assert bad["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"  # type: ignore[index]
    assert bad["errors"][0]["message"] == "first: is 0 (expected an integer from 1 to 120)"  # type: ignore[index]


async def test_the_budget_is_a_setting(make_app: Callable[..., Starlette]) -> None:
    app = make_app(limits=GraphQLLimits(max_cost=50))
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://gateway.test") as client:
        small = (await client.post("/graphql", json={"query": '{ region(code: "16") { code name } }'})).json()
        assert "errors" not in small, small
        refused = (await client.post("/graphql", json={"query": "{ regions { code name } }"})).json()
    assert "costs 77 " in _refusal(refused)["message"] and "budget of 50" in refused["errors"][0]["message"]


def test_the_worst_admitted_query_is_within_the_default_budget() -> None:
    cost = operation_cost(
        build_schema()._schema,
        parse(WORST_ADMITTED),
        operation_name=None,
        variables=None,
        max_page=100,
        sources_in=lambda _: 0,
    )
    assert cost is not None and GraphQLLimits().max_cost * 0.9 < cost.total <= GraphQLLimits().max_cost


@pytest.mark.slow
async def test_healthz_answers_while_the_worst_admitted_query_runs(database_url: str, tmp_path: Path) -> None:
    with running(["serve"], env=clean_env({"DATABASE_URL": database_url}), log=tmp_path / "serve.log") as port:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=30) as client:

            async def worst() -> httpx.Response:
                return await client.post("/graphql", json={"query": WORST_ADMITTED})

            running_queries = [asyncio.create_task(worst()) for _ in range(4)]
            await asyncio.sleep(0)
            health = await client.get("/healthz")
            answers = await asyncio.gather(*running_queries)
    assert health.status_code == 200 and health.json() == {"status": "ok"}
    for answer in answers:
        assert answer.status_code == 200 and "errors" not in answer.json(), answer.text[:300]
