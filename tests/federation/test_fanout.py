"""A live list fans out to every source of a partition at once: with 514 kab/kota sources,
5% hanging and 5% failing, every source is asked, the hanging ones are cut off at the
fan-out deadline instead of holding the answer, every failing source is named, the healthy
ones' records are merged, and the caller sees only what its scope holds.

These tests assert behaviour, not speed: how fast the answer comes (the whole fan-out
against its slowest source, and how far past the deadline a list with hanging sources
answers) is measured by `python -m bench.fanout`, not here."""

from __future__ import annotations

import random
import time
from collections.abc import AsyncIterator, Callable
from datetime import datetime
from types import SimpleNamespace
from typing import Any

import httpx2 as httpx
import pytest
from starlette.applications import Starlette

from auth.roles import Role
from connectors.http import Policy
from connectors.sandbox.nation import Nation, serve_nation
from gateway.domain.sources import upstream_session
from gateway.edge.state import AppState, with_app_state
from gateway.settings import FederationSettings, GraphQLLimits
from gateway.sync.topology import Topology
from tests.conftest import Tokens

pytestmark = [pytest.mark.fanout, pytest.mark.slow]

# Long enough that the 462 healthy simulators, served by this very process, answer on a
# loaded machine (at 5 s they did not always): the test is about which sources are cut off,
# not how soon. Far below how long a hanging source would hold the request otherwise.
DEADLINE = 15.0
UPSTREAM_TIMEOUT = 90.0
# The simulators' seeds are from 2025; a live list reads the last 30 days unless told.
SINCE_2000 = {"createdAfter": "2000-01-01T00:00:00Z"}
LIST = """query($after: String, $filter: ComplaintFilterInput) {
  complaints(live: true, first: 40, after: $after, filter: $filter) {
    totalCount partial
    sources { system outcome latencyMs error records }
    pageInfo { hasNextPage endCursor }
    edges { node { id status isSecret createdAt location { kodeWilayah } live owner { system outcome } } }
  }
}"""


@pytest.fixture
async def nation() -> AsyncIterator[Nation]:
    async with upstream_session() as http:  # the gateway's own session
        async with serve_nation(http, policy=Policy(attempts=1, total_timeout=UPSTREAM_TIMEOUT)) as served:
            yield served


@pytest.fixture
async def patient_nation() -> AsyncIterator[Nation]:
    """The nation with connects as patient as calls: on a loaded machine the simulators,
    served by this very process, may take seconds to accept, and only the fan-out deadline
    should cut a source off here."""
    policy = Policy(attempts=1, total_timeout=UPSTREAM_TIMEOUT, connect_timeout=UPSTREAM_TIMEOUT)
    async with upstream_session() as http, serve_nation(http, policy=policy) as served:
        yield served


@pytest.fixture
def ask(nation: Nation, make_app: Callable[..., Starlette]) -> Callable[..., Any]:
    return asker(nation, make_app, DEADLINE)


def asker(nation: Nation, make_app: Callable[..., Starlette], deadline: float) -> Callable[..., Any]:
    """Runs the live list query against a gateway whose fan-out deadline is `deadline`."""
    # A whole-country deployment: one country-wide live list is 514 source calls, over the
    # default per-request cap and budget, which such a deployment raises
    # (PENGHUBUNG_MAX_SOURCE_CALLS, PENGHUBUNG_MAX_COST), and its operation timeout with its
    # fan-out deadline (PENGHUBUNG_OPERATION_TIMEOUT), so that the deadline is what cuts.
    limits = GraphQLLimits(max_source_calls=520, max_cost=20_000, operation_timeout=UPSTREAM_TIMEOUT)
    app = make_app(federation=FederationSettings(fanout_deadline=deadline), limits=limits)
    state = AppState(
        sources=SimpleNamespace(connectors=nation.connectors), topology=Topology(regencies=nation.regencies)
    )

    async def run(token: str | None, variables: dict[str, Any] | None = None, *, expect_errors: bool = False) -> Any:
        transport = httpx.ASGITransport(app=with_app_state(app, state))
        headers = {"authorization": f"Bearer {token}"} if token else {}
        async with httpx.AsyncClient(transport=transport, base_url="http://gateway.test") as client:
            started = time.perf_counter()
            response = await client.post(
                "/graphql", json={"query": LIST, "variables": variables or {}}, headers=headers
            )
            took = time.perf_counter() - started
        body = response.json()
        if expect_errors:
            return body
        assert "errors" not in body, body
        return body["data"]["complaints"], took

    return run


