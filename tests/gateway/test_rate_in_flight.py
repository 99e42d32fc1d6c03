"""Requests in progress per caller: a token's (issuer, subject) may have only so many at
once; past that, 429 with a code and what was expected; others, and anonymous callers
(a whole network shares their key), are not held back by it.

The rate-limit middleware of the gateway over a handler that waits for the test's word, so
requests stay in progress as long as the test needs, with no clock involved.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route
from starlette.types import Receive, Scope, Send

from auth.principal import Principal
from auth.roles import Role
from gateway.authentication import PRINCIPAL_KEY
from gateway.in_flight import InFlight
from gateway.rate_guard import RateGuard
from gateway.rate_limit import RateLimitMiddleware
from gateway.settings import SettingsError, from_env
from tests.gateway.test_rate_limits import client_from, limits


class Gate:
    """A handler that answers only once the test opens the gate."""

    def __init__(self) -> None:
        self.open = asyncio.Event()
        self.waiting = 0

    async def handle(self, request: Request) -> JSONResponse:
        self.waiting += 1
        await self.open.wait()
        return JSONResponse({"data": {"__typename": "Query"}})


def _app(guard: RateGuard, gate: Gate) -> object:
    inner = RateLimitMiddleware(Starlette(routes=[Route("/graphql", gate.handle, methods=["POST"])]), guard=guard)

    async def with_principal(scope: Scope, receive: Receive, send: Send) -> None:
        # Stands in for the bearer middleware: the subject comes from a test header.
        subject = dict(scope["headers"]).get(b"x-test-subject")
        if subject:
            scope[PRINCIPAL_KEY] = Principal(subject=subject.decode(), roles=frozenset({Role.CITIZEN}), issuer="https://sso.test")
        await inner(scope, receive, send)

    return with_principal


@pytest.fixture
async def started() -> AsyncIterator[tuple[Gate, RateGuard]]:
    gate = Gate()
    guard = RateGuard(limits(rates={"citizen": "100 per hour", "public": "100 per hour"}, in_flight_per_subject=2))
    yield gate, guard
    gate.open.set()


async def _until(condition: object, timeout: float = 10) -> None:
    async with asyncio.timeout(timeout):
        while not condition():  # type: ignore[operator]
            await asyncio.sleep(0.005)


async def test_a_subject_past_its_requests_in_progress_is_refused_and_others_are_not(
    started: tuple[Gate, RateGuard],
) -> None:
    gate, guard = started
    async with client_from(_app(guard, gate), "198.51.100.66") as c:  # type: ignore[arg-type]

        def send(subject: str | None) -> asyncio.Task:
            headers = {"x-test-subject": subject} if subject else {}
            return asyncio.create_task(c.post("/graphql", json={"query": "{ __typename }"}, headers=headers))

        first = [send("warga-a"), send("warga-a")]
        await _until(lambda: gate.waiting == 2)
        refused = await asyncio.wait_for(send("warga-a"), 10)  # answered at once, never held at the gate
        assert refused.status_code == 429
        error = refused.json()["errors"][0]
        assert error["extensions"] == {"code": "RATE_LIMITED", "retryAfter": 1}
        assert "expected at most 2 requests in progress at once" in error["message"]
        assert refused.headers["retry-after"] == "1"
        # Another subject, and anonymous callers (a network shares their key), go on.
        others = [send("warga-b"), send(None), send(None), send(None)]
        await _until(lambda: gate.waiting == 6)
        gate.open.set()
        answers = await asyncio.gather(*first, *others)
        assert [a.status_code for a in answers] == [200] * 6
        assert len(guard.in_flight) == 0  # nothing kept once all are done
        assert (await send("warga-a")).status_code == 200


def test_the_count_forgets_a_key_with_nothing_in_progress() -> None:
    counts = InFlight(1)
    assert counts.take("k") and not counts.take("k")
    counts.give_back("k")
    assert len(counts) == 0 and counts.take("k")


def test_the_cap_comes_from_the_environment() -> None:
    assert from_env({"PENGHUBUNG_IN_FLIGHT_PER_SUBJECT": "3"}).rate_limits.in_flight_per_subject == 3
    assert from_env({}).rate_limits.in_flight_per_subject == 8
    with pytest.raises(SettingsError, match="in_flight_per_subject is 0, expected at least 1"):
        from_env({"PENGHUBUNG_IN_FLIGHT_PER_SUBJECT": "0"})
