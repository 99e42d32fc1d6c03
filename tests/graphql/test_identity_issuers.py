"""Identity is (issuer, subject): two trusted citizen issuers whose tokens carry the same `sub`
are two people.

The gateway here trusts two real issuers, each with its own signing key: the development
issuer and a second citizen identity provider. Tokens are real signed JWTs of each. A
citizen of the second issuer with the first citizen's `sub` must not read the first's
complaint, act on it, be mistaken for them in the audit log, or get an answer stored for
them under an idempotency key; nor may an account now in another agency.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator

import httpx2 as httpx
import pytest

from auth.dev import DEV_ISSUER, DevKeys, issue_token, load_or_create
from auth.roles import Role
from gateway.edge.app import create_app
from gateway.edge.middleware.authentication import build_verifier
from gateway.settings import GatewaySettings
from gateway.store.models import ComplaintRow
from gateway.store.writer import SubmittedBy, insert_complaints
from schema.canonical import Status
from tests.conftest import GraphQL, Tokens
from tests.factories import make_complaint
from tests.submissions import GOOD, SUBMIT

SECOND = "https://sso.kota-lain.example/realms/warga"

CASE = """query($id: ID) { complaint(id: $id) { id title reporter { name phone email } } }"""
MINE = """{ complaints(first: 10) { totalCount } }"""
PUBLIC = """query($t: String) { publicComplaint(trackingId: $t) { trackingId title } }"""
CLOSE = """mutation($id: ID!, $key: String) {
  closeComplaint(id: $id, idempotencyKey: $key) { status delivery { replayed } complaint { id } }
}"""
FOLLOW_UP = """mutation($id: ID!, $key: String) {
  postFollowUp(id: $id, content: "Tim sudah meninjau lokasi.", idempotencyKey: $key) {
    status delivery { replayed } complaint { id }
  }
}"""
SUBMIT_KEYED = """mutation($input: SubmitComplaintInput!, $key: String) {
  submitComplaint(input: $input, idempotencyKey: $key) { trackingId delivery { replayed } }
}"""
AUDIT = """query($f: AuditFilterInput) { auditEvents(filter: $f, first: 50) {
  edges { node { action outcome actorIssuer actorSubject reason complaintId } }
} }"""


@pytest.fixture(scope="session")
def second_keys(tmp_path_factory: pytest.TempPathFactory) -> DevKeys:
    """The second citizen issuer's own signing key pair."""
    return load_or_create(tmp_path_factory.mktemp("second-issuer"))


@pytest.fixture
async def gql2(settings: GatewaySettings, dev_keys: DevKeys, second_keys: DevKeys) -> AsyncIterator[GraphQL]:
    """`gql` against a gateway that trusts both issuers."""
    verifier = build_verifier([dev_keys.issuer(), second_keys.issuer(SECOND)], None)
    app = create_app(settings, manage_store=False, verifier=verifier)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://gateway.test") as client:

        async def run(
            query: str, variables: dict[str, object] | None = None, *, token: str | None = None
        ) -> dict[str, object]:
            headers = {"authorization": f"Bearer {token}"} if token else {}
            response = await client.post("/graphql", json={"query": query, "variables": variables}, headers=headers)
            assert response.status_code == 200, response.text
            return response.json()  # type: ignore[no-any-return]

        yield run


class People:
    """Tokens of one `sub` at each issuer (a fresh `sub` per test: the audit log is shared)."""

    def __init__(self, first: DevKeys, second: DevKeys) -> None:
        self.sub = f"warga-{uuid.uuid4().hex[:10]}"
        self._first, self._second = first, second

    def first(self, *roles: Role, agency: str | None = None) -> str:
        return issue_token(self._first, subject=self.sub, roles=roles or (Role.CITIZEN,), agency_id=agency)

    def second(self, *roles: Role, agency: str | None = None) -> str:
        return issue_token(
            self._second, subject=self.sub, roles=roles or (Role.CITIZEN,), agency_id=agency, issuer=SECOND
        )


@pytest.fixture
def people(dev_keys: DevKeys, second_keys: DevKeys) -> People:
    return People(dev_keys, second_keys)


def _code(body: dict[str, object]) -> str:
    errors = body.get("errors")
    assert errors, body
    return errors[0]["extensions"]["code"]  # type: ignore[index,no-any-return]