def _faults(nation: Nation) -> tuple[set[str], set[str]]:
    names = sorted(nation.simulators)
    picked = random.Random(514).sample(names, 52)
    hanging, failing = set(picked[:26]), set(picked[26:])
    for name, sim in nation.simulators.items():
        sim.faults.set(latency_ms=50)
        if name in hanging:
            sim.faults.set(timeout=True)
        elif name in failing:
            sim.faults.set(down="503")
    return hanging, failing


async def test_514_sources_are_all_asked_the_hanging_cut_off_and_failures_named(
    database_url: str, patient_nation: Nation, make_app: Callable[..., Starlette], tokens: Tokens
) -> None:
    nation, ask = patient_nation, asker(patient_nation, make_app, DEADLINE)
    hanging, failing = _faults(nation)
    await ask(tokens.national_admin, {"filter": SINCE_2000})  # connections warmed up, as in a running gateway
    page, took = await ask(tokens.national_admin, {"filter": SINCE_2000})
    outcomes = {s["system"]: s for s in page["sources"]}
    assert len(outcomes) == 514  # every source has its outcome: asked, and answered or cut off
    assert {n for n, s in outcomes.items() if s["outcome"] == "TIMEOUT"} == hanging, {
        n: outcomes[n] for n in hanging if outcomes[n]["outcome"] != "TIMEOUT"
    }
    assert {n for n, s in outcomes.items() if s["outcome"] == "ERROR"} == failing
    assert all("503" in outcomes[n]["error"] for n in failing)
    assert page["partial"] is True
    # The hanging sources did not hold the answer until the upstream timeout. A sanity
    # bound, not a speed claim: wide enough for any load, far short of what waiting for
    # the hanging sources would take (bench.fanout measures the time past the deadline).
    assert took < (DEADLINE + UPSTREAM_TIMEOUT) / 2, (
        f"{took:.2f} s: the fan-out deadline did not cut off hanging sources"
    )
    healthy = [n for n in nation.simulators if n not in hanging | failing]
    expected = sum(len(nation.simulators[n].reports) for n in healthy)
    assert page["totalCount"] == expected == sum(outcomes[n]["records"] for n in healthy)
    for edge in page["edges"]:  # each row names the source it was read from, which answered
        node = edge["node"]
        assert node["live"] is True and node["owner"]["outcome"] == "OK"
        assert node["owner"]["system"] == node["location"]["kodeWilayah"][:5] + "-light"


async def test_pages_of_a_live_list_follow_one_order_without_repeats(
    database_url: str, nation: Nation, ask: Callable[..., Any], tokens: Tokens
) -> None:
    seen: list[tuple[str, str]] = []
    after = None
    for _ in range(3):
        page, _ = await ask(tokens.national_admin, {"after": after, "filter": {"kodeWilayah": "16", **SINCE_2000}})
        seen += [(e["node"]["createdAt"], e["node"]["id"]) for e in page["edges"]]
        after = page["pageInfo"]["endCursor"]
        if not page["pageInfo"]["hasNextPage"]:
            break
    assert len(page["sources"]) == 17  # Sumatera Selatan's kab/kota only
    assert len(seen) == len(set(seen)) == page["totalCount"] == 17 * 3
    keys = [(datetime.fromisoformat(at), i) for at, i in seen]
    assert keys == sorted(keys, reverse=True)  # newest first, across sources and pages


