"""An agency or category id an action would store, missing from the registry (a production
store before `penghubung reference load`), is refused before anything reaches the
complaint's system of record: a clear BAD_USER_INPUT, never an INTERNAL_ERROR on a foreign
key after the owner already took the change."""

from __future__ import annotations

from typing import Any

from auth.roles import Role
from gateway.store.models import ComplaintRow, StatusEventRow
from schema.canonical import Status
from tests.conftest import Tokens
from tests.federation.conftest import Federated
from tests.federation.scenarios import (
    IN_PRABUMULIH,
    PRABUMULIH,
    SUBMIT,
    VERIFY,
    data_of,
    prabumulih_admin,
    report_at_prabumulih,
    submitted_at_prabumulih,
)

NOT_OUR_AUTHORITY = """mutation($id: ID!, $to: ID!) {
  markNotOurAuthority(id: $id, toAgencyId: $to) { status }
}"""
DISPOSE_TO = """mutation($id: ID!, $units: [ID!]!) {
  disposeComplaint(id: $id, unitIds: $units) { status }
}"""
VERIFY_IN = """mutation($id: ID!, $category: ID) {
  verifyComplaint(id: $id, categoryId: $category) { status }
}"""


def _writes(federated: Federated) -> int:
    """Requests that could change something at the owner."""
    return sum(1 for e in federated.sims[PRABUMULIH].received.entries if e.method != "GET")


def _refused(body: dict[str, Any]) -> dict[str, Any]:
    assert "data" not in body or body["data"] is None, body
    (error,) = body["errors"]
    assert error["extensions"]["code"] == "BAD_USER_INPUT", error
    (field,) = error["extensions"]["fieldErrors"]
    return field  # type: ignore[no-any-return]


async def _unrouted(federated: Federated, tokens: Tokens) -> str:
    """A new Prabumulih complaint that nobody is routed to, as in a store without agencies
    (the submission then finds no government for its region)."""
    made = data_of(
        await federated.gql(SUBMIT, {"input": {**IN_PRABUMULIH, "suggestedAgencyId": None}}, token=tokens.citizen)
    )
    cid = str(made["submitComplaint"]["complaint"]["id"])
    await ComplaintRow.filter(id=cid).update(routed_agency_id=None)
    return cid


async def test_verifying_an_unrouted_complaint_for_an_unregistered_agency_sends_nothing(
    federated: Federated, tokens: Tokens
) -> None:
    cid = await _unrouted(federated, tokens)
    before = _writes(federated)
    admin = tokens.make(Role.NATIONAL_ADMIN, subject="admin-lapor", agency="kemenpanrb-deputi-yanlik")
    field = _refused(await federated.gql(VERIFY, {"id": cid}, token=admin))
    assert field["field"] == "agency"
    assert "agency 'kemenpanrb-deputi-yanlik' is not in the registry" in field["message"]
    assert "penghubung reference load" in field["message"]
    assert _writes(federated) == before  # the owner was not written
    assert report_at_prabumulih(federated, cid)["bupatiStatus"] == "PENDING"
    row = await ComplaintRow.get(id=cid)
    assert row.status is Status.BELUM_TERVERIFIKASI and row.routed_agency_id is None  # type: ignore[attr-defined]
    assert not await StatusEventRow.filter(complaint_id=cid, status=Status.TERVERIFIKASI).exists()
    # With an agency the registry has, the same change goes through.
    admin = tokens.make(Role.NATIONAL_ADMIN, subject="admin-lapor", agency="kemenpanrb")
    assert (
        data_of(await federated.gql(VERIFY, {"id": cid}, token=admin))["verifyComplaint"]["status"] == "TERVERIFIKASI"
    )
    assert (await ComplaintRow.get(id=cid)).routed_agency_id == "kemenpanrb"  # type: ignore[attr-defined]


async def test_an_unknown_category_at_verification_is_named_before_the_owner_is_written(
    federated: Federated, tokens: Tokens
) -> None:
    cid = await submitted_at_prabumulih(federated, tokens)
    before = _writes(federated)
    field = _refused(
        await federated.gql(
            VERIFY_IN, {"id": cid, "category": "infrastruktur.jalan-tol"}, token=prabumulih_admin(tokens)
        )
    )
    assert field["field"] == "categoryId"
    assert field["message"] == "'infrastruktur.jalan-tol' is not in the category registry"
    assert _writes(federated) == before


async def test_disposing_or_handing_on_to_an_unregistered_agency_sends_nothing(
    federated: Federated, tokens: Tokens
) -> None:
    cid = await submitted_at_prabumulih(federated, tokens)
    data_of(await federated.gql(VERIFY, {"id": cid}, token=prabumulih_admin(tokens)))
    before = _writes(federated)
    national = tokens.national_admin
    field = _refused(await federated.gql(DISPOSE_TO, {"id": cid, "units": ["16.74-disperkim"]}, token=national))
    assert field["field"] == "unitIds"
    assert (
        field["message"]
        == "agency '16.74-disperkim' is not in the registry; load it with `penghubung reference load FILE`"
    )
    # An agency's own admin gets the same words, and what it may choose from.
    field = _refused(
        await federated.gql(DISPOSE_TO, {"id": cid, "units": ["16.74-disperkim"]}, token=prabumulih_admin(tokens))
    )
    assert "agency '16.74-disperkim' is not in the registry" in field["message"]
    assert "units under pemkot-16.74" in field["expected"]
    field = _refused(
        await federated.gql(NOT_OUR_AUTHORITY, {"id": cid, "to": "pemkab-16.99"}, token=prabumulih_admin(tokens))
    )
    assert field["field"] == "toAgencyId"
    assert (
        field["message"]
        == "agency 'pemkab-16.99' is not in the registry; load it with `penghubung reference load FILE`"
    )
    assert _writes(federated) == before
    assert (await ComplaintRow.get(id=cid)).status is Status.TERVERIFIKASI
