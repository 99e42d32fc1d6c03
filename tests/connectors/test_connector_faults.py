"""Connectors against misbehaving simulators: every fault is a typed error within a bounded
time and memory, and a healthy source beside a failing one is unaffected."""

from __future__ import annotations

import asyncio
import time
import tracemalloc
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import aiohttp
import pytest

from connectors.bundled import bundled_spec
from connectors.errors import CircuitOpen, DecodeError, UpstreamUnavailable
from connectors.http import OBSERVERS, CallRecord, Policy, UpstreamClient
from connectors.lapor import AddstreamConnector
from connectors.loader import build_source
from connectors.protocol import Connector, NewComplaint
from connectors.sandbox import Simulator
from connectors.sandbox.province import SANDBOX_SECRETS
from connectors.sandbox.runner import default_simulators, serve_all
from connectors.source import HttpSource

FAST = Policy(total_timeout=0.5, connect_timeout=0.5, attempts=2, backoff_base=0.01, backoff_max=0.02)


@pytest.fixture(scope="module")
async def sandbox() -> AsyncIterator[tuple[dict[str, Simulator], dict[str, str]]]:
    sims = default_simulators()
    async with serve_all(sims) as urls:
        yield sims, urls


@pytest.fixture
async def sims(sandbox: tuple[dict[str, Simulator], dict[str, str]]) -> AsyncIterator[dict[str, Simulator]]:
    for sim in sandbox[0].values():
        sim.reset()
    yield sandbox[0]
    for sim in sandbox[0].values():
        sim.faults.clear()


def source(dialect: str, session: aiohttp.ClientSession, urls: dict[str, str], policy: Policy = FAST) -> HttpSource:
    spec = bundled_spec(dialect)
    return build_source(
        spec, UpstreamClient(spec.name, session, policy), urls[dialect], secret=SANDBOX_SECRETS[dialect]
    )


async def read_all(connector: Connector) -> int:
    return len([record async for batch in connector.changes() for record in batch.records])


async def failure_of(coroutine: object, limit: float) -> tuple[Exception, float]:
    """The exception the call ends with, and how long it took; fails past `limit` seconds."""
    started = time.monotonic()
    with pytest.raises(Exception) as caught:
        await asyncio.wait_for(coroutine, timeout=limit)  # type: ignore[arg-type]
    return caught.value, time.monotonic() - started  # type: ignore[return-value]


@pytest.mark.parametrize("dialect", ["rest_json_v1", "wa_bot_mongo", "legacy_sql"])
async def test_a_hanging_source_times_out_at_its_deadline(dialect: str, sims, sandbox, session) -> None:
    sims[dialect].faults.set(timeout=True)
    error, took = await failure_of(read_all(source(dialect, session, sandbox[1])), limit=5)
    assert isinstance(error, UpstreamUnavailable) and "timed out" in error.message
    # Each attempt cut at its 0.5 s deadline; the bound leaves room for a loaded machine and
    # still fails a source that waited for the hanging one (failure_of's limit fails it too).
    assert took < 0.5 * FAST.attempts + 3.0


@pytest.mark.parametrize("kind", ["503", "close"])
async def test_a_down_source_is_unavailable_after_its_retries(kind: str, sims, sandbox, session) -> None:
    sims["rest_json_v1"].faults.set(down=kind)
    error, took = await failure_of(read_all(source("rest_json_v1", session, sandbox[1])), limit=5)
    assert isinstance(error, UpstreamUnavailable) and error.retriable
    assert took < 5  # a sanity bound (the retries back off for milliseconds), not a latency claim


async def test_429_with_retry_after_is_waited_out_then_read(sims, sandbox, session) -> None:
    sims["wa_bot_mongo"].faults.set(retry_after=1, retry_after_seconds=1)
    started = time.monotonic()
    count = await read_all(source("wa_bot_mongo", session, sandbox[1], Policy(attempts=2)))
    assert count == 12 and time.monotonic() - started >= 1.0


async def test_too_long_a_retry_after_is_capped(sims, sandbox, session) -> None:
    sims["wa_bot_mongo"].faults.set(retry_after=1, retry_after_seconds=3600)
    policy = Policy(attempts=2, max_retry_after=0.2)
    started = time.monotonic()
    assert await read_all(source("wa_bot_mongo", session, sandbox[1], policy)) == 12
    assert time.monotonic() - started < 30  # capped at 0.2 s, far from the hour asked for


@pytest.mark.parametrize(
    ("dialect", "garbage", "says"),
    [
        ("rest_json_v1", "truncated", "not valid JSON"),
        ("wa_bot_mongo", "truncated", "not valid JSON"),
        ("rest_json_v1", "wrong_shape", "expected a list of records at 'data'"),
        ("wa_bot_mongo", "wrong_shape", "expected a list of records at 'items'"),
        ("rest_json_v1", "html", "not valid JSON"),
        ("legacy_sql", "wrong_shape", "column"),
    ],
)
async def test_bad_bodies_are_decode_errors(dialect: str, garbage: str, says: str, sims, sandbox, session) -> None:
    sims[dialect].faults.set(garbage=garbage)
    seen: list[CallRecord] = []
    OBSERVERS.append(seen.append)
    try:
        error, _ = await failure_of(read_all(source(dialect, session, sandbox[1])), limit=5)
    finally:
        OBSERVERS.remove(seen.append)
    assert isinstance(error, DecodeError) and says in error.message, error
    # Observers (the metrics) count it as an unreadable answer, not as a healthy call.
    assert [c.outcome for c in seen if c.outcome != "ok"] == ["unreadable"], seen