async def test_records_that_cannot_say_they_are_secret_are_taken_as_secret(
    database_url: str, nation: Nation, ask: Callable[..., Any], tokens: Tokens
) -> None:
    # This dialect has no secret flag and nothing is synced yet: a province coordinator
    # (non-secret complaints of a region) is shown none of them; the national admin all.
    coordinator = tokens.make(Role.REGIONAL_COORDINATOR, subject="koordinator-sumsel", region="16")
    page, _ = await ask(coordinator, {"filter": {"kodeWilayah": "16", **SINCE_2000}})
    assert len(page["sources"]) == 17 and page["totalCount"] == 0
    assert all(s["records"] == 0 for s in page["sources"])  # not even how many there are
    everyone, _ = await ask(tokens.national_admin, {"filter": {"kodeWilayah": "16", **SINCE_2000}})
    assert everyone["totalCount"] == 17 * 3


async def test_a_live_list_is_refused_without_a_token_or_a_partition(
    database_url: str, nation: Nation, ask: Callable[..., Any], tokens: Tokens
) -> None:
    for sim in nation.simulators.values():
        sim.received.clear()
    coordinator = tokens.make(Role.REGIONAL_COORDINATOR, subject="koordinator-sumsel", region="16")
    officer = tokens.make(Role.AGENCY_ADMIN, subject="admin-mura", agency="pemkab-16.05")
    for token, code in ((None, "UNAUTHENTICATED"), (officer, "BAD_USER_INPUT")):
        body = await ask(token, {}, expect_errors=True)
        assert body["errors"][0]["extensions"]["code"] == code
    assert "filter.kodeWilayah" in (await ask(officer, {}, expect_errors=True))["errors"][0]["message"]
    assert sum(len(sim.received.entries) for sim in nation.simulators.values()) == 0  # nobody was called
    page, _ = await ask(officer, {"filter": {"kodeWilayah": "16.05", **SINCE_2000}})
    assert [s["system"] for s in page["sources"]] == ["16.05-light"]
    page, _ = await ask(coordinator, {"filter": {"kodeWilayah": "16", **SINCE_2000}})
    assert len(page["sources"]) == 17


async def test_a_source_failing_again_and_again_is_not_called_while_its_circuit_is_open(
    database_url: str, nation: Nation, ask: Callable[..., Any], tokens: Tokens
) -> None:
    broken = nation.simulators["16.05-light"]
    broken.faults.set(down="503")
    partition = {"filter": {"kodeWilayah": "16.05", **SINCE_2000}}
    for _ in range(5):  # the breaker's threshold
        page, _ = await ask(tokens.national_admin, partition)
        assert page["sources"][0]["outcome"] == "ERROR"
    calls = len(broken.received.entries)
    page, _ = await ask(tokens.national_admin, partition)
    assert page["sources"][0]["outcome"] == "CIRCUIT_OPEN" and page["partial"] is True
    assert len(broken.received.entries) == calls  # not called at all


async def test_a_hanging_source_opens_its_circuit_too(
    database_url: str, nation: Nation, make_app: Callable[..., Starlette], tokens: Tokens
) -> None:
    # Cut off after 2.5 s, longer than a connect deadline (2 s): the source kept the call
    # waiting, which counts against it (a caller that merely goes away sooner does not).
    ask = asker(nation, make_app, 2.5)
    hanging = nation.simulators["16.05-light"]
    hanging.faults.set(timeout=True)
    partition = {"filter": {"kodeWilayah": "16.05", **SINCE_2000}}
    for _ in range(5):  # the breaker's threshold
        page, _ = await ask(tokens.national_admin, partition)
        assert page["sources"][0]["outcome"] == "TIMEOUT"
    calls = len(hanging.received.entries)
    page, took = await ask(tokens.national_admin, partition)
    # Refused at once, not after the 2.5 s deadline: an open circuit answers in milliseconds,
    # so this bound holds on any machine and fails only if the source was waited for.
    assert page["sources"][0]["outcome"] == "CIRCUIT_OPEN" and took < 2.5
    assert len(hanging.received.entries) == calls
