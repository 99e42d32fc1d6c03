"""Security headers on every response, the pages' own policies, and CORS for an allow-list."""

from __future__ import annotations

import re
from collections.abc import Callable

import httpx2 as httpx
import pytest
from starlette.applications import Starlette

from gateway.settings import GraphQLLimits, SettingsError, from_env

APP_ORIGIN = "https://app.lapor.example.go.id"


def _assert_hardened(r: httpx.Response) -> None:
    assert r.headers["x-content-type-options"] == "nosniff", r.url
    assert r.headers["referrer-policy"] == "no-referrer", r.url
    assert r.headers["x-frame-options"] == "DENY", r.url
    assert len(r.headers.get_list("content-security-policy")) == 1, r.url
    assert "frame-ancestors 'none'" in r.headers["content-security-policy"], r.url


async def test_every_response_carries_the_security_headers(make_app: Callable[..., Starlette]) -> None:
    app = make_app(limits=GraphQLLimits(max_body_bytes=200))
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as c:
        answers = [
            await c.get("/healthz"),
            await c.get("/"),
            await c.get("/metrics"),
            await c.get("/no-such-page"),
            await c.post("/graphql", json={"query": "{ __typename }"}),
            await c.post("/graphql", content=b'"x"', headers={"content-type": "application/json"}),
            await c.post("/graphql", json={"query": "{ __typename }" + " " * 300}),
            await c.post("/graphql", json={"query": "{ __typename }"}, headers={"authorization": "Bearer nope"}),
        ]
    assert [r.status_code for r in answers] == [200, 200, 200, 404, 200, 400, 413, 401]
    for r in answers:
        _assert_hardened(r)
    # An API answer may load, run or frame nothing.
    assert answers[4].headers["content-security-policy"].startswith("default-src 'none'")


async def test_the_dashboard_keeps_its_own_policy(client: httpx.AsyncClient) -> None:
    page = await client.get("/dashboard")
    _assert_hardened(page)
    assert "script-src 'self';" in page.headers["content-security-policy"]
    _assert_hardened(await client.get("/static/dashboard/dashboard.js"))


async def test_graphiql_runs_its_inline_script_by_nonce_only(make_app: Callable[..., Starlette]) -> None:
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=make_app(demo=True)), base_url="http://t") as c:
        pages = [await c.get("/graphql", headers={"accept": "text/html"}) for _ in range(2)]
    nonces = []
    for page in pages:
        _assert_hardened(page)
        csp = page.headers["content-security-policy"]
        script_src = re.search(r"script-src ([^;]*)", csp).group(1)  # type: ignore[union-attr]
        assert "'unsafe-inline'" not in script_src and "'unsafe-eval'" not in script_src
        (nonce,) = re.findall(r"'nonce-([^']+)'", script_src)
        assert f'<script nonce="{nonce}">' in page.text
        nonces.append(nonce)
    assert nonces[0] != nonces[1]


async def test_cors_preflight_and_call_from_an_allowed_origin(
    make_app: Callable[..., Starlette], tokens: object
) -> None:
    app = make_app(cors_origins=(APP_ORIGIN,))
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as c:
        preflight = await c.options(
            "/graphql",
            headers={
                "origin": APP_ORIGIN,
                "access-control-request-method": "POST",
                "access-control-request-headers": "authorization, content-type",
            },
        )
        assert preflight.status_code == 200, preflight.text
        assert preflight.headers["access-control-allow-origin"] == APP_ORIGIN
        allowed = {h.strip().lower() for h in preflight.headers["access-control-allow-headers"].split(",")}
        assert {"authorization", "content-type"} <= allowed
        assert "POST" in preflight.headers["access-control-allow-methods"]
        assert "access-control-allow-credentials" not in preflight.headers
        call = await c.post(
            "/graphql",
            json={"query": "{ __typename }"},
            headers={"origin": APP_ORIGIN, "authorization": f"Bearer {tokens.citizen}"},  # type: ignore[attr-defined]
        )
        assert call.status_code == 200 and call.json() == {"data": {"__typename": "Query"}}
        assert call.headers["access-control-allow-origin"] == APP_ORIGIN
        assert "x-request-id" in call.headers["access-control-expose-headers"].lower()

        foreign = await c.options(
            "/graphql",
            headers={"origin": "https://evil.example", "access-control-request-method": "POST"},
        )
        assert foreign.status_code == 400 and "access-control-allow-origin" not in foreign.headers
        stray = await c.post("/graphql", json={"query": "{ __typename }"}, headers={"origin": "https://evil.example"})
        assert "access-control-allow-origin" not in stray.headers


async def test_no_cors_unless_origins_are_listed(client: httpx.AsyncClient) -> None:
    preflight = await client.options(
        "/graphql", headers={"origin": APP_ORIGIN, "access-control-request-method": "POST"}
    )
    assert "access-control-allow-origin" not in preflight.headers
    call = await client.post("/graphql", json={"query": "{ __typename }"}, headers={"origin": APP_ORIGIN})
    assert "access-control-allow-origin" not in call.headers


def test_cors_origins_setting_is_parsed_and_checked() -> None:
    env = {"PENGHUBUNG_CORS_ORIGINS": " https://App.Lapor.example.go.id , http://localhost:3000,"}
    assert from_env(env).cors_origins == ("https://app.lapor.example.go.id", "http://localhost:3000")
    assert from_env({}).cors_origins == ()
    assert from_env({"PENGHUBUNG_CORS_ORIGINS": ""}).cors_origins == ()
    for bad in ("*", "https://app.example.go.id/", "app.example.go.id", "ftp://x.go.id", "https://x.go.id:99999"):
        with pytest.raises(SettingsError, match="expected comma-separated origins like https://"):
            from_env({"PENGHUBUNG_CORS_ORIGINS": bad})


def test_body_timeout_setting() -> None:
    assert from_env({"PENGHUBUNG_BODY_TIMEOUT": "2.5"}).limits.body_timeout == 2.5
    with pytest.raises(SettingsError, match=r"body_timeout is 0\.0, expected a positive number of seconds"):
        from_env({"PENGHUBUNG_BODY_TIMEOUT": "0"})


def test_only_the_named_reverse_proxies_are_trusted_for_the_client_address() -> None:
    assert from_env({}).forwarded_allow_ips == "127.0.0.1"
    env = {"PENGHUBUNG_FORWARDED_ALLOW_IPS": "10.20.0.0/16,10.30.0.5"}
    assert from_env(env).forwarded_allow_ips == "10.20.0.0/16,10.30.0.5"


async def test_an_unhandled_error_answers_hardened_json_without_details(make_app: Callable[..., Starlette]) -> None:
    from starlette.requests import Request
    from starlette.routing import Route

    async def fails(request: Request) -> None:
        raise RuntimeError("a detail only the log may hold")

    app = make_app()
    app.router.routes.append(Route("/fails", fails))  # a route that fails the way a bug would
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as c:
        r = await c.get("/fails")
    assert r.status_code == 500
    _assert_hardened(r)
    assert r.json()["errors"][0]["extensions"]["code"] == "INTERNAL_ERROR"
    assert "a detail only the log may hold" not in r.text