@pytest.mark.slow
async def test_a_decompression_bomb_costs_bounded_memory(sims, sandbox, session) -> None:
    sims["rest_json_v1"].faults.set(bomb=True, bomb_mb=256)
    policy = Policy(total_timeout=5, attempts=1, max_body_bytes=1024 * 1024)
    tracemalloc.start()
    try:
        error, _ = await failure_of(read_all(source("rest_json_v1", session, sandbox[1], policy)), limit=10)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert isinstance(error, DecodeError) and "after decompression" in error.message
    assert peak < 16 * 1024 * 1024  # 256 MB inflated, a few MB held at most


@pytest.mark.parametrize("name", ["xml_stream", "lapor_national"])
async def test_an_xml_entity_attack_in_an_answer_is_refused(name: str, sims, sandbox, session) -> None:
    sims[name].faults.set(garbage="xml_entities")
    token = sims[name].sink.token  # type: ignore[attr-defined]
    push = AddstreamConnector(name, UpstreamClient(name, session, FAST), sandbox[1][name], token=token)
    complaint = NewComplaint(
        external_ref="ref-1",
        title="Jalan rusak",
        content="Jalan berlubang.",
        kode_wilayah="16.07",
        created_at=datetime.now(UTC),
    )
    tracemalloc.start()
    try:
        error, took = await failure_of(push.create(complaint), limit=5)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert isinstance(error, DecodeError) and "forbidden XML construct" in error.message
    # Refused before expanding: little memory, and no parse that runs for minutes (a wide
    # bound, so that a loaded machine does not fail it).
    assert peak < 8 * 1024 * 1024 and took < 10


async def test_a_hanging_source_beside_a_healthy_one(sims, sandbox, session) -> None:
    """Both read at once: the healthy one finishes at its own pace, the hanging one at its deadline."""
    sims["wa_bot_mongo"].faults.set(timeout=True)
    hanging = source("wa_bot_mongo", session, sandbox[1], Policy(total_timeout=1.5, attempts=1))
    healthy = source("rest_json_v1", session, sandbox[1], Policy(total_timeout=1.5, attempts=1))
    finished: dict[str, float] = {}
    started = time.monotonic()

    async def timed(name: str, connector: HttpSource) -> int:
        try:
            return await read_all(connector)
        finally:
            finished[name] = time.monotonic() - started

    results = await asyncio.gather(timed("hanging", hanging), timed("healthy", healthy), return_exceptions=True)
    assert isinstance(results[0], UpstreamUnavailable)
    assert results[1] == 12
    # The healthy one was not held by the hanging one: it finished first, and the hanging
    # one not before its 1.5 s deadline (orderings, which load does not change; the upper
    # bound only catches a read that waited past its deadline for much longer).
    assert finished["healthy"] < finished["hanging"]
    assert 1.4 < finished["hanging"] < 10


async def test_a_failing_source_opens_its_circuit_and_fails_fast(sims, sandbox, session) -> None:
    sims["legacy_sql"].faults.set(down="503")
    policy = Policy(attempts=1, failure_threshold=2, open_seconds=60, total_timeout=1)
    failing = source("legacy_sql", session, sandbox[1], policy)
    for _ in range(2):
        error, _ = await failure_of(read_all(failing), limit=5)
        assert isinstance(error, UpstreamUnavailable)
    calls = len(sims["legacy_sql"].received.entries)
    error, took = await failure_of(read_all(failing), limit=5)
    # Refused at once ("not even tried", below, is the proof; the bound is only a sanity check).
    assert isinstance(error, CircuitOpen) and took < 1
    assert len(sims["legacy_sql"].received.entries) == calls  # not even tried


async def test_a_create_retried_after_a_429_lands_once(sims, sandbox, session) -> None:
    sims["rest_json_v1"].faults.set(retry_after=1, retry_after_seconds=0)
    rest = source("rest_json_v1", session, sandbox[1], Policy(attempts=3, backoff_base=0.01))
    before = len(sims["rest_json_v1"].reports)  # type: ignore[attr-defined]
    complaint = NewComplaint(
        external_ref="gw-42",
        title="Lampu jalan padam",
        content="Sudah seminggu padam.",
        kode_wilayah="16.01",
        created_at=datetime.now(UTC),
    )
    first = await rest.create(complaint)
    again = await rest.create(complaint)  # a redelivery: recognised by its idempotency key
    assert again.source_id == first.source_id and again.replayed
    assert len(sims["rest_json_v1"].reports) == before + 1  # type: ignore[attr-defined]
