"""Canary: an anonymous reporter's identity reaches no one who may not see it.

The reporter carries unique canary values. Every role that may not see an anonymous
identity runs every query, mutation and error path we have against the complaint; the
responses and everything logged must contain none of the canary values.
"""

from __future__ import annotations

import logging
from dataclasses import replace

import pytest

from auth.roles import Role
from gateway.store.writer import insert_complaints
from schema.canonical import Disposition, DispositionKind, Location, Reporter
from tests.conftest import GraphQL, Tokens
from tests.factories import make_complaint

CANARY = Reporter(
    name="Kanari Burung Tujuhtiga",
    nik="1605017003770042",
    phone="+6281377700042",
    email="kanari.7f3a@example.id",
)
CANARY_VALUES = (CANARY.name, CANARY.nik, CANARY.phone, CANARY.email, "81377700042", "Tujuhtiga")

# Everyone who may not see an anonymous reporter of a complaint disposed to 16.05-pupr.
FORBIDDEN = {
    "public": None,
    "other-citizen": dict(roles=(Role.CITIZEN,), subject="warga-lain"),
    "officer-of-the-unit": dict(roles=(Role.AGENCY_OFFICER,), agency="16.05-pupr"),
    "officer-elsewhere": dict(roles=(Role.AGENCY_OFFICER,), agency="16.08-dinkes"),
    "admin-elsewhere": dict(roles=(Role.AGENCY_ADMIN,), agency="pemkab-16.08"),
    "coordinator": dict(roles=(Role.REGIONAL_COORDINATOR,), agency="pemprov-16", region="16"),
    "connector": dict(roles=(Role.CONNECTOR_SERVICE,), agency="pemkab-16.05", region="16.05"),
    "auditor": dict(roles=(Role.AUDITOR,)),
}

FULL_FIELDS = """id trackingId title content originalTitle isAnonymous tags
  statusHistory { status note actorAgencyId } dispositions { note toAgencyId }
  followUps { content } replies { content } attachments { name } sources { system id }
  reporter { name nik phone email }"""

OPERATIONS: list[tuple[str, dict[str, object]]] = [
    (f"query($id: ID) {{ complaint(id: $id) {{ {FULL_FIELDS} }} }}", {}),
    (f"query($t: String) {{ complaint(trackingId: $t) {{ {FULL_FIELDS} }} }}", {}),
    (f"{{ complaints(first: 100) {{ totalCount edges {{ node {{ {FULL_FIELDS} }} }} }} }}", {}),
    (
        "{ publicComplaints(first: 100) { edges { node { id title content followUps { content } statusHistory { status } } } } }",
        {},
    ),
    ("query($t: String) { publicComplaint(trackingId: $t) { id title content isAnonymous } }", {}),
    # Searching by the canary's name must not find the complaint (identity is not text).
    (
        '{ complaints(first: 10, filter: {text: "Kanari"}) { totalCount } publicComplaints(first: 10, filter: {text: "Kanari"}) { totalCount } }',
        {},
    ),
    ('{ complaints(first: 10, filter: {text: "1605017003770042"}) { totalCount } }', {}),
    # Error paths: bad cursor, bad filter, unknown field, type errors, a forbidden audit read.
    ('{ complaints(first: 5, after: "Z9Z9") { totalCount } }', {}),
    ('{ complaints(first: 5, filter: {kodeWilayah: "Z9Z9"}) { totalCount } }', {}),
    ("query($id: ID) { complaint(id: $id) { reporter { name nik secretField } } }", {}),
    ("{ auditEvents(first: 10) { edges { node { action complaintId } } } }", {}),
    ("{ viewer { roles agencyId kodeWilayah } }", {}),
    # A mutation whose input echoes the canary: refused or stored, it must not echo back.
    (
        """mutation($r: ReporterInput) { submitComplaint(input: {classification: PENGADUAN,
        title: "Jalan berlubang lagi", content: "Jalan di depan rumah kembali berlubang dalam.",
        location: {kodeWilayah: "1605"}, reporter: $r}) { trackingId } }""",
        {"r": {"name": CANARY.name, "nik": "16050170037700", "phone": "+62813777000", "email": "kanari.7f3a@"}},
    ),
    (
        """mutation($r: ReporterInput) { submitComplaint(input: {classification: KELUHAN,
        title: "x", content: "y", location: {kodeWilayah: "16.05"}, reporter: $r}) { trackingId } }""",
        {"r": {"name": CANARY.name, "nik": CANARY.nik, "phone": CANARY.phone, "email": CANARY.email}},
    ),
    # Variables that fail coercion: graphql-core would echo the whole value back.
    (
        "mutation($i: SubmitComplaintInput!) { submitComplaint(input: $i) { trackingId } }",
        {
            "i": {
                "classification": "PENGADUAN",
                "title": "Jalan rusak",
                "location": {"kodeWilayah": "16.05"},
                "reporter": {"name": CANARY.name, "nik": CANARY.nik, "phone": CANARY.phone, "email": CANARY.email},
            }
        },
    ),
    (
        "mutation($i: SubmitComplaintInput!) { submitComplaint(input: $i) { trackingId } }",
        {
            "i": {
                "classification": "PENGADUAN",
                "title": "Jalan rusak",
                "content": "Jalan rusak parah sekali.",
                "location": {"kodeWilayah": "16.05"},
                "reporter": {"name": CANARY.name, "nik": CANARY.nik, "bogus": CANARY.email},
            }
        },
    ),
]


@pytest.fixture
async def canary_complaint(database_url: str) -> tuple[str, str]:
    c = make_complaint(
        tracking_id="CANARY-0001",
        location=Location("16.05.01"),
        routed_agency_id="16.05-pupr",
        is_anonymous=True,
        reporter=CANARY,
    )
    c = replace(c, dispositions=(Disposition(DispositionKind.DISPOSISI, "16.05-pupr", c.created_at),))
    await insert_complaints([c])
    return c.id, c.tracking_id


@pytest.mark.parametrize("who", list(FORBIDDEN))
async def test_no_canary_in_any_response_or_log(
    who: str,
    canary_complaint: tuple[str, str],
    gql: GraphQL,
    tokens: Tokens,
    caplog: pytest.LogCaptureFixture,
) -> None:
    spec = FORBIDDEN[who]
    token = None
    if spec is not None:
        spec = dict(spec)
        token = tokens.make(*spec.pop("roles"), **spec)  # type: ignore[arg-type]
    cid, tracking = canary_complaint
    caplog.set_level(logging.DEBUG)
    seen: list[str] = []
    for query, variables in OPERATIONS:
        body = await gql(query, {"id": cid, "t": tracking, **variables}, token=token)
        seen.append(repr(body))
    text = "\n".join(seen) + "\n" + caplog.text
    for value in CANARY_VALUES:
        assert value not in text, f"{who}: a canary value leaked"
    # Sanity: the complaint itself was reachable where the role may read it.
    if who == "officer-of-the-unit":
        assert cid in text


async def test_the_canary_is_visible_to_those_allowed(
    canary_complaint: tuple[str, str], gql: GraphQL, tokens: Tokens
) -> None:
    """Positive control: the same queries do reveal it to the admin instansi."""
    cid, _ = canary_complaint
    token = tokens.make(Role.AGENCY_ADMIN, agency="pemkab-16.05")
    body = await gql("query($id: ID) { complaint(id: $id) { reporter { nik } } }", {"id": cid}, token=token)
    assert body["data"]["complaint"]["reporter"]["nik"] == CANARY.nik  # type: ignore[index]
