"""`complaint(id)` reads its owner live within a deadline; a failing owner is answered from
the index, marked stale, with when it was synced and what failed. Upstream calls are
counted at the simulators: one per distinct record per request, none for nested fields."""

from __future__ import annotations

import time

from auth.roles import Role
from connectors.protocol import StatusChange
from gateway.store.models import ComplaintRow, ComplaintSourceRow
from schema.canonical import Status
from tests.conftest import Tokens
from tests.factories import laporan_at_lapor
from tests.federation.conftest import DEADLINES, REST, WA, Federated

READ = """query($id: ID!, $live: Boolean! = true) {
  complaint(id: $id, live: $live) {
    id status live stale syncedAt
    owner { system outcome latencyMs error }
  }
}"""


async def _owned_by(system: str) -> tuple[str, str]:
    link = await ComplaintSourceRow.filter(system=system).order_by("id").first()
    assert link is not None
    return str(link.complaint_id), link.source_id  # type: ignore[attr-defined]


async def test_a_complaint_is_read_live_from_its_owner(federated: Federated, tokens: Tokens) -> None:
    cid, source_id = await _owned_by(REST)
    before = (await ComplaintRow.get(id=cid)).status
    # The regency closes it in its own system; no sync has run since.
    await federated.connectors[REST].change_status(source_id, StatusChange("test", Status.SELESAI))
    federated.sims[REST].received.clear()

    live = (await federated.gql(READ, {"id": cid}, token=tokens.national_admin))["data"]["complaint"]
    assert live["status"] == "SELESAI" != before.value
    assert (live["live"], live["stale"]) == (True, False)
    assert live["owner"]["system"] == REST and live["owner"]["outcome"] == "OK"
    assert live["syncedAt"] is not None
    assert federated.calls(REST) == 1

    from_index = (await federated.gql(READ, {"id": cid, "live": False}, token=tokens.national_admin))["data"][
        "complaint"
    ]
    assert from_index["status"] == before.value and from_index["live"] is False and from_index["owner"] is None
    assert federated.calls(REST) == 1  # the index read called nobody


async def test_a_failing_owner_is_answered_from_the_index_marked_stale(federated: Federated, tokens: Tokens) -> None:
    cid, _ = await _owned_by(WA)
    indexed = await ComplaintRow.get(id=cid)
    federated.sims[WA].faults.set(down="503")
    got = (await federated.gql(READ, {"id": cid}, token=tokens.national_admin))["data"]["complaint"]
    assert got["status"] == indexed.status.value
    assert (got["live"], got["stale"]) == (False, True)
    assert got["syncedAt"] is not None
    assert got["owner"]["system"] == WA and got["owner"]["outcome"] == "ERROR"
    assert "503" in got["owner"]["error"]


async def test_a_hanging_owner_costs_the_read_deadline_only(federated: Federated, tokens: Tokens) -> None:
    cid, _ = await _owned_by(REST)
    federated.sims[REST].faults.set(timeout=True)
    started = time.perf_counter()
    got = (await federated.gql(READ, {"id": cid}, token=tokens.national_admin))["data"]["complaint"]
    took = time.perf_counter() - started
    assert got["stale"] is True and got["owner"]["outcome"] == "TIMEOUT"
    assert f"{DEADLINES.read_deadline:g} s" in got["owner"]["error"]  # the read deadline cut it off
    # A sanity bound, not a latency claim: the deadline plus the index read, with room for a
    # loaded machine; a read that waited for the hanging owner would hang far longer.
    assert took < DEADLINES.read_deadline + 5


async def test_one_upstream_call_per_distinct_record_per_request(federated: Federated, tokens: Tokens) -> None:
    first, _ = await _owned_by(REST)
    second = str((await ComplaintSourceRow.filter(system=REST).order_by("-id").first()).complaint_id)  # type: ignore[union-attr]
    assert first != second
    query = """query($a: ID!, $b: ID!) {
      x: complaint(id: $a) { status owner { outcome } routedAgency { name } category { name } statusHistory { status } followUps { content } }
      y: complaint(id: $a) { status }
      z: complaint(trackingId: null, id: $a) { live }
      w: complaint(id: $b) { status sources { system id } }
    }"""
    body = await federated.gql(query, {"a": first, "b": second}, token=tokens.national_admin)
    assert "errors" not in body, body
    assert federated.calls(REST) == 2  # a three times (one call), b once
    assert {k: v is not None for k, v in body["data"].items()} == {"x": True, "y": True, "z": True, "w": True}


async def test_the_owner_is_not_asked_about_what_the_caller_may_not_see(federated: Federated, tokens: Tokens) -> None:
    cid, _ = await _owned_by(REST)
    elsewhere = tokens.make(Role.AGENCY_ADMIN, subject="admin-llg", agency="pemkot-16.73")
    body = await federated.gql(READ, {"id": cid}, token=elsewhere)
    assert body["data"]["complaint"] is None
    assert federated.calls(REST) == 0


async def test_a_complaint_of_an_unconnected_regency_is_read_from_lapor(federated: Federated, tokens: Tokens) -> None:
    # 16.08 (OKU Timur) is not connected: LAPOR! is the system of record of what happens there.
    tracking_id = await laporan_at_lapor(
        federated.http,
        federated.urls["lapor"],
        title="Jembatan rusak",
        content="Jembatan desa di Martapura rusak berat.",
        location_id="16.08.01",
        institution_id="pemkab-16.08",
    )
    await federated.engine.pull_all()
    link = await ComplaintSourceRow.get(system="lapor", source_id=str(tracking_id))
    row = await ComplaintRow.get(id=link.complaint_id)  # type: ignore[attr-defined]
    assert row.regency_code == "16.08"
    federated.sims["lapor"].received.clear()
    got = (await federated.gql(READ, {"id": str(row.id)}, token=tokens.national_admin))["data"]["complaint"]
    assert got["owner"]["system"] == "lapor" and got["owner"]["outcome"] == "OK" and got["live"] is True
    assert federated.calls("lapor") == 1


async def test_a_complaint_no_system_holds_yet_is_answered_by_the_index(federated: Federated, tokens: Tokens) -> None:
    from tests.submissions import GOOD, SUBMIT

    # Every system down: the submission is stored (the gateway holds it alone) and its
    # creates wait in the outbox.
    for sim in federated.sims.values():
        sim.faults.set(down="503")
    made = await federated.gql(SUBMIT, {"input": GOOD}, token=tokens.citizen)
    cid = made["data"]["submitComplaint"]["complaint"]["id"]
    for sim in federated.sims.values():
        sim.received.clear()
    got = (await federated.gql(READ, {"id": cid}, token=tokens.citizen))["data"]["complaint"]
    assert sum(len(sim.received.entries) for sim in federated.sims.values()) == 0  # nobody was asked
    assert (got["live"], got["stale"], got["owner"], got["syncedAt"]) == (False, False, None, None)
