"""A failed request says whether it may have reached its source (`ConnectorError.sent`),
decided in one place (`connectors.http`), against real loopback peers: what never left is
never in doubt; what was sent and not answered is."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import aiohttp
import pytest

from connectors.errors import UpstreamUnavailable
from connectors.http import Policy, UpstreamClient, send_tracing, watching_writes
from tests.servers import free_port
from tests.sockets import hanging_connects, raw_server

POLICY = Policy(connect_timeout=0.3, total_timeout=1.0, attempts=1, failure_threshold=100)


@pytest.fixture
async def traced() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession(trace_configs=[send_tracing()]) as session:
        yield session


async def _failure(session: aiohttp.ClientSession, port: int, method: str = "POST") -> UpstreamUnavailable:
    client = UpstreamClient("16.07-uji", session, POLICY)
    with pytest.raises(UpstreamUnavailable) as caught:
        await client.request(method, f"http://127.0.0.1:{port}/api/stream/addstream", data=b"<lapor/>")
    return caught.value


async def test_refused_never_left(traced: aiohttp.ClientSession) -> None:
    error = await _failure(traced, free_port())
    assert not error.sent and not error.in_doubt and "nothing was sent" in error.message


async def test_a_connect_timeout_never_left(traced: aiohttp.ClientSession) -> None:
    with hanging_connects() as port:
        error = await _failure(traced, port)
    assert not error.sent and not error.in_doubt and "timed out connecting" in error.message


async def test_sent_and_not_answered_is_in_doubt(traced: aiohttp.ClientSession) -> None:
    async with raw_server("silent") as port:
        error = await _failure(traced, port)
    assert error.sent and error.in_doubt and error.message.endswith("timed out")


async def test_a_connection_closed_before_the_request_was_read_is_in_doubt(traced: aiohttp.ClientSession) -> None:
    async with raw_server("closing") as port:
        error = await _failure(traced, port)
    assert error.sent and error.in_doubt


@pytest.mark.parametrize("traced_session", [True, False])
async def test_a_write_cut_off_by_the_callers_deadline_is_known_unsent_only_when_traced(traced_session: bool) -> None:
    configs = [send_tracing()] if traced_session else []
    async with aiohttp.ClientSession(trace_configs=configs) as session:
        client = UpstreamClient("16.07-uji", session, Policy(connect_timeout=5, total_timeout=10, attempts=1))
        with hanging_connects() as port, watching_writes() as writes:
            with pytest.raises(TimeoutError):
                async with asyncio.timeout(0.3):
                    await client.request("POST", f"http://127.0.0.1:{port}/x", data=b"x")
    assert writes.may_have_left is not traced_session


async def test_a_read_cut_off_puts_no_write_in_doubt(traced: aiohttp.ClientSession) -> None:
    async with raw_server("silent") as port:
        client = UpstreamClient("16.07-uji", traced, Policy(connect_timeout=1, total_timeout=10, attempts=1))
        with watching_writes() as writes:
            with pytest.raises(TimeoutError):
                async with asyncio.timeout(0.5):
                    await client.request("GET", f"http://127.0.0.1:{port}/x")
    assert not writes.may_have_left
