"""A complaint from submission to closed through the GraphQL API, with each role's token,
deadlines visible at each step; and the refusals along the way."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from auth.roles import Role
from gateway.domain.lifecycle import Lifecycle
from gateway.store.models import AuditEventRow, ComplaintRow, StatusEventRow
from gateway.store.writer import insert_complaints
from gateway.worker.jobs import auto_close
from schema.canonical import Location, Status
from schema.deadlines import DeadlinePolicy
from tests.conftest import GraphQL, Tokens
from tests.factories import make_complaint
from tests.submissions import GOOD, SUBMIT

STATE = """query($id: ID) { complaint(id: $id) {
  status kadar
  deadlines {
    verification { due metAt secondsLeft overdue metOnTime }
    followUp { due metAt overdue }
    replyWindow { due secondsLeft }
    resolution { due metAt }
    escalation
  }
  dispositions { kind toAgencyId }
  followUps { content }
  replies { content }
  rating { score }
} }"""

ACT = """mutation($id: ID!) { %s { status allowedActions complaint { status } } }"""


class Flow:
    def __init__(self, gql: GraphQL, tokens: Tokens) -> None:
        self.gql = gql
        self.citizen = tokens.citizen
        self.admin = tokens.make(Role.AGENCY_ADMIN, subject="admin-mura", agency="pemkab-16.05")
        self.officer = tokens.make(Role.AGENCY_OFFICER, subject="petugas-pupr", agency="16.05-pupr")
        self.coordinator = tokens.make(Role.REGIONAL_COORDINATOR, subject="koordinator", region="16")

    async def act(self, token: str, call: str, complaint_id: str) -> dict[str, object]:
        return await self.gql(ACT % call, {"id": complaint_id}, token=token)

    async def state(self, token: str, complaint_id: str) -> dict[str, object]:
        body = await self.gql(STATE, {"id": complaint_id}, token=token)
        assert "errors" not in body, body
        return body["data"]["complaint"]  # type: ignore[index,no-any-return]


@pytest.fixture
def flow(gql: GraphQL, tokens: Tokens, database_url: str) -> Flow:
    return Flow(gql, tokens)


async def test_from_submission_to_closed(flow: Flow) -> None:
    submitted = await flow.gql(
        SUBMIT,
        {"input": {**GOOD, "location": {"kodeWilayah": "16.05.01"}, "suggestedAgencyId": None}},
        token=flow.citizen,
    )
    cid = submitted["data"]["submitComplaint"]["complaint"]["id"]  # type: ignore[index]

    # The citizen sees the verification clock running (3 working days, in WIB).
    s = await flow.state(flow.citizen, cid)
    assert s["status"] == "BELUM_TERVERIFIKASI" and s["kadar"] == "TIDAK_BERPENGAWASAN"
    assert s["deadlines"]["verification"]["due"].endswith("23:59:59+07:00")
    assert s["deadlines"]["verification"]["secondsLeft"] > 0 and not s["deadlines"]["verification"]["overdue"]
    assert s["deadlines"]["followUp"] is None and s["deadlines"]["escalation"] is None

    # The regency's admin instansi verifies (routed there at submission) with a kadar.
    verified = await flow.act(flow.admin, "verifyComplaint(id: $id, kadar: BERPENGAWASAN)", cid)
    assert verified["data"]["verifyComplaint"]["status"] == "TERVERIFIKASI"  # type: ignore[index]
    assert "DISPOSE" in verified["data"]["verifyComplaint"]["allowedActions"]  # type: ignore[index]
    s = await flow.state(flow.admin, cid)
    assert s["deadlines"]["verification"]["metOnTime"] is True
    assert s["deadlines"]["followUp"]["due"] and s["deadlines"]["resolution"]["due"]

    # Disposed to Dinas PUPR, whose officer now sees it and answers, first interim, then final.
    await flow.act(flow.admin, 'disposeComplaint(id: $id, unitIds: ["16.05-pupr"], note: "mohon ditindaklanjuti")', cid)
    interim = await flow.act(flow.officer, 'postFollowUp(id: $id, content: "Tim sudah meninjau lokasi kemarin.")', cid)
    assert interim["data"]["postFollowUp"]["status"] == "DITINDAKLANJUTI"  # type: ignore[index]
    final = await flow.act(
        flow.officer, 'postFollowUp(id: $id, content: "Lampu sudah diganti hari ini.", final: true)', cid
    )
    assert final["data"]["postFollowUp"]["status"] == "MENUNGGU_TANGGAPAN"  # type: ignore[index]
    s = await flow.state(flow.citizen, cid)
    assert s["deadlines"]["followUp"]["metAt"] and s["deadlines"]["resolution"]["metAt"]
    assert s["deadlines"]["replyWindow"]["secondsLeft"] > 9 * 24 * 3600  # 10 calendar days

    # The citizen replies (re-opens), the officer answers again, the citizen closes and rates.
    reopened = await flow.act(
        flow.citizen, 'replyToComplaint(id: $id, content: "Lampu di ujung gang masih mati.")', cid
    )
    assert reopened["data"]["replyToComplaint"]["status"] == "DIDISPOSISIKAN"  # type: ignore[index]
    await flow.act(
        flow.officer, 'postFollowUp(id: $id, content: "Lampu di ujung gang juga sudah diganti.", final: true)', cid
    )
    closed = await flow.act(flow.citizen, "closeComplaint(id: $id)", cid)
    assert closed["data"]["closeComplaint"]["status"] == "SELESAI"  # type: ignore[index]
    assert closed["data"]["closeComplaint"]["allowedActions"] == ["RATE"]  # type: ignore[index]
    await flow.act(flow.citizen, 'rateComplaint(id: $id, score: 5, comment: "cepat")', cid)

    s = await flow.state(flow.citizen, cid)
    assert s["status"] == "SELESAI" and s["rating"] == {"score": 5}
    assert len(s["followUps"]) == 3 and len(s["replies"]) == 1
    assert [d["toAgencyId"] for d in s["dispositions"]] == ["16.05-pupr"]
    assert s["deadlines"]["verification"]["secondsLeft"] is None  # closed: no clock runs
    statuses = [e.status for e in await StatusEventRow.filter(complaint_id=cid).order_by("at", "id")]
    assert statuses == [
        Status.SUBMITTED,
        Status.BELUM_TERVERIFIKASI,
        Status.TERVERIFIKASI,
        Status.DIDISPOSISIKAN,
        Status.DITINDAKLANJUTI,
        Status.MENUNGGU_TANGGAPAN,
        Status.DIDISPOSISIKAN,
        Status.MENUNGGU_TANGGAPAN,
        Status.SELESAI,
    ]
    # Every change is in the audit log, by whom and which action.
    changes = await AuditEventRow.filter(complaint_id=cid, action="COMPLAINT_CHANGED").order_by("id")
    assert [(e.actor_subject, e.reason) for e in changes] == [
        ("admin-mura", "VERIFY"),
        ("admin-mura", "DISPOSE"),
        ("petugas-pupr", "POST_FOLLOW_UP"),
        ("petugas-pupr", "POST_FOLLOW_UP"),
        ("warga-1", "REPLY"),
        ("petugas-pupr", "POST_FOLLOW_UP"),
        ("warga-1", "CLOSE"),
        ("warga-1", "RATE"),
    ]


async def test_refusals_name_what_went_wrong(flow: Flow) -> None:
    c = make_complaint(status=Status.BELUM_TERVERIFIKASI, routed_agency_id="pemkab-16.05", dispositions=())
    await insert_complaints([c])
    illegal = await flow.act(flow.admin, "closeComplaint(id: $id)", c.id)
    (error,) = illegal["errors"]  # type: ignore[misc]
    assert error["extensions"] == {
        "code": "ILLEGAL_TRANSITION",
        "status": "BELUM_TERVERIFIKASI",
        "allowedActions": ["VERIFY", "HOLD", "NOT_OUR_AUTHORITY", "ARCHIVE"],
        "yourAllowedActions": ["VERIFY", "HOLD", "NOT_OUR_AUTHORITY", "ARCHIVE"],
    }
    assert error["message"].startswith("cannot CLOSE a complaint in status BELUM_TERVERIFIKASI")
    forbidden = await flow.act(flow.coordinator, "verifyComplaint(id: $id)", c.id)
    assert forbidden["errors"][0]["extensions"]["code"] == "FORBIDDEN"  # type: ignore[index]
    elsewhere = await flow.act(flow.officer, "verifyComplaint(id: $id)", c.id)  # not disposed to them
    assert elsewhere["errors"][0]["extensions"]["code"] == "NOT_FOUND"  # type: ignore[index]
    no_reason = await flow.gql(
        'mutation($id: ID!) { archiveComplaint(id: $id, reason: " ") { status } }', {"id": c.id}, token=flow.admin
    )
    assert no_reason["errors"][0]["extensions"]["fieldErrors"][0]["field"] == "reason"  # type: ignore[index]
    public = await flow.act(None, "verifyComplaint(id: $id)", c.id)  # type: ignore[arg-type]
    assert public["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"  # type: ignore[index]
    # Nothing changed.
    assert (await ComplaintRow.get(id=c.id)).status is Status.BELUM_TERVERIFIKASI


async def test_not_our_authority_hands_it_on_keeping_the_tracking_id(flow: Flow, tokens: Tokens) -> None:
    c = make_complaint(status=Status.BELUM_TERVERIFIKASI, routed_agency_id="pemkab-16.05", dispositions=())
    await insert_complaints([c])
    moved = await flow.act(flow.admin, 'markNotOurAuthority(id: $id, toAgencyId: "pemkab-16.08")', c.id)
    payload = moved["data"]["markNotOurAuthority"]  # type: ignore[index]
    assert payload["status"] == "DILIMPAHKAN" and payload["complaint"] is None  # out of our scope now
    other = tokens.make(Role.AGENCY_ADMIN, subject="admin-okut", agency="pemkab-16.08")
    body = await flow.gql(
        "query($id: ID) { complaint(id: $id) { trackingId status dispositions { kind toAgencyId } } }",
        {"id": c.id},
        token=other,
    )
    assert body["data"]["complaint"] == {  # type: ignore[index]
        "trackingId": c.tracking_id,
        "status": "DILIMPAHKAN",
        "dispositions": [{"kind": "PELIMPAHAN", "toAgencyId": "pemkab-16.08"}],
    }
    verified = await flow.act(other, "verifyComplaint(id: $id)", c.id)
    assert verified["data"]["verifyComplaint"]["status"] == "TERVERIFIKASI"  # type: ignore[index]


async def test_overdue_due_soon_and_performance(flow: Flow, tokens: Tokens) -> None:
    now = datetime.now(UTC)
    old = make_complaint(
        tracking_id="LATE-1",
        status=Status.BELUM_TERVERIFIKASI,
        routed_agency_id="pemkab-16.05",
        dispositions=(),
        location=Location("16.05.01"),
        created_at=now - timedelta(days=30),
    )
    old = replace(old, status_history=old.status_history[:2])
    fresh = make_complaint(
        tracking_id="FRESH-1",
        status=Status.BELUM_TERVERIFIKASI,
        routed_agency_id="pemkab-16.05",
        dispositions=(),
        created_at=now - timedelta(hours=1),
    )
    fresh = replace(fresh, status_history=fresh.status_history[:2])
    await insert_complaints([old, fresh])
    body = await flow.gql(
        """{ overdueComplaints(clock: VERIFICATION) { trackingId deadlines { verification { overdue } escalation } }
             dueSoonComplaints(clock: VERIFICATION, withinHours: 720) { trackingId } }""",
        token=flow.admin,
    )
    assert "errors" not in body, body
    data = body["data"]  # type: ignore[index]
    assert [c["trackingId"] for c in data["overdueComplaints"]] == ["LATE-1"]
    assert data["overdueComplaints"][0]["deadlines"] == {"verification": {"overdue": True}, "escalation": "NATIONAL"}
    assert [c["trackingId"] for c in data["dueSoonComplaints"]] == ["FRESH-1"]
    since = (now - timedelta(days=60)).isoformat()
    until = (now + timedelta(days=1)).isoformat()
    perf = await flow.gql(
        "query($s: DateTime!, $u: DateTime!) { deadlinePerformance(since: $s, until: $u) { agencyId complaints verificationLate verificationOnTime } }",
        {"s": since, "u": until},
        token=flow.admin,
    )
    assert perf["data"]["deadlinePerformance"] == [  # type: ignore[index]
        {"agencyId": "pemkab-16.05", "complaints": 2, "verificationLate": 1, "verificationOnTime": 0}
    ]
    # The public sees neither list (case scope).
    public = await flow.gql("{ overdueComplaints { trackingId } }")
    assert public["data"]["overdueComplaints"] == []  # type: ignore[index]


async def test_the_worker_closes_after_the_reply_window(flow: Flow) -> None:
    submitted = await flow.gql(
        SUBMIT,
        {"input": {**GOOD, "suggestedAgencyId": None, "location": {"kodeWilayah": "16.05.01"}}},
        token=flow.citizen,
    )
    cid = submitted["data"]["submitComplaint"]["complaint"]["id"]  # type: ignore[index]
    await flow.act(flow.admin, "verifyComplaint(id: $id)", cid)
    await flow.act(flow.admin, 'disposeComplaint(id: $id, unitIds: ["16.05-pupr"])', cid)
    await flow.act(flow.officer, 'postFollowUp(id: $id, content: "Sudah diperbaiki seluruhnya.", final: true)', cid)
    lifecycle = Lifecycle(DeadlinePolicy())
    assert await auto_close(lifecycle, now=datetime.now(UTC)) == 0  # the window is open
    assert await auto_close(lifecycle, now=datetime.now(UTC) + timedelta(days=12)) == 1
    row = await ComplaintRow.get(id=cid)
    assert row.status is Status.SELESAI and row.closed_at is not None
    (event,) = await AuditEventRow.filter(complaint_id=cid, reason="CLOSE")
    assert event.actor_subject == "penghubung-worker"


async def test_an_agency_disposes_only_to_its_own_units(flow: Flow) -> None:
    c = make_complaint(status=Status.TERVERIFIKASI, routed_agency_id="pemkab-16.05", dispositions=())
    await insert_complaints([c])
    for units in ('["16.04-pupr"]', '["pemkab-16.05"]', '["16.05-pupr", "nope"]', "[]"):
        body = await flow.act(flow.admin, f"disposeComplaint(id: $id, unitIds: {units})", c.id)
        (error,) = body["errors"]  # type: ignore[misc]
        assert error["extensions"]["code"] == "BAD_USER_INPUT", units
        assert "units under pemkab-16.05" in error["extensions"]["fieldErrors"][0]["expected"]
    assert (await ComplaintRow.get(id=c.id)).status is Status.TERVERIFIKASI


async def test_out_of_scope_mutations_are_recorded_and_rating_is_offered_once(flow: Flow) -> None:
    other = make_complaint(status=Status.TERVERIFIKASI, routed_agency_id="pemkab-16.08", dispositions=())
    await insert_complaints([other])
    body = await flow.act(flow.admin, 'archiveComplaint(id: $id, reason: "x")', other.id)
    assert body["errors"][0]["extensions"]["code"] == "NOT_FOUND"  # type: ignore[index]
    (denied,) = await AuditEventRow.filter(actor_subject="admin-mura", action="MUTATION_DENIED")
    assert denied.reason == "OUT_OF_SCOPE:ARCHIVE"
    blank = await flow.gql(
        'mutation($id: ID!) { archiveComplaint(id: $id, reason: " ") { status } }', {"id": other.id}, token=flow.admin
    )
    assert blank["errors"][0]["extensions"]["code"] == "NOT_FOUND"  # type: ignore[index]

    mine = await flow.gql(
        SUBMIT,
        {"input": {**GOOD, "suggestedAgencyId": None, "location": {"kodeWilayah": "16.05.01"}}},
        token=flow.citizen,
    )
    cid = mine["data"]["submitComplaint"]["complaint"]["id"]  # type: ignore[index]
    await flow.act(flow.admin, "verifyComplaint(id: $id)", cid)
    await flow.act(flow.admin, 'disposeComplaint(id: $id, unitIds: ["16.05-pupr"])', cid)
    await flow.act(flow.officer, 'postFollowUp(id: $id, content: "Sudah selesai diperbaiki.", final: true)', cid)
    closed = await flow.act(flow.citizen, "closeComplaint(id: $id)", cid)
    assert closed["data"]["closeComplaint"]["allowedActions"] == ["RATE"]  # type: ignore[index]
    rated = await flow.act(flow.citizen, "rateComplaint(id: $id, score: 4)", cid)
    assert rated["data"]["rateComplaint"]["allowedActions"] == []  # type: ignore[index]
    again = await flow.gql(
        'mutation($id: ID!) { rateComplaint(id: $id, score: 9, comment: " ") { status } }',
        {"id": cid},
        token=flow.citizen,
    )
    fields = {e["field"] for e in again["errors"][0]["extensions"]["fieldErrors"]}  # type: ignore[index]
    assert fields == {"score"}
