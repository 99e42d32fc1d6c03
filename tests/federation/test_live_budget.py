"""Live lists stay within the caller's own regions and within the request's budget of
source calls: refused before any regency system is called (counted on the simulators)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from auth.roles import Role
from auth.scope import UNRESTRICTED
from connectors.config import DEMO_CONFIG, load_config
from gateway.federation.service import Federation
from gateway.settings import FederationSettings
from gateway.store.repository import ComplaintRepository
from gateway.sync.topology import Topology
from schema.live import SourceCallsExhausted
from schema.queries import ComplaintFilter, SortOrder
from tests.conftest import Tokens
from tests.federation.conftest import Federated

SINCE = "2000-01-01T00:00:00Z"
LIVE = """query($f: ComplaintFilterInput) { complaints(live: true, first: 5, filter: $f) { totalCount sources { system } } }"""


def _calls(federated: Federated) -> int:
    return sum(len(sim.received.entries) for sim in federated.sims.values())


async def test_an_officer_cannot_start_a_live_list_outside_their_region(federated: Federated, tokens: Tokens) -> None:
    officer = tokens.make(Role.AGENCY_OFFICER, subject="petugas-mura", agency="pemkab-16.05")
    for partition in ("16.01", "16", "31"):
        body = await federated.gql(LIVE, {"f": {"kodeWilayah": partition, "createdAfter": SINCE}}, token=officer)
        [error] = body["errors"]
        assert error["extensions"]["code"] == "FORBIDDEN"
        assert error["message"] == (
            f"a live list over {partition} is outside your regions; expected filter.kodeWilayah within: 16.05"
        )
    assert _calls(federated) == 0  # no regency system was asked
    inside = await federated.gql(LIVE, {"f": {"kodeWilayah": "16.05", "createdAfter": SINCE}}, token=officer)
    assert "errors" not in inside, inside
    assert [s["system"] for s in inside["data"]["complaints"]["sources"]] == ["16.05-musi-rawas"]
    assert _calls(federated) > 0


async def test_a_coordinator_lists_live_only_within_their_region(federated: Federated, tokens: Tokens) -> None:
    coordinator = tokens.make(Role.REGIONAL_COORDINATOR, subject="koordinator-mura", region="16.05")
    wider = await federated.gql(LIVE, {"f": {"kodeWilayah": "16", "createdAfter": SINCE}}, token=coordinator)
    assert wider["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert _calls(federated) == 0
    below = await federated.gql(LIVE, {"f": {"kodeWilayah": "16.05.01", "createdAfter": SINCE}}, token=coordinator)
    assert "errors" not in below, below


async def test_thirty_aliased_live_lists_are_refused_without_a_call(federated: Federated, tokens: Tokens) -> None:
    coordinator = tokens.make(Role.REGIONAL_COORDINATOR, subject="koordinator-sumsel", region="16")
    aliases = " ".join(
        f'l{i}: complaints(live: true, first: 1, filter: {{kodeWilayah: "16", createdAfter: "{SINCE}"}}) {{ totalCount }}'
        for i in range(30)
    )
    body = await federated.gql("{ " + aliases + " }", token=coordinator)
    assert body["data"] is None
    [error] = body["errors"]
    assert error["extensions"]["code"] == "QUERY_TOO_COSTLY"
    assert "may make 450 calls to regency systems; the limit is 100 per request" in error["message"]
    assert _calls(federated) == 0


async def test_the_request_cap_on_source_calls_holds_at_run_time(federated: Federated) -> None:
    topology = Topology.of(load_config(DEMO_CONFIG))
    federation = Federation(federated.connectors, topology, ComplaintRepository(), FederationSettings(), max_calls=2)

    async def page(partition: str) -> None:
        await federation.live_page(
            UNRESTRICTED,
            ComplaintFilter(kode_wilayah=partition, created_after=datetime(2000, 1, 1, tzinfo=UTC)),
            first=1,
            after=None,
            order=SortOrder.NEWEST_FIRST,
            now=datetime.now(UTC),
        )

    await page("16.05")
    await page("16.01")
    made = _calls(federated)
    with pytest.raises(
        SourceCallsExhausted, match=r"would make 3 calls to regency systems \(1 more .*the limit is 2 per request"
    ):
        await page("16.09")
    assert _calls(federated) == made  # refused before the third system was called
    assert federation.sources_in("16") == 15
