"""Role x complaint kind x query path: exactly the allowed rows and fields, counts included.

A small world of complaints (own, in the caller's agency, another agency, another region,
secret in and outside the trail, anonymous) is read by every role through every path that
reaches a complaint: the list and its count, lookups by id and by tracking ID, nested
edges, the reporter field, the public view and region-filtered counts.
"""

from __future__ import annotations

from dataclasses import replace

import pytest

from auth.dev import DEV_ISSUER
from auth.roles import SCOPE_ALL_COMPLAINTS, SCOPE_ANONYMOUS_IDENTITY, Role
from gateway.store.writer import SubmittedBy, insert_complaints
from schema.canonical import Disposition, DispositionKind, Location, Reporter
from tests.conftest import GraphQL, Tokens
from tests.factories import BASE_TIME, make_complaint

# kind -> (region, routed/disposed agency, secret, anonymous, owner)
WORLD = {
    "own": ("16.71.01", "pemkot-16.71", False, False, "warga-1"),
    "agency": ("16.05.01", "16.05-pupr", False, False, None),
    "other_agency": ("16.08.01", "16.08-dinkes", False, False, None),
    "other_region": ("31.71.01", "kemenkes", False, False, None),
    "secret_in_trail": ("16.05.02", "16.05-pupr", True, False, None),
    "secret_elsewhere": ("16.05.03", "kemenkes", True, False, None),
    "anonymous": ("16.05.01", "16.05-pupr", False, True, None),
}
EVERYTHING = set(WORLD)
NON_SECRET = {"own", "agency", "other_agency", "other_region", "anonymous"}

# role -> (token factory arguments, case view, reporter identity visible)
ROLES = {
    "public": (None, set(), set()),
    "citizen": (dict(roles=(Role.CITIZEN,), subject="warga-1"), {"own"}, {"own"}),
    "officer": (
        dict(roles=(Role.AGENCY_OFFICER,), agency="16.05-pupr"),
        {"agency", "secret_in_trail", "anonymous"},
        {"agency", "secret_in_trail"},
    ),
    "agency_admin": (
        dict(roles=(Role.AGENCY_ADMIN,), agency="pemkab-16.05"),
        {"agency", "secret_in_trail", "anonymous"},
        {"agency", "secret_in_trail", "anonymous"},
    ),
    "coordinator": (
        dict(roles=(Role.REGIONAL_COORDINATOR,), agency="pemprov-16", region="16.05"),
        {"agency", "anonymous"},
        set(),
    ),
    "national_admin": (dict(roles=(Role.NATIONAL_ADMIN,)), EVERYTHING, EVERYTHING),
    "connector": (
        dict(roles=(Role.CONNECTOR_SERVICE,), agency="pemkab-16.05", region="16.05"),
        {"agency", "secret_in_trail", "anonymous"},
        {"agency", "secret_in_trail"},
    ),
    "national_connector": (
        dict(roles=(Role.CONNECTOR_SERVICE,), scopes=(SCOPE_ALL_COMPLAINTS, SCOPE_ANONYMOUS_IDENTITY)),
        EVERYTHING,
        EVERYTHING,
    ),
    "auditor": (dict(roles=(Role.AUDITOR,)), set(), set()),
}

LIST = """query($f: ComplaintFilterInput) {
  complaints(first: 100, filter: $f) { totalCount edges { node { id trackingId } } }
  publicComplaints(first: 100, filter: $f) { totalCount edges { node { id } } }
}"""
ONE = """query($id: ID, $t: String) {
  byId: complaint(id: $id) { id statusHistory { status note } dispositions { toAgencyId } followUps { content } sources { system } reporter { nik } }
  byTracking: complaint(trackingId: $t) { id reporter { name } }
  publicById: publicComplaint(id: $id) { id followUps { content } statusHistory { status } }
}"""


