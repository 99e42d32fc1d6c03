"""Changes made through the gateway's GraphQL go out through the outbox, in the same
transaction: a submission is created in LAPOR! and in the routed kab/kota's system, and
a status change or follow-up follows it there."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable

import httpx2 as httpx
import pytest
from starlette.applications import Starlette

from auth.roles import Role
from connectors.config import DEMO_CONFIG
from gateway.store.models import OutboxRow
from tests.conftest import Tokens
from tests.submissions import GOOD, SUBMIT

LUBUK_LINGGAU = "16.73-kota-lubuk-linggau"


@pytest.fixture
async def synced(make_app: Callable[..., Starlette]) -> AsyncIterator[httpx.AsyncClient]:
    app = make_app(sources_file=DEMO_CONFIG)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://gateway.test") as c:
        yield c


async def _gql(client: httpx.AsyncClient, query: str, variables: dict[str, object], token: str) -> dict[str, object]:
    response = await client.post(
        "/graphql", json={"query": query, "variables": variables}, headers={"authorization": f"Bearer {token}"}
    )
    body = response.json()
    assert "errors" not in body, body
    return body["data"]  # type: ignore[no-any-return]


async def test_a_submission_and_its_changes_are_queued_for_every_system(
    database_url: str, synced: httpx.AsyncClient, tokens: Tokens
) -> None:
    submitted = await _gql(synced, SUBMIT, {"input": GOOD}, tokens.citizen)
    cid = submitted["submitComplaint"]["complaint"]["id"]  # type: ignore[index]
    creates = await OutboxRow.filter(complaint_id=cid).values_list("destination", "kind")
    assert sorted(creates) == [(LUBUK_LINGGAU, "create"), ("lapor", "create")]

    admin = tokens.make(Role.AGENCY_ADMIN, subject="admin-llg", agency="pemkot-16.73")
    await _gql(synced, "mutation($id: ID!) { verifyComplaint(id: $id) { status } }", {"id": cid}, admin)
    await _gql(
        synced,
        'mutation($id: ID!) { disposeComplaint(id: $id, unitIds: ["16.73-pupr"]) { status } }',
        {"id": cid},
        admin,
    )
    officer = tokens.make(Role.AGENCY_OFFICER, subject="pupr-llg", agency="16.73-pupr")
    await _gql(
        synced,
        'mutation($id: ID!) { postFollowUp(id: $id, content: "Lampu sudah diganti.") { status } }',
        {"id": cid},
        officer,
    )
    queued = sorted(await OutboxRow.filter(complaint_id=cid).values_list("destination", "kind", "dedupe_key"))
    kinds = {(d, k) for d, k, _ in queued}
    assert kinds == {(d, k) for d in ("lapor", LUBUK_LINGGAU) for k in ("create", "status", "follow_up")}
    assert {key.split(":")[-1] for d, k, key in queued if k == "status"} == {
        "TERVERIFIKASI",
        "DIDISPOSISIKAN",
        "DITINDAKLANJUTI",
    }


async def test_without_a_sources_file_nothing_is_queued(
    database_url: str, make_app: Callable[..., Starlette], tokens: Tokens
) -> None:
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=make_app()), base_url="http://gateway.test"
    ) as client:
        submitted = await _gql(client, SUBMIT, {"input": GOOD}, tokens.citizen)
    cid = submitted["submitComplaint"]["complaint"]["id"]  # type: ignore[index]
    assert await OutboxRow.filter(complaint_id=cid).count() == 0


async def test_a_complaint_handed_to_another_regency_goes_to_its_system(
    database_url: str, synced: httpx.AsyncClient, tokens: Tokens
) -> None:
    submitted = await _gql(synced, SUBMIT, {"input": GOOD}, tokens.citizen)
    cid = submitted["submitComplaint"]["complaint"]["id"]  # type: ignore[index]
    admin = tokens.make(Role.AGENCY_ADMIN, subject="admin-llg", agency="pemkot-16.73")
    await _gql(
        synced,
        'mutation($id: ID!) { markNotOurAuthority(id: $id, toAgencyId: "pemkab-16.05", note: "jalan kabupaten") { status } }',
        {"id": cid},
        admin,
    )
    creates = sorted(await OutboxRow.filter(complaint_id=cid, kind="create").values_list("destination", flat=True))
    assert creates == ["16.05-musi-rawas", LUBUK_LINGGAU, "lapor"]