async def _owned(people: People, **overrides: object) -> str:
    """A complaint owned by the first issuer's citizen, ready to be closed; returns its id."""
    c = make_complaint(**overrides)
    await insert_complaints(
        [c],
        submitted_by=SubmittedBy(
            owner_issuer=DEV_ISSUER, owner_subject=people.sub, issuer=DEV_ISSUER, subject=people.sub
        ),
    )
    return c.id


@pytest.mark.parametrize("secret", [True, False], ids=["secret", "not-secret"])
async def test_same_sub_of_another_issuer_cannot_read_the_complaint(
    database_url: str, gql2: GraphQL, people: People, secret: bool
) -> None:
    reporter = {"name": "Rina Kartika", "nik": "1673014101900001", "phone": "081234567890", "email": "rina@example.id"}
    submitted = await gql2(
        SUBMIT, {"input": {**GOOD, "isSecret": secret, "isAnonymous": True, "reporter": reporter}}, token=people.first()
    )
    assert "errors" not in submitted, submitted
    cid = submitted["data"]["submitComplaint"]["complaint"]["id"]  # type: ignore[index]
    tracking = submitted["data"]["submitComplaint"]["trackingId"]  # type: ignore[index]
    row = await ComplaintRow.get(id=cid)
    assert (row.owner_issuer, row.owner_subject, row.submitted_by_issuer) == (DEV_ISSUER, people.sub, DEV_ISSUER)

    # The reporter reads their own complaint, identity included.
    own = await gql2(CASE, {"id": cid}, token=people.first())
    assert own["data"]["complaint"]["reporter"]["phone"] == "+6281234567890"  # type: ignore[index]

    # The other issuer's citizen with the same sub: no case file, nothing in their list.
    other = await gql2(CASE, {"id": cid}, token=people.second())
    assert other == {"data": {"complaint": None}}
    listed = await gql2(MINE, token=people.second())
    assert listed == {"data": {"complaints": {"totalCount": 0}}}
    # Only the public view, and only of a complaint that is not secret.
    public = await gql2(PUBLIC, {"t": tracking}, token=people.second())
    assert public["data"]["publicComplaint"] == (None if secret else {"trackingId": tracking, "title": GOOD["title"]})  # type: ignore[index]


async def test_same_sub_of_another_issuer_cannot_close_the_complaint(
    database_url: str, gql2: GraphQL, people: People
) -> None:
    cid = await _owned(people)

    refused = await gql2(CLOSE, {"id": cid}, token=people.second())
    assert _code(refused) == "NOT_FOUND" and refused["data"] is None
    assert (await ComplaintRow.get(id=cid)).status is Status.DITINDAKLANJUTI

    closed = await gql2(CLOSE, {"id": cid}, token=people.first())
    assert closed["data"]["closeComplaint"]["status"] == "SELESAI", closed  # type: ignore[index]


async def test_audit_rows_tell_the_issuers_apart(
    database_url: str, gql2: GraphQL, people: People, tokens: Tokens
) -> None:
    cid = await _owned(people)
    await gql2(CLOSE, {"id": cid}, token=people.second())  # refused: not theirs
    await gql2(CLOSE, {"id": cid}, token=people.first())  # the owner closes it
    auditor = tokens.make(Role.AUDITOR, subject="auditor-1")

    body = await gql2(AUDIT, {"f": {"actorSubject": people.sub}}, token=auditor)
    events = [e["node"] for e in body["data"]["auditEvents"]["edges"]]  # type: ignore[index]
    seen = {(e["actorIssuer"], e["action"], e["outcome"]) for e in events}
    assert (SECOND, "MUTATION_DENIED", "DENIED") in seen
    assert (DEV_ISSUER, "COMPLAINT_CHANGED", "ALLOWED") in seen
    assert all(e["actorSubject"] == people.sub for e in events)

    # The auditor can ask for one identity: the subject alone no longer mixes two people.
    theirs = await gql2(AUDIT, {"f": {"actorSubject": people.sub, "actorIssuer": SECOND}}, token=auditor)
    nodes = [e["node"] for e in theirs["data"]["auditEvents"]["edges"]]  # type: ignore[index]
    assert nodes and {n["actorIssuer"] for n in nodes} == {SECOND}
    assert {n["action"] for n in nodes} == {"MUTATION_DENIED"}


