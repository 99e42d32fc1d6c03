"""The HTTP surface: health, hostile transport, limits, error masking, modes."""

from __future__ import annotations

from collections.abc import Callable

import httpx2 as httpx
import pytest
from starlette.applications import Starlette

from gateway.settings import GraphQLLimits
from gateway.store.repository import ComplaintRepository
from tests.conftest import GraphQL


async def test_health_and_readiness(client: httpx.AsyncClient) -> None:
    assert (await client.get("/healthz")).json() == {"status": "ok"}
    ready = await client.get("/readyz")
    assert ready.status_code == 200
    assert ready.json() == {"status": "ready", "checks": {"database": "ok"}}


async def test_every_response_carries_a_request_id(client: httpx.AsyncClient) -> None:
    given = await client.get("/healthz", headers={"x-request-id": "abc-123"})
    assert given.headers["x-request-id"] == "abc-123"
    hostile = await client.get("/healthz", headers={"x-request-id": "bad id\twith spaces"})
    assert hostile.headers["x-request-id"] != "bad id\twith spaces"
    assert len(hostile.headers["x-request-id"]) == 32


async def test_malformed_transport_is_400_never_500(client: httpx.AsyncClient) -> None:
    cases = {
        "invalid-utf8": (b'{"query": "\xff\xfe"}', "application/json"),
        "broken-json": (b'{"query": ', "application/json"),
        "deep-json": (
            b'{"query": "{ __typename }", "variables": ' + b"[" * 100_000 + b"]" * 100_000 + b"}",
            "application/json",
        ),
        "text-plain-csrf": (b'{"query": "{ __typename }"}', "text/plain"),
        "form-csrf": (b"query=%7B__typename%7D", "application/x-www-form-urlencoded"),
        "variables-not-object": (b'{"query": "{ __typename }", "variables": [1]}', "application/json"),
        "query-not-string": (b'{"query": 5}', "application/json"),
    }
    for name, (body, content_type) in cases.items():
        r = await client.post("/graphql", content=body, headers={"content-type": content_type})
        assert r.status_code in (400, 413), (name, r.status_code, r.text)


async def test_body_over_the_limit_is_413(make_app: Callable[..., Starlette]) -> None:
    app = make_app(limits=GraphQLLimits(max_body_bytes=100))
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as c:
        r = await c.post("/graphql", json={"query": "{ __typename }" + " " * 200})
    assert r.status_code == 413
    assert r.json()["errors"][0]["extensions"]["code"] == "REQUEST_TOO_LARGE"


async def test_limits_reject_before_execution_with_codes(gql: GraphQL) -> None:
    deep = "{ complaints { edges { node { location { region { parent { parent { parent { parent { parent { parent { parent { parent { code } } } } } } } } } } } } } }"
    body = await gql(deep)
    assert body["errors"][0]["extensions"]["code"] == "QUERY_TOO_DEEP"  # type: ignore[index]
    # Depth counts through fragments too.
    fragmented = (
        "query { complaints { ...A } } fragment A on ComplaintConnection { edges { node { location "
        "{ region { ...R } } } } } fragment R on Region { parent { parent { parent { parent { parent "
        "{ parent { parent { parent { code } } } } } } } } }"
    )
    assert (await gql(fragmented))["errors"][0]["extensions"]["code"] == "QUERY_TOO_DEEP"  # type: ignore[index]
    aliases = "{ " + " ".join(f"a{i}: __typename" for i in range(31)) + " }"
    assert (await gql(aliases))["errors"][0]["extensions"]["code"] == "TOO_MANY_ALIASES"  # type: ignore[index]
    tokens = "{ " + "__typename " * 3001 + "}"
    assert (await gql(tokens))["errors"][0]["extensions"]["code"] == "TOO_MANY_TOKENS"  # type: ignore[index]


async def test_production_mode_hides_introspection_suggestions_and_ide(client: httpx.AsyncClient, gql: GraphQL) -> None:
    body = await gql("{ __schema { types { name } } }")
    assert body["errors"][0]["extensions"]["code"] == "INTROSPECTION_DISABLED"  # type: ignore[index]
    typo = await gql("{ complaintz { totalCount } }")
    assert "Did you mean" not in typo["errors"][0]["message"]  # type: ignore[index]
    assert typo["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"  # type: ignore[index]
    ide = await client.get("/graphql", headers={"accept": "text/html"})
    assert ide.status_code == 404
    via_get = await client.get("/graphql", params={"query": "{ __typename }"})
    assert via_get.status_code in (400, 405)
    assert (await client.get("/static/graphiql/graphiql.min.js")).status_code == 404


async def test_batching_is_off(client: httpx.AsyncClient) -> None:
    r = await client.post("/graphql", json=[{"query": "{ __typename }"}] * 2)
    assert r.status_code == 400


async def test_demo_mode_serves_graphiql_from_local_assets(make_app: Callable[..., Starlette]) -> None:
    app = make_app(demo=True)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as c:
        page = await c.get("/graphql", headers={"accept": "text/html"})
        assert page.status_code == 200
        assert "unpkg" not in page.text and "cdn" not in page.text.lower()
        assert "/static/graphiql/graphiql.min.js" in page.text
        asset = await c.get("/static/graphiql/graphiql.min.js")
        assert asset.status_code == 200 and len(asset.content) > 100_000
        intro = await c.post("/graphql", json={"query": "{ __schema { queryType { name } } }"})
        assert intro.json() == {"data": {"__schema": {"queryType": {"name": "Query"}}}}
        root = await c.get("/", follow_redirects=False)
        assert root.status_code in (302, 307) and root.headers["location"] == "/graphql"


async def test_internal_errors_are_masked_with_a_request_id(
    make_app: Callable[..., Starlette], monkeypatch: pytest.MonkeyPatch
) -> None:
    async def broken(*args: object, **kwargs: object) -> None:
        # A store failure whose text holds what must never reach a client.
        raise RuntimeError('relation "complaint" at postgres://admin:hunter2@db.internal:5432')

    monkeypatch.setattr(ComplaintRepository, "get_by_keys", broken)
    app = make_app()
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as c:
        r = await c.post(
            "/graphql",
            json={"query": '{ complaint(trackingId: "X") { id } }'},
            headers={"x-request-id": "req-42"},
        )
    error = r.json()["errors"][0]
    assert error["extensions"] == {"code": "INTERNAL_ERROR"}
    assert "req-42" in error["message"]
    assert "hunter2" not in r.text and "db.internal" not in r.text and "relation" not in r.text
