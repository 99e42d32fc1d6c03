"""The tarpit: a caller over its limit waits for its 429, so a closed-loop flood slows down;
the number of refusals waiting at once is bounded; other networks are served meanwhile.

Real apps over ASGI and real tokens; the wait is real `asyncio.sleep` where the test counts
answers within a window (with a wide margin, never a latency), and a fake sleep (the
tarpit's clock seam) where the test checks the bound.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

import httpx2 as httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from auth.roles import Role
from gateway.edge.limits.rate_guard import RateGuard
from gateway.edge.limits.rate_limit import RateLimitMiddleware
from gateway.edge.limits.tarpit import Tarpit
from gateway.settings import SettingsError, from_env
from tests.conftest import Tokens
from tests.gateway.rates import client_from, limits, post


async def _closed_loop(c: httpx.AsyncClient, until: float, token: str | None = None) -> list[httpx.Response]:
    """Send, wait for the answer, send again, until `until` (monotonic)."""
    answers = []
    while time.monotonic() < until:
        answers.append(await post(c, token))
    return answers


@pytest.mark.slow
async def test_a_closed_loop_flood_gets_its_429s_no_faster_than_the_delay(
    make_app: Callable[..., Starlette], tokens: Tokens
) -> None:
    delay, window, connections = 0.5, 2.0, 4
    app = make_app(rate_limits=limits(rates={"citizen": "3 per hour"}, delay=delay))
    flooder = tokens.make(Role.CITIZEN, subject="warga-flood")
    async with client_from(app, "198.51.100.66") as c:
        until = time.monotonic() + window
        loops = await asyncio.gather(*(_closed_loop(c, until, flooder) for _ in range(connections)))
    answers = [a for loop in loops for a in loop]
    refused = [a for a in answers if a.status_code == 429]
    assert sum(a.status_code == 200 for a in answers) == 3
    assert len(refused) == len(answers) - 3
    assert all(a.json()["errors"][0]["extensions"]["code"] == "RATE_LIMITED" for a in refused)
    # Each refusal waits at least half the delay, so one connection has at most
    # 2 * window / delay of them, plus the one under way at the end (an instant 429 lets the
    # same loop have hundreds).
    assert connections <= len(refused) <= connections * (2 * window / delay + 1)


def _tiny_app(guard: RateGuard) -> RateLimitMiddleware:
    async def ok(request: Request) -> JSONResponse:
        return JSONResponse({"data": {"__typename": "Query"}})

    return RateLimitMiddleware(Starlette(routes=[Route("/graphql", ok, methods=["POST"])]), guard=guard)


async def test_the_tarpit_holds_a_bounded_number_and_answers_the_rest_at_once() -> None:
    waits: list[float] = []
    release = asyncio.Event()

    async def fake_sleep(seconds: float) -> None:
        waits.append(seconds)
        await release.wait()

    guard = RateGuard(limits(rates={"public": "1 per hour"}, delay=30.0, most_delayed=2))
    draws = iter([0.0, 0.999])
    guard.tarpit = Tarpit(guard.settings.delay, guard.settings.most_delayed, sleep=fake_sleep, draw=lambda: next(draws))
    async with client_from(_tiny_app(guard), "198.51.100.9") as c:  # type: ignore[arg-type]
        assert (await post(c)).status_code == 200
        pending = [asyncio.create_task(post(c)) for _ in range(5)]
        done, held = await asyncio.wait(pending, timeout=10, return_when=asyncio.FIRST_COMPLETED)
        while len(done) < 3:
            more, held = await asyncio.wait(held, timeout=10, return_when=asyncio.FIRST_COMPLETED)
            assert more, "the refusals past the bound were not answered at once"
            done |= more
        assert len(held) == 2 and guard.tarpit.held == 2  # two wait, three were answered at once
        release.set()
        answers = [t.result() for t in done] + list(await asyncio.gather(*held))
    assert [a.status_code for a in answers] == [429] * 5
    assert guard.tarpit.held == 0
    # A held refusal waits between half and all of the delay (or of its Retry-After if that
    # is sooner), drawn at random so that refusals that came together leave apart.
    longest = min(30.0, int(answers[-1].headers["retry-after"]))
    assert waits == [longest / 2, longest * 1.999 / 2]


async def test_no_delay_or_no_room_answers_at_once() -> None:
    slept: list[float] = []

    async def fake_sleep(seconds: float) -> None:
        slept.append(seconds)

    assert not await Tarpit(0.0, 10, sleep=fake_sleep).hold(5)
    assert not await Tarpit(1.0, 0, sleep=fake_sleep).hold(5)
    assert await Tarpit(1.0, 1, sleep=fake_sleep, draw=lambda: 0.5).hold(5)
    assert slept == [0.75]


@pytest.mark.slow
async def test_a_caller_on_another_network_is_served_while_a_flood_waits(make_app: Callable[..., Starlette]) -> None:
    app = make_app(rate_limits=limits(rates={"public": "5 per hour"}, delay=2.0))
    stop = time.monotonic() + 60  # bounded; the flood ends when the legitimate caller is done
    flood_answers: list[tuple[float, int]] = []

    async def flood_loop(c: httpx.AsyncClient) -> None:
        while time.monotonic() < stop:
            status = (await post(c)).status_code
            flood_answers.append((time.monotonic(), status))

    async with client_from(app, "198.51.100.66") as flood, client_from(app, "192.0.2.10") as legit:
        loops = [asyncio.create_task(flood_loop(flood)) for _ in range(8)]
        while len(flood_answers) < 5:  # the flood has spent its network's limit
            await asyncio.sleep(0.01)
        legit_statuses = [(await post(legit)).status_code for _ in range(5)]
        legit_done = time.monotonic()
        stop = 0.0
        await asyncio.wait_for(asyncio.gather(*loops), timeout=30)
    assert legit_statuses == [200] * 5
    # Meanwhile the flood's refusals sat in the tarpit: at most one per connection came back
    # before the legitimate caller was done (an instant 429 would let it have hundreds).
    refused_before = [s for at, s in flood_answers if at <= legit_done and s == 429]
    assert len(refused_before) <= 8
    assert [s for _, s in flood_answers].count(200) == 5


def test_the_delay_comes_from_the_environment_and_bad_ones_are_refused() -> None:
    settings = from_env({"PENGHUBUNG_RATE_LIMIT_DELAY": "0.25", "PENGHUBUNG_RATE_LIMIT_MOST_DELAYED": "50"})
    assert (settings.rate_limits.delay, settings.rate_limits.most_delayed) == (0.25, 50)
    assert from_env({}).rate_limits.delay == 1.0
    for bad in ("soon", "-1", "120", "nan"):
        with pytest.raises(SettingsError, match=rf"PENGHUBUNG_RATE_LIMIT_DELAY is '{bad}'; expected seconds from 0"):
            from_env({"PENGHUBUNG_RATE_LIMIT_DELAY": bad})
