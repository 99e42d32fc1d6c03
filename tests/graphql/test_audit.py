"""The audit log: confidential reads, identity reveals, changes and denials are recorded,
without content or identity, and only auditors can read it."""

from __future__ import annotations

import httpx2 as httpx

from auth.roles import Role
from gateway.store.models import AuditEventRow
from gateway.store.writer import insert_complaints
from tests.conftest import GraphQL, Tokens
from tests.factories import make_complaint
from tests.submissions import GOOD, SUBMIT

AUDIT = """query($f: AuditFilterInput, $after: String) {
  auditEvents(first: 50, filter: $f, after: $after) {
    edges { node { action outcome actorSubject actorRoles complaintId reason requestId } }
    pageInfo { hasNextPage endCursor }
  }
}"""


async def _events(**filters: object) -> list[AuditEventRow]:
    return await AuditEventRow.filter(**filters).order_by("id")


async def test_secret_reads_and_identity_reveals_are_recorded(database_url: str, gql: GraphQL, tokens: Tokens) -> None:
    secret = make_complaint(is_secret=True)
    await insert_complaints([secret])
    before = await AuditEventRow.all().count()
    body = await gql(
        "query($id: ID) { complaint(id: $id) { title reporter { nik } } }",
        {"id": secret.id},
        token=tokens.national_admin,
    )
    assert body["data"]["complaint"]["reporter"]["nik"] == secret.reporter.nik  # type: ignore[index,union-attr]
    new = (await AuditEventRow.all().order_by("id"))[before:]
    assert {(e.action, str(e.complaint_id), e.outcome, e.actor_subject) for e in new} == {
        ("SECRET_COMPLAINT_READ", secret.id, "ALLOWED", "admin-lapor"),
        ("REPORTER_IDENTITY_READ", secret.id, "ALLOWED", "admin-lapor"),
    }
    # Ids and codes only: neither the content nor the identity is copied.
    flat = repr([e.__dict__ for e in new])
    for private in (secret.content, secret.reporter.nik, secret.reporter.name):  # type: ignore[union-attr]
        assert private not in flat


async def test_out_of_scope_lookups_are_recorded_as_denied(database_url: str, gql: GraphQL, tokens: Tokens) -> None:
    other = make_complaint(routed_agency_id="16.08-dinkes", dispositions=())
    await insert_complaints([other])
    officer = tokens.make(Role.AGENCY_OFFICER, subject="petugas-1", agency="16.05-pupr")
    body = await gql("query($t: String) { complaint(trackingId: $t) { id } }", {"t": other.tracking_id}, token=officer)
    assert body == {"data": {"complaint": None}}
    denied = await _events(actor_subject="petugas-1", action="READ_DENIED")
    assert [(e.outcome, e.reason) for e in denied] == [("DENIED", "OUT_OF_SCOPE")]
    # A tracking ID that does not exist is not a denial: nothing to protect.
    await gql("query($t: String) { complaint(trackingId: $t) { id } }", {"t": "NOPE"}, token=officer)
    assert len(await _events(actor_subject="petugas-1", action="READ_DENIED")) == 1


async def test_submissions_and_refused_mutations_are_recorded(database_url: str, gql: GraphQL, tokens: Tokens) -> None:
    body = await gql(SUBMIT, {"input": GOOD}, token=tokens.citizen)
    stored_id = body["data"]["submitComplaint"]["complaint"]["id"]  # type: ignore[index]
    # (Other tests' submissions stay in the append-only log: only this one's is looked at.)
    mine = await _events(action="COMPLAINT_SUBMITTED", actor_subject="warga-1", complaint_id=stored_id)
    assert len(mine) == 1
    coordinator = tokens.make(Role.REGIONAL_COORDINATOR, subject="koordinator-1", region="16")
    refused = await gql(SUBMIT, {"input": GOOD}, token=coordinator)
    assert refused["errors"][0]["extensions"]["code"] == "FORBIDDEN"  # type: ignore[index]
    assert len(await _events(actor_subject="koordinator-1", action="MUTATION_DENIED")) == 1
    public = await gql(SUBMIT, {"input": GOOD})
    assert public["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"  # type: ignore[index]


async def test_rejected_tokens_are_recorded_by_code_not_text(database_url: str, client: httpx.AsyncClient) -> None:
    forged = "eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.c2lnbmF0dXJl"
    r = await client.post(
        "/graphql",
        json={"query": "{ viewer { roles } }"},
        headers={"authorization": f"Bearer {forged}", "x-request-id": "req-tok-1"},
    )
    assert r.status_code == 401
    (event,) = await _events(request_id="req-tok-1")
    assert (event.action, event.outcome, event.actor_subject) == ("TOKEN_REJECTED", "DENIED", None)
    # By code and client network (the first rejection from it this minute).
    assert event.reason == f"{r.json()['errors'][0]['extensions']['code']} from 127.0.0.0/24"
    assert forged not in repr(event.__dict__)


async def test_only_auditors_read_the_log(database_url: str, gql: GraphQL, tokens: Tokens) -> None:
    auditor = tokens.make(Role.AUDITOR, subject="auditor-1")
    await gql(SUBMIT, {"input": GOOD}, token=tokens.citizen)
    body = await gql(AUDIT, {"f": {"action": ["COMPLAINT_SUBMITTED"]}}, token=auditor)
    assert "errors" not in body, body
    nodes = [e["node"] for e in body["data"]["auditEvents"]["edges"]]  # type: ignore[index]
    assert nodes and all(n["action"] == "COMPLAINT_SUBMITTED" for n in nodes)
    assert nodes[0]["actorRoles"] == ["citizen"]
    # Reading the log is itself recorded.
    assert await _events(actor_subject="auditor-1", action="AUDIT_LOG_READ")
    for token, code in ((tokens.national_admin, "FORBIDDEN"), (None, "UNAUTHENTICATED")):
        refused = await gql(AUDIT, {"f": None}, token=token)
        assert refused["errors"][0]["extensions"]["code"] == code  # type: ignore[index]
        assert refused["data"] is None


async def test_audit_pages_do_not_overlap(database_url: str, gql: GraphQL, tokens: Tokens) -> None:
    auditor = tokens.make(Role.AUDITOR, subject="auditor-2")
    for _ in range(3):
        await gql(SUBMIT, {"input": GOOD}, token=tokens.citizen)
    query = AUDIT.replace("first: 50", "first: 2")
    seen: list[str] = []
    after = None
    while True:
        body = await gql(query, {"f": {"action": ["COMPLAINT_SUBMITTED"]}, "after": after}, token=auditor)
        page = body["data"]["auditEvents"]  # type: ignore[index]
        seen += [e["node"]["complaintId"] for e in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert len(seen) == len(set(seen)) >= 3