@pytest.fixture
async def world(database_url: str) -> dict[str, tuple[str, str]]:
    """kind -> (id, tracking ID); each complaint has a reporter with a NIK tagged by kind."""
    made = {}
    for n, (kind, (region, agency, secret, anonymous, owner)) in enumerate(WORLD.items()):
        c = make_complaint(
            tracking_id=f"MTX-{kind}",
            created_at=BASE_TIME.replace(minute=n),
            location=Location(region),
            routed_agency_id=agency,
            is_secret=secret,
            is_anonymous=anonymous,
            reporter=Reporter(name=f"Pelapor {kind}", nik=f"16050141019{n:05d}"),
        )
        c = replace(c, dispositions=(Disposition(DispositionKind.DISPOSISI, agency, c.created_at),))
        await insert_complaints(
            [c],
            submitted_by=SubmittedBy(owner_issuer=DEV_ISSUER if owner else None, owner_subject=owner, subject=owner),
        )
        made[kind] = (c.id, c.tracking_id)
    return made


def _token(tokens: Tokens, spec: dict[str, object] | None) -> str | None:
    if spec is None:
        return None
    spec = dict(spec)
    roles = spec.pop("roles")
    return tokens.make(*roles, **spec)  # type: ignore[arg-type]


@pytest.mark.parametrize("role", list(ROLES))
async def test_lists_and_counts(role: str, world: dict[str, tuple[str, str]], gql: GraphQL, tokens: Tokens) -> None:
    spec, cases, _ = ROLES[role]
    token = _token(tokens, spec)
    ids = {v[0]: k for k, v in world.items()}
    body = await gql(LIST, {"f": None}, token=token)
    assert "errors" not in body, body
    data = body["data"]  # type: ignore[index]
    assert {ids[e["node"]["id"]] for e in data["complaints"]["edges"]} == cases
    assert data["complaints"]["totalCount"] == len(cases)
    assert {ids[e["node"]["id"]] for e in data["publicComplaints"]["edges"]} == NON_SECRET
    assert data["publicComplaints"]["totalCount"] == len(NON_SECRET)
    # Counts under a filter are cut by the scope too (aggregates cannot leak).
    region = await gql(LIST, {"f": {"kodeWilayah": "16.05"}}, token=token)
    in_region = {k for k, v in WORLD.items() if v[0].startswith("16.05")}
    assert region["data"]["complaints"]["totalCount"] == len(cases & in_region)  # type: ignore[index]
    assert region["data"]["publicComplaints"]["totalCount"] == len(NON_SECRET & in_region)  # type: ignore[index]


@pytest.mark.parametrize("role", list(ROLES))
async def test_lookups_nested_edges_and_identity(
    role: str, world: dict[str, tuple[str, str]], gql: GraphQL, tokens: Tokens
) -> None:
    spec, cases, identities = ROLES[role]
    token = _token(tokens, spec)
    for kind, (cid, tracking) in world.items():
        body = await gql(ONE, {"id": cid, "t": tracking}, token=token)
        assert "errors" not in body, (kind, body)
        data = body["data"]  # type: ignore[index]
        if kind in cases:
            assert data["byId"]["id"] == cid and data["byTracking"]["id"] == cid
            assert data["byId"]["statusHistory"] and data["byId"]["dispositions"]
            assert data["byId"]["followUps"] and data["byId"]["sources"]
            shown = data["byId"]["reporter"]
            assert (shown is not None) == (kind in identities), (role, kind)
            assert (data["byTracking"]["reporter"] is not None) == (kind in identities)
        else:
            # Forbidden looks exactly like not found.
            assert data["byId"] is None and data["byTracking"] is None, (role, kind)
        if kind in NON_SECRET:
            assert data["publicById"]["id"] == cid and data["publicById"]["followUps"]
        else:
            assert data["publicById"] is None


async def test_the_public_type_has_no_private_fields(gql: GraphQL, database_url: str) -> None:
    for field in (
        "reporter",
        "dispositions",
        "sources",
        "replies",
        "attachments",
        "isSecret",
        "originalTitle",
        "tags",
        "channel",
    ):
        body = await gql(f"{{ publicComplaints(first: 1) {{ edges {{ node {{ {field} }} }} }} }}")
        assert body["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED", field  # type: ignore[index]
    notes = await gql("{ publicComplaints(first: 1) { edges { node { statusHistory { note } } } } }")
    assert notes["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"  # type: ignore[index]