async def test_replay_by_another_identity_gets_no_stored_answer(
    database_url: str, gql2: GraphQL, people: People
) -> None:
    cid = await _owned(people)
    key = f"close-{uuid.uuid4()}"
    first = await gql2(CLOSE, {"id": cid, "key": key}, token=people.first())
    assert first["data"]["closeComplaint"]["delivery"]["replayed"] is False, first  # type: ignore[index]

    # The same key and request from the other issuer's same sub: not the first's answer.
    other = await gql2(CLOSE, {"id": cid, "key": key}, token=people.second())
    assert _code(other) == "NOT_FOUND" and other["data"] is None

    again = await gql2(CLOSE, {"id": cid, "key": key}, token=people.first())
    assert again["data"]["closeComplaint"]["delivery"]["replayed"] is True  # type: ignore[index]


async def test_replay_after_moving_to_another_agency_is_refused(
    database_url: str, gql2: GraphQL, people: People
) -> None:
    cid = await _owned(people)
    key = f"follow-up-{uuid.uuid4()}"
    at_musi_rawas = people.first(Role.AGENCY_ADMIN, agency="pemkab-16.05")
    done = await gql2(FOLLOW_UP, {"id": cid, "key": key}, token=at_musi_rawas)
    assert done["data"]["postFollowUp"]["delivery"]["replayed"] is False, done  # type: ignore[index]

    # The same account, now at Lubuklinggau's government: the stored answer is not given.
    moved = people.first(Role.AGENCY_ADMIN, agency="pemkot-16.73")
    refused = await gql2(FOLLOW_UP, {"id": cid, "key": key}, token=moved)
    assert _code(refused) == "FORBIDDEN" and refused["data"] is None
    assert "idempotencyKey" in refused["errors"][0]["message"]  # type: ignore[index]

    # Back with the access the key was used with, the repeat is answered as before.
    again = await gql2(FOLLOW_UP, {"id": cid, "key": key}, token=at_musi_rawas)
    assert again["data"]["postFollowUp"]["delivery"]["replayed"] is True  # type: ignore[index]


async def test_submission_replay_follows_identity_and_access(
    database_url: str, gql2: GraphQL, people: People, tokens: Tokens
) -> None:
    key = f"submit-{uuid.uuid4()}"
    officer = people.first(Role.AGENCY_OFFICER, agency="16.05-pupr")
    first = await gql2(SUBMIT_KEYED, {"input": GOOD, "key": key}, token=officer)
    assert first["data"]["submitComplaint"]["delivery"]["replayed"] is False, first  # type: ignore[index]
    tracking = first["data"]["submitComplaint"]["trackingId"]  # type: ignore[index]

    # Another issuer's account with the same sub: its own request, not the first's answer.
    theirs = await gql2(
        SUBMIT_KEYED, {"input": GOOD, "key": key}, token=people.second(Role.AGENCY_OFFICER, agency="16.05-pupr")
    )
    assert theirs["data"]["submitComplaint"]["delivery"]["replayed"] is False, theirs  # type: ignore[index]
    assert theirs["data"]["submitComplaint"]["trackingId"] != tracking  # type: ignore[index]

    # The same account moved to another unit: refused, and the refusal is audited.
    moved = people.first(Role.AGENCY_OFFICER, agency="16.73-pupr")
    refused = await gql2(SUBMIT_KEYED, {"input": GOOD, "key": key}, token=moved)
    assert _code(refused) == "FORBIDDEN" and refused["data"] is None
    audit = await gql2(
        AUDIT,
        {"f": {"actorSubject": people.sub, "action": ["MUTATION_DENIED"]}},
        token=tokens.make(Role.AUDITOR, subject="auditor-1"),
    )
    denied = [e["node"] for e in audit["data"]["auditEvents"]["edges"]]  # type: ignore[index]
    assert [(d["actorIssuer"], d["reason"]) for d in denied] == [(DEV_ISSUER, "REPLAY:SUBMIT")]

    again = await gql2(SUBMIT_KEYED, {"input": GOOD, "key": key}, token=officer)
    assert again["data"]["submitComplaint"] == {"trackingId": tracking, "delivery": {"replayed": True}}  # type: ignore[index]
