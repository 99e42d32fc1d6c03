"""Rate limits: 429 with Retry-After and a code once a caller's rate is spent, per role, per
client network for anonymous callers, shared through Redis by several gateway instances,
open when Redis is down; sockets per subject bounded; bad tokens audited at a bounded rate.

Real apps (in memory over ASGI, and a uvicorn server on loopback for WebSockets), real
signed tokens, the test database, and the real Redis at 127.0.0.1:6379 with a key prefix of
the test's own.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import time
import uuid
from collections.abc import AsyncIterator, Callable
from typing import Any

import httpx2 as httpx
import pytest
import redis
import uvicorn
import websockets
from starlette.applications import Starlette

from auth.principal import Principal
from auth.roles import Role
from gateway.edge.limits.connection_leases import ConnectionLeases
from gateway.edge.limits.rate_guard import RateGuard
from gateway.rate_settings import DEFAULT_RATES
from gateway.settings import SettingsError, from_env
from gateway.store.models import AuditEventRow
from gateway.telemetry import REGISTRY
from tests.conftest import Tokens
from tests.gateway.rates import client_from, limits, post
from tests.servers import free_port

REDIS_URL = os.environ.get("PENGHUBUNG_TEST_REDIS", "redis://127.0.0.1:6379/0")
SUBSCRIBE = "subscription { complaintUpdates { kind at complaint { id } } }"


def _redis_up() -> bool:
    try:
        return bool(redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping())
    except redis.RedisError:
        return False


needs_redis = pytest.mark.skipif(not _redis_up(), reason=f"needs Redis at {REDIS_URL}")


async def statuses(c: httpx.AsyncClient, n: int, token: str | None = None) -> list[int]:
    return [(await post(c, token)).status_code for _ in range(n)]


async def test_over_the_limit_is_429_with_retry_after_and_a_code(make_app: Callable[..., Starlette]) -> None:
    app = make_app(rate_limits=limits(rates={"public": "5 per minute"}))
    async with client_from(app) as c:
        assert await statuses(c, 5) == [200] * 5
        refused = await post(c)
        health = await c.get("/healthz")
        ready = await c.get("/readyz")
    assert refused.status_code == 429
    retry_after = int(refused.headers["retry-after"])
    assert 1 <= retry_after <= 60
    assert refused.headers["content-type"] == "application/json"
    error = refused.json()["errors"][0]
    assert error["extensions"] == {"code": "RATE_LIMITED", "retryAfter": retry_after}
    assert "retry after" in error["message"]
    # Monitoring still sees the gateway.
    assert health.status_code == 200 and ready.status_code == 200


async def test_limits_differ_by_role_and_count_per_subject(make_app: Callable[..., Starlette], tokens: Tokens) -> None:
    app = make_app(
        rate_limits=limits(
            rates={"public": "2 per minute", "citizen": "3 per minute", "agency_officer": "6 per minute"}
        )
    )
    citizen = tokens.make(Role.CITIZEN, subject="warga-rl")
    other_citizen = tokens.make(Role.CITIZEN, subject="warga-rl-2")
    officer = tokens.make(Role.AGENCY_OFFICER, subject="petugas-rl", agency="dinkes-mura")
    async with client_from(app) as c:
        assert await statuses(c, 4, citizen) == [200, 200, 200, 429]
        assert await statuses(c, 7, officer) == [200] * 6 + [429]
        # Another citizen has a limit of their own, and a fresh token of the same subject none.
        assert await statuses(c, 1, other_citizen) == [200]
        assert await statuses(c, 1, tokens.make(Role.CITIZEN, subject="warga-rl")) == [429]
        # The anonymous limit of the same network is another count.
        assert await statuses(c, 3) == [200, 200, 429]


async def test_many_citizen_subjects_from_one_network_share_its_citizen_limit(
    make_app: Callable[..., Starlette], tokens: Tokens
) -> None:
    # Citizen identities are cheap to make: fresh subjects do not buy a network fresh requests.
    app = make_app(rate_limits=limits(rates={"citizen": "3 per minute"}, citizen_network_rate="4 per minute"))
    citizens = [tokens.make(Role.CITIZEN, subject=f"warga-net-{n}") for n in range(3)]
    officer = tokens.make(Role.AGENCY_OFFICER, subject="petugas-net", agency="dinkes-mura")
    async with client_from(app, "198.51.100.7") as c, client_from(app, "192.0.2.1") as elsewhere:
        assert await statuses(c, 2, citizens[0]) == [200, 200]
        assert await statuses(c, 2, citizens[1]) == [200, 200]
        assert await statuses(c, 1, citizens[2]) == [429]
        # Another network's citizens, and staff on the same network, are counted apart.
        assert await statuses(elsewhere, 1, citizens[2]) == [200]
        assert await statuses(c, 1, officer) == [200]


def test_the_limit_key_is_issuer_and_subject() -> None:
    guard = RateGuard(limits())
    a = Principal(subject="same", roles=frozenset({Role.CITIZEN}), issuer="https://sso.a.go.id")
    b = Principal(subject="same", roles=frozenset({Role.CITIZEN}), issuer="https://sso.b.go.id")
    scope = {"client": ("203.0.113.7", 1)}
    assert guard.caller(a, scope).key != guard.caller(b, scope).key
    assert guard.caller(a, scope).key == guard.caller(Principal(subject="same", roles=a.roles, issuer=a.issuer), {}).key
    assert "same" not in guard.caller(a, scope).key  # no subject in the store's keys


def test_several_roles_get_the_most_generous_rate() -> None:
    guard = RateGuard(limits(rates={"agency_officer": "6 per minute", "national_admin": "600 per minute"}))
    both = Principal(subject="x", roles=frozenset({Role.AGENCY_OFFICER, Role.NATIONAL_ADMIN}), issuer="i")
    assert [r.amount for r in guard.caller(both, {}).rates] == [600]


async def test_anonymous_callers_share_a_limit_per_network(make_app: Callable[..., Starlette]) -> None:
    app = make_app(rate_limits=limits(rates={"public": "3 per minute"}))
    async with client_from(app, "198.51.100.7") as a, client_from(app, "198.51.100.200") as same_24:
        async with client_from(app, "192.0.2.1") as elsewhere:
            assert await statuses(a, 2) == [200, 200]
            assert await statuses(same_24, 2) == [200, 429]
            assert await statuses(elsewhere, 1) == [200]
    # IPv6: a /64 is one network.
    async with client_from(app, "2001:db8:1:2::a") as v6, client_from(app, "2001:db8:1:2::b") as v6_same:
        async with client_from(app, "2001:db8:1:3::a") as v6_other:
            assert await statuses(v6, 3) == [200] * 3
            assert await statuses(v6_same, 1) == [429]
            assert await statuses(v6_other, 1) == [200]
    # /32: each IPv4 address on its own.
    per_address = make_app(rate_limits=limits(rates={"public": "1 per minute"}, ipv4_prefix=32))
    async with client_from(per_address, "198.51.100.7") as a, client_from(per_address, "198.51.100.8") as b:
        assert await statuses(a, 2) == [200, 429]
        assert await statuses(b, 1) == [200]


@needs_redis
async def test_two_gateways_sharing_redis_count_together(make_app: Callable[..., Starlette], tokens: Tokens) -> None:
    shared = limits(rates={"public": "4 per minute", "citizen": "4 per minute"})
    one = make_app(rate_limits=shared, redis_url=REDIS_URL)
    two = make_app(rate_limits=shared, redis_url=REDIS_URL)
    citizen = tokens.make(Role.CITIZEN, subject="warga-redis")
    async with client_from(one) as a, client_from(two) as b:
        assert await statuses(a, 2) + await statuses(b, 2) == [200] * 4
        assert await statuses(a, 1) + await statuses(b, 1) == [429, 429]
        assert await statuses(a, 3, citizen) + await statuses(b, 2, citizen) == [200] * 4 + [429]
    # Without Redis each instance counts alone.
    alone = limits(rates={"public": "4 per minute"})
    async with client_from(make_app(rate_limits=alone)) as a, client_from(make_app(rate_limits=alone)) as b:
        assert await statuses(a, 4) + await statuses(b, 4) == [200] * 8


async def test_redis_down_fails_open_with_one_warning(
    make_app: Callable[..., Starlette], caplog: pytest.LogCaptureFixture
) -> None:
    nobody = f"redis://127.0.0.1:{free_port()}/0"
    app = make_app(rate_limits=limits(rates={"public": "2 per minute"}), redis_url=nobody)
    with caplog.at_level(logging.WARNING, logger="gateway.edge.limits.rate_limiter"):
        async with client_from(app) as c:
            assert await statuses(c, 5) == [200] * 5
    warnings = [r for r in caplog.records if "store could not be reached" in r.getMessage()]
    assert len(warnings) == 1, [r.getMessage() for r in caplog.records]


def _bad_tokens_counted(code: str) -> float:
    return REGISTRY.get_sample_value("penghubung_bad_tokens_total", {"code": code}) or 0.0


async def test_bad_tokens_are_counted_audited_at_a_bounded_rate_and_charged_to_the_network(
    make_app: Callable[..., Starlette],
) -> None:
    app = make_app(rate_limits=limits(rates={"public": "8 per minute"}))
    network = f"10.{uuid.uuid4().int % 250}.{uuid.uuid4().int % 250}"
    counted = _bad_tokens_counted("MALFORMED_TOKEN")
    async with client_from(app, f"{network}.9") as c:
        answers = await statuses(c, 10, token="not-a-token")
        anonymous = await post(c)
    assert answers == [401] * 8 + [429, 429]  # bad tokens spend the network's limit...
    assert anonymous.status_code == 429  # ...which anonymous requests from it share
    assert _bad_tokens_counted("MALFORMED_TOKEN") - counted == 10
    rows = await AuditEventRow.filter(
        action="TOKEN_REJECTED", reason__startswith=f"MALFORMED_TOKEN from {network}.0/24"
    ).values_list("reason", "actor_subject")
    assert rows == [(f"MALFORMED_TOKEN from {network}.0/24", None)]


async def test_the_bad_token_audit_row_counts_the_window_before(make_app: Callable[..., Starlette]) -> None:
    app = make_app(rate_limits=limits(bad_token_audit_seconds=1))
    network = f"10.{uuid.uuid4().int % 250}.{uuid.uuid4().int % 250}"
    async with client_from(app, f"{network}.9") as c:
        # Three within one window (again if a window boundary fell between them)...
        for _ in range(5):
            rows_before = await AuditEventRow.filter(reason__startswith=f"MALFORMED_TOKEN from {network}.0/24").count()
            await statuses(c, 3, token="not-a-token")
            window = int(time.time())
            if (
                await AuditEventRow.filter(reason__startswith=f"MALFORMED_TOKEN from {network}.0/24").count()
                == rows_before + 1
            ):
                break
        # ...then one in the window after.
        await asyncio.sleep(max(0.0, window + 1.05 - time.time()))
        await statuses(c, 1, token="not-a-token")
    latest = (
        await AuditEventRow.filter(reason__startswith=f"MALFORMED_TOKEN from {network}.0/24").order_by("-id").first()
    )
    assert latest is not None and latest.reason == f"MALFORMED_TOKEN from {network}.0/24; +2 before"


def test_rates_come_from_the_environment_and_bad_ones_are_refused() -> None:
    settings = from_env({"PENGHUBUNG_RATE_LIMIT_CITIZEN": "5 per second", "PENGHUBUNG_RATE_LIMIT_IPV4_PREFIX": "32"})
    assert settings.rate_limits.rates[Role.CITIZEN] == "5 per second"
    assert settings.rate_limits.rates[Role.PUBLIC] == DEFAULT_RATES[Role.PUBLIC]
    assert settings.rate_limits.ipv4_prefix == 32
    with pytest.raises(SettingsError, match=r"PENGHUBUNG_RATE_LIMIT_CITIZEN is 'lots'; expected a rate such as"):
        from_env({"PENGHUBUNG_RATE_LIMIT_CITIZEN": "lots"})
    with pytest.raises(SettingsError, match=r"ipv4_prefix is 40, expected 8\.\.32"):
        from_env({"PENGHUBUNG_RATE_LIMIT_IPV4_PREFIX": "40"})
    assert from_env({"PENGHUBUNG_RATE_LIMIT_CITIZEN_NETWORK": "9 per second"}).rate_limits.citizen_network_rate == (
        "9 per second"
    )
    with pytest.raises(SettingsError, match=r"PENGHUBUNG_RATE_LIMIT_CITIZEN_NETWORK is 'many'; expected a rate"):
        from_env({"PENGHUBUNG_RATE_LIMIT_CITIZEN_NETWORK": "many"})


@contextlib.asynccontextmanager
async def serving(app: Starlette) -> AsyncIterator[int]:
    """The app under uvicorn on a loopback port, in this event loop."""
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_config=None, lifespan="on"))
    task = asyncio.create_task(server.serve())
    try:
        while not server.started:
            if task.done():
                task.result()
            await asyncio.sleep(0.02)
        yield port
    finally:
        server.should_exit = True
        await task


async def _socket(port: int, token: str, stack: contextlib.AsyncExitStack) -> Any:
    """A graphql-transport-ws connection; its acknowledgement, or the close it got."""
    ws = await stack.enter_async_context(
        websockets.connect(f"ws://127.0.0.1:{port}/graphql", subprotocols=["graphql-transport-ws"])
    )
    await ws.send(json.dumps({"type": "connection_init", "payload": {"authorization": f"Bearer {token}"}}))
    try:
        return json.loads(await asyncio.wait_for(ws.recv(), 5))
    except websockets.ConnectionClosed as closed:
        return closed.rcvd


async def _sockets_per_subject(apps: list[Starlette], tokens: Tokens) -> None:
    officer = tokens.make(Role.AGENCY_OFFICER, subject=f"petugas-{uuid.uuid4().hex[:8]}", agency="dinkes-mura")
    async with contextlib.AsyncExitStack() as servers:
        ports = [await servers.enter_async_context(serving(app)) for app in apps]
        async with contextlib.AsyncExitStack() as first:
            assert (await _socket(ports[0], officer, first))["type"] == "connection_ack"
            assert (await _socket(ports[-1], officer, first))["type"] == "connection_ack"
            async with contextlib.AsyncExitStack() as third:
                refused = await _socket(ports[0], officer, third)
                assert (refused.code, refused.reason) == (4429, "RATE_LIMITED: too many open sockets")
                other = tokens.make(Role.AGENCY_OFFICER, subject="petugas-lain", agency="dinkes-mura")
                assert (await _socket(ports[-1], other, third))["type"] == "connection_ack"
        # Closed sockets give their places back.
        await asyncio.sleep(0.2)
        async with contextlib.AsyncExitStack() as again:
            assert (await _socket(ports[-1], officer, again))["type"] == "connection_ack"


async def test_sockets_per_subject_are_bounded(make_app: Callable[..., Starlette], tokens: Tokens) -> None:
    await _sockets_per_subject([make_app(rate_limits=limits(ws_connections_per_subject=2))], tokens)


@needs_redis
async def test_sockets_per_subject_are_bounded_across_gateways(
    make_app: Callable[..., Starlette], tokens: Tokens
) -> None:
    shared = limits(ws_connections_per_subject=2)
    await _sockets_per_subject([make_app(rate_limits=shared, redis_url=REDIS_URL) for _ in range(2)], tokens)


@pytest.mark.parametrize("shared", [False, pytest.param(True, marks=needs_redis)], ids=["memory", "redis"])
async def test_a_dead_processs_socket_lease_lapses_and_a_live_one_is_renewed(shared: bool) -> None:
    # A process that dies holds its caller's places only for one short lease, however long
    # the token lives; an open socket's gateway renews its lease, so it keeps its place.
    leases = ConnectionLeases(
        REDIS_URL if shared else None, prefix=f"penghubung-test-{uuid.uuid4().hex[:12]}:ws", lease_seconds=1.0
    )
    a_day = time.time() + 86400
    try:
        dead = await leases.take("caller", most=2, until=a_day)
        live = await leases.take("caller", most=2, until=a_day)
        assert dead and live and await leases.take("caller", most=2, until=a_day) is None
        for _ in range(4):  # the live socket's renewals, a third of a lease apart
            await asyncio.sleep(0.35)
            assert await leases.renew("caller", live, until=a_day)
        # The dead one's lease ran out; the live one still holds its place.
        assert not await leases.renew("caller", dead, until=a_day)
        assert await leases.take("caller", most=2, until=a_day) is not None
        assert await leases.take("caller", most=2, until=a_day) is None
        # A lease never outlives its token.
        soon = await leases.take("other", most=1, until=time.time() + 0.3)
        assert soon and await leases.take("other", most=1, until=a_day) is None
        await asyncio.sleep(0.5)
        assert await leases.take("other", most=1, until=a_day) is not None
    finally:
        await leases.close()


async def test_a_handshake_over_the_network_limit_is_refused(make_app: Callable[..., Starlette]) -> None:
    app = make_app(rate_limits=limits(rates={"public": "1 per minute"}))
    async with serving(app) as port:
        url = f"ws://127.0.0.1:{port}/graphql"
        async with websockets.connect(url, subprotocols=["graphql-transport-ws"]):
            pass
        # uvicorn lets a refused handshake be answered over HTTP: a 429 like any request.
        with pytest.raises(websockets.InvalidStatus) as refused:
            async with websockets.connect(url, subprotocols=["graphql-transport-ws"]):
                pass
    response = refused.value.response
    assert response.status_code == 429
    assert int(response.headers["retry-after"]) >= 1
    assert json.loads(response.body)["errors"][0]["extensions"] == {
        "code": "RATE_LIMITED",
        "retryAfter": int(response.headers["retry-after"]),
    }


async def test_each_subscribe_counts_against_the_callers_rate(
    make_app: Callable[..., Starlette], tokens: Tokens
) -> None:
    app = make_app(rate_limits=limits(rates={"national_admin": "3 per minute"}))
    admin = tokens.make(Role.NATIONAL_ADMIN, subject=f"admin-{uuid.uuid4().hex[:8]}", agency="kemenpanrb")
    async with serving(app) as port:
        async with websockets.connect(f"ws://127.0.0.1:{port}/graphql", subprotocols=["graphql-transport-ws"]) as ws:
            await ws.send(json.dumps({"type": "connection_init", "payload": {"authorization": f"Bearer {admin}"}}))
            assert json.loads(await asyncio.wait_for(ws.recv(), 5))["type"] == "connection_ack"
            for n in range(1, 4):  # a subscribe and its complete: three fit the rate
                await ws.send(json.dumps({"id": str(n), "type": "subscribe", "payload": {"query": SUBSCRIBE}}))
                await ws.send(json.dumps({"id": str(n), "type": "complete"}))
            await ws.send(json.dumps({"id": "4", "type": "subscribe", "payload": {"query": SUBSCRIBE}}))
            with pytest.raises(websockets.ConnectionClosed) as closed:
                while True:
                    await asyncio.wait_for(ws.recv(), 5)
    assert closed.value.rcvd is not None and closed.value.rcvd.code == 4429
    assert closed.value.rcvd.reason.startswith("RATE_LIMITED: too many subscribes")
