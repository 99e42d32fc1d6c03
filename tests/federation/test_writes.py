"""Mutations go to the system of record first: applied there and in the index, or pending in
the outbox when it is unreachable, or refused with nothing applied; a repeat with the same
idempotency key is answered, never applied twice."""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime
from typing import Any

from auth.roles import Role
from gateway.store.models import (
    ComplaintRow,
    ComplaintSourceRow,
    DeliveryClaimRow,
    FollowUpRow,
    MutationReceiptRow,
    OutboxRow,
    StatusEventRow,
)
from schema.canonical import Status
from tests.conftest import Tokens
from tests.federation.conftest import DEADLINES, WA, Federated
from tests.federation.scenarios import (
    DISPOSE,
    DISPOSE_MURA,
    FOLLOW_UP,
    IN_MURA,
    IN_PRABUMULIH,
    PRABUMULIH,
    SUBMIT,
    VERIFY,
    data_of,
    prabumulih_admin,
    report_at_prabumulih,
    submitted_at_prabumulih,
)


def _officer(tokens: Tokens) -> str:
    return tokens.make(Role.AGENCY_OFFICER, subject="officer-pbm", agency="16.74-pupr")


async def test_a_submission_is_created_in_its_system_of_record_at_once(federated: Federated, tokens: Tokens) -> None:
    cid = await submitted_at_prabumulih(federated, tokens)
    report = report_at_prabumulih(federated, cid)  # there before any worker ran
    link = await ComplaintSourceRow.get(complaint_id=cid, system=PRABUMULIH)
    assert link.source_id == report["id"]
    assert await OutboxRow.filter(complaint_id=cid, destination=PRABUMULIH, state="pending").count() == 0
    assert await OutboxRow.filter(complaint_id=cid, destination="lapor", state="pending").count() == 1  # the worker's


async def test_an_action_is_applied_at_the_owner_then_in_the_index(federated: Federated, tokens: Tokens) -> None:
    cid = await submitted_at_prabumulih(federated, tokens)
    done = data_of(await federated.gql(VERIFY, {"id": cid}, token=prabumulih_admin(tokens)))["verifyComplaint"]
    assert done["status"] == "TERVERIFIKASI"
    assert done["delivery"] == {
        "state": "APPLIED",
        "system": PRABUMULIH,
        "reason": None,
        "idempotencyKey": None,
        "replayed": False,
    }

    def status_posts() -> int:
        return sum(
            1 for e in federated.sims[PRABUMULIH].received.entries if e.method == "POST" and e.path.endswith("/status")
        )

    assert status_posts() == 1
    # The owner's outbox entry is settled; a sync round sends it nothing more and undoes nothing.
    assert await OutboxRow.filter(complaint_id=cid, destination=PRABUMULIH, kind="status", state="done").count() == 1
    await federated.engine.pull_all()
    await federated.engine.drain()
    assert status_posts() == 1
    assert (await ComplaintRow.get(id=cid)).status is Status.TERVERIFIKASI
    assert await OutboxRow.filter(complaint_id=cid, state="dead").count() == 0


async def test_an_unreachable_owner_leaves_the_write_pending_and_it_arrives_once(
    federated: Federated, tokens: Tokens
) -> None:
    cid = await submitted_at_prabumulih(federated, tokens)
    data_of(await federated.gql(VERIFY, {"id": cid}, token=prabumulih_admin(tokens)))
    federated.sims[PRABUMULIH].faults.set(down="503")
    done = data_of(await federated.gql(DISPOSE, {"id": cid, "key": "dispose-1"}, token=prabumulih_admin(tokens)))[
        "disposeComplaint"
    ]
    assert done["status"] == "DIDISPOSISIKAN"
    assert done["delivery"]["state"] == "PENDING" and "503" in done["delivery"]["reason"]
    assert (await ComplaintRow.get(id=cid)).status is Status.DIDISPOSISIKAN  # accepted
    assert await OutboxRow.filter(complaint_id=cid, destination=PRABUMULIH, kind="status", state="pending").count() == 1
    assert report_at_prabumulih(federated, cid)["bupatiStatus"] == "PENDING"  # not there yet

    federated.sims[PRABUMULIH].faults.clear()
    federated.sims[PRABUMULIH].received.clear()
    await federated.engine.drain()
    posts = [
        e for e in federated.sims[PRABUMULIH].received.entries if e.method == "POST" and e.path.endswith("/status")
    ]
    assert len(posts) == 1
    assert report_at_prabumulih(federated, cid)["bupatiStatus"] == "PROSES"
    # Asked again with the same key: the first answer, now delivered; nothing applied again.
    again = data_of(await federated.gql(DISPOSE, {"id": cid, "key": "dispose-1"}, token=prabumulih_admin(tokens)))[
        "disposeComplaint"
    ]
    assert again["delivery"]["state"] == "APPLIED" and again["delivery"]["replayed"] is True
    assert await StatusEventRow.filter(complaint_id=cid, status=Status.DIDISPOSISIKAN).count() == 1
    await federated.engine.drain()
    assert len([e for e in federated.sims[PRABUMULIH].received.entries if e.method == "POST"]) == 1


async def test_a_refusal_by_the_owner_applies_nothing(federated: Federated, tokens: Tokens) -> None:
    cid = await submitted_at_prabumulih(federated, tokens)
    report = report_at_prabumulih(federated, cid)
    del federated.sims[PRABUMULIH].reports[report["id"]]  # type: ignore[attr-defined]  # gone there: 404
    queued = await OutboxRow.filter(complaint_id=cid).count()
    body = await federated.gql(VERIFY, {"id": cid, "key": "verify-2"}, token=prabumulih_admin(tokens))
    assert body["errors"][0]["extensions"]["code"] == "SYSTEM_OF_RECORD_REFUSED"
    assert PRABUMULIH in body["errors"][0]["message"] and "404" in body["errors"][0]["message"]
    # The owner's own reason travels with the refusal, not only its HTTP status.
    assert body["errors"][0]["message"].endswith("answered 404; it said: report not found"), body
    assert (await ComplaintRow.get(id=cid)).status is Status.BELUM_TERVERIFIKASI
    assert await OutboxRow.filter(complaint_id=cid).count() == queued
    assert await MutationReceiptRow.filter(key="verify-2").count() == 0  # the key is free again


async def test_a_repeated_follow_up_is_applied_once(federated: Federated, tokens: Tokens) -> None:
    cid = await submitted_at_prabumulih(federated, tokens)
    data_of(await federated.gql(VERIFY, {"id": cid}, token=prabumulih_admin(tokens)))
    data_of(await federated.gql(DISPOSE, {"id": cid}, token=prabumulih_admin(tokens)))
    text = "Petugas sudah memperbaiki lampu jalan tersebut."
    first = data_of(await federated.gql(FOLLOW_UP, {"id": cid, "text": text, "key": "fu-1"}, token=_officer(tokens)))[
        "postFollowUp"
    ]
    second = data_of(await federated.gql(FOLLOW_UP, {"id": cid, "text": text, "key": "fu-1"}, token=_officer(tokens)))[
        "postFollowUp"
    ]
    assert first["delivery"]["state"] == "APPLIED" and first["delivery"]["replayed"] is False
    assert second["delivery"]["replayed"] is True and second["status"] == first["status"]
    assert await FollowUpRow.filter(complaint_id=cid).count() == 1
    assert [c["comment"] for c in report_at_prabumulih(federated, cid)["comments"]].count(text) == 1
    reused = await federated.gql(FOLLOW_UP, {"id": cid, "text": text + " Lagi.", "key": "fu-1"}, token=_officer(tokens))
    assert reused["errors"][0]["extensions"]["code"] == "IDEMPOTENCY_KEY_REUSED"


async def test_concurrent_copies_of_one_request_apply_once(federated: Federated, tokens: Tokens) -> None:
    cid = await submitted_at_prabumulih(federated, tokens)
    federated.sims[PRABUMULIH].faults.set(latency_ms=300)  # both copies in flight together
    bodies = await asyncio.gather(
        *(federated.gql(VERIFY, {"id": cid, "key": "same"}, token=prabumulih_admin(tokens)) for _ in range(2))
    )
    applied = [b for b in bodies if "errors" not in b and not b["data"]["verifyComplaint"]["delivery"]["replayed"]]
    others = [b for b in bodies if b not in applied]
    assert len(applied) == 1
    for other in others:  # either the answer (it finished first) or "still in progress"
        assert "errors" not in other or other["errors"][0]["extensions"]["code"] == "IDEMPOTENCY_KEY_IN_PROGRESS"
    assert await StatusEventRow.filter(complaint_id=cid, status=Status.TERVERIFIKASI).count() == 1


async def test_a_repeated_submission_creates_one_complaint(federated: Federated, tokens: Tokens) -> None:
    first = data_of(await federated.gql(SUBMIT, {"input": IN_PRABUMULIH, "key": "sub-1"}, token=tokens.citizen))[
        "submitComplaint"
    ]
    second = data_of(await federated.gql(SUBMIT, {"input": IN_PRABUMULIH, "key": "sub-1"}, token=tokens.citizen))[
        "submitComplaint"
    ]
    assert first["trackingId"] == second["trackingId"] and second["delivery"]["replayed"] is True
    assert second["delivery"]["state"] == "APPLIED"
    assert await ComplaintRow.filter(tracking_id=first["trackingId"]).count() == 1
    report_at_prabumulih(federated, first["complaint"]["id"])  # exactly one there
    # The key is the caller's own: another citizen using it submits their own complaint.
    other = tokens.make(Role.CITIZEN, subject="warga-2")
    theirs = data_of(await federated.gql(SUBMIT, {"input": IN_PRABUMULIH, "key": "sub-1"}, token=other))[
        "submitComplaint"
    ]
    assert theirs["trackingId"] != first["trackingId"] and theirs["delivery"]["replayed"] is False


async def test_a_submission_while_its_owner_is_down_is_pending(federated: Federated, tokens: Tokens) -> None:
    federated.sims[PRABUMULIH].faults.set(down="503")
    made = data_of(await federated.gql(SUBMIT, {"input": IN_PRABUMULIH}, token=tokens.citizen))["submitComplaint"]
    assert made["delivery"]["state"] == "PENDING" and made["delivery"]["system"] == PRABUMULIH
    assert "503" in made["delivery"]["reason"]
    federated.sims[PRABUMULIH].faults.clear()
    # A 503 may come after the write was applied: the retry waits until a late one would
    # have landed (its schedule and its claim say when; the time is moved on here), then
    # creates it once.
    waiting = OutboxRow.filter(complaint_id=made["complaint"]["id"], destination=PRABUMULIH, state="pending")
    assert (await waiting.values_list("in_doubt", flat=True)) == [True]
    assert await DeliveryClaimRow.filter(name=f"{PRABUMULIH}|{made['complaint']['id']}").exists()
    await waiting.update(next_attempt_at=datetime.now(UTC))
    await DeliveryClaimRow.all().delete()
    await federated.engine.drain()
    report_at_prabumulih(federated, made["complaint"]["id"])


async def test_a_bad_idempotency_key_is_refused_with_what_is_expected(federated: Federated, tokens: Tokens) -> None:
    body = await federated.gql(SUBMIT, {"input": IN_PRABUMULIH, "key": "has spaces"}, token=tokens.citizen)
    error = body["errors"][0]
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert "idempotencyKey" in error["message"] and "visible ASCII" in error["message"]


async def test_two_different_changes_at_once_leave_owner_and_index_agreeing(
    federated: Federated, tokens: Tokens
) -> None:
    cid = await submitted_at_prabumulih(federated, tokens)
    data_of(await federated.gql(VERIFY, {"id": cid}, token=prabumulih_admin(tokens)))
    federated.sims[PRABUMULIH].faults.set(latency_ms=300)  # both in flight together
    archive = 'mutation($id: ID!) { archiveComplaint(id: $id, reason: "duplikat laporan lain") { status delivery { state } } }'
    bodies = await asyncio.gather(
        federated.gql(archive, {"id": cid}, token=prabumulih_admin(tokens)),
        federated.gql(DISPOSE, {"id": cid}, token=prabumulih_admin(tokens)),
    )
    applied = [b for b in bodies if "errors" not in b]
    refused = [b for b in bodies if "errors" in b]
    assert len(applied) == 1 and len(refused) == 1
    assert refused[0]["errors"][0]["extensions"]["code"] in (
        "COMPLAINT_BUSY",
        "ILLEGAL_TRANSITION",
        "CHANGED_MEANWHILE",
    )
    federated.sims[PRABUMULIH].faults.clear()
    for _ in range(2):
        await federated.engine.pull_all()
        await federated.engine.drain()
    index = (await ComplaintRow.get(id=cid)).status
    there = federated.connectors[PRABUMULIH]

    record = await there.read_one(report_at_prabumulih(federated, cid)["id"])
    assert record is not None and record.status == (there.status_as_read(index) or index)


async def test_a_caller_that_gives_up_does_not_stop_a_write_the_owner_took(
    federated: Federated, tokens: Tokens, make_app: Any
) -> None:
    from dataclasses import replace as with_changes

    import httpx2 as httpx

    from connectors.config import DEMO_CONFIG
    from gateway.domain.sources import ConfiguredSources
    from gateway.edge.state import AppState, with_app_state
    from gateway.settings import GraphQLLimits
    from gateway.sync.topology import Topology
    from tests.federation.conftest import CONFIG, DEADLINES

    cid = await submitted_at_prabumulih(federated, tokens)
    data_of(await federated.gql(VERIFY, {"id": cid}, token=prabumulih_admin(tokens)))
    # This gateway gives a whole operation 0.4 s; the owner answers after 0.6 s.
    hurried = make_app(
        sources_file=DEMO_CONFIG,
        federation=with_changes(DEADLINES, write_deadline=2.0),
        limits=GraphQLLimits(operation_timeout=0.4),
    )
    sources = ConfiguredSources(CONFIG, federated.connectors, federated.urls)
    transport = httpx.ASGITransport(
        app=with_app_state(hurried, AppState(sources=sources, topology=Topology.of(CONFIG)))
    )
    federated.sims[PRABUMULIH].faults.set(latency_ms=600)
    async with httpx.AsyncClient(transport=transport, base_url="http://gateway.test") as client:
        response = await client.post(
            "/graphql",
            json={"query": DISPOSE, "variables": {"id": cid, "key": "late-1"}},
            headers={"authorization": f"Bearer {prabumulih_admin(tokens)}"},
        )
    assert response.json()["errors"][0]["extensions"]["code"] == "TIMEOUT"
    await asyncio.sleep(1.0)  # the write goes on without the caller
    assert (await ComplaintRow.get(id=cid)).status is Status.DIDISPOSISIKAN
    assert report_at_prabumulih(federated, cid)["bupatiStatus"] == "PROSES"
    federated.sims[PRABUMULIH].faults.clear()
    again = data_of(await federated.gql(DISPOSE, {"id": cid, "key": "late-1"}, token=prabumulih_admin(tokens)))[
        "disposeComplaint"
    ]
    assert again["delivery"]["replayed"] is True and again["delivery"]["state"] == "APPLIED"
    assert await StatusEventRow.filter(complaint_id=cid, status=Status.DIDISPOSISIKAN).count() == 1


async def test_a_live_read_does_not_undo_a_change_still_on_its_way(federated: Federated, tokens: Tokens) -> None:
    cid = await submitted_at_prabumulih(federated, tokens)
    data_of(await federated.gql(VERIFY, {"id": cid}, token=prabumulih_admin(tokens)))
    federated.sims[PRABUMULIH].faults.set(down="503")
    data_of(await federated.gql(DISPOSE, {"id": cid}, token=prabumulih_admin(tokens)))
    federated.sims[PRABUMULIH].faults.clear()  # back, before any worker delivered the change
    read = "query($id: ID!) { complaint(id: $id) { status live owner { outcome } } }"
    got = data_of(await federated.gql(read, {"id": cid}, token=prabumulih_admin(tokens)))["complaint"]
    assert got["live"] is True and got["owner"]["outcome"] == "OK"
    assert got["status"] == "DIDISPOSISIKAN"  # the owner still shows the older one


async def test_a_status_the_owner_has_no_word_for_is_kept_and_not_undone_by_a_live_read(
    federated: Federated, tokens: Tokens
) -> None:
    # Musi Rawas's WhatsApp-bot system has no word for TERVERIFIKASI (its own statuses are coarser).
    made = data_of(
        await federated.gql(
            SUBMIT,
            {"input": {**IN_PRABUMULIH, "location": {"kodeWilayah": "16.05.01"}, "suggestedAgencyId": "pemkab-16.05"}},
            token=tokens.citizen,
        )
    )
    cid = made["submitComplaint"]["complaint"]["id"]
    admin = tokens.make(Role.AGENCY_ADMIN, subject="admin-mura", agency="pemkab-16.05")
    done = data_of(await federated.gql(VERIFY, {"id": cid}, token=admin))["verifyComplaint"]
    assert done["status"] == "TERVERIFIKASI"
    assert done["delivery"]["state"] == "LOCAL" and "no word" in done["delivery"]["reason"]
    await federated.engine.pull_all()
    await federated.engine.drain()
    read = "query($id: ID!) { complaint(id: $id) { status live owner { system outcome } } }"
    got = data_of(await federated.gql(read, {"id": cid}, token=admin))["complaint"]
    assert got["owner"] == {"system": "16.05-musi-rawas", "outcome": "OK"} and got["live"] is True
    assert got["status"] == "TERVERIFIKASI"  # its system still says "new", which is not news


async def test_a_follow_up_that_reaches_a_slow_owner_late_is_not_sent_again(
    federated: Federated, tokens: Tokens
) -> None:
    # The WhatsApp bot cannot recognise a repeated follow-up: one the mutation stopped
    # waiting for must not be looked up there (and sent again) before it can have landed.
    made = data_of(await federated.gql(SUBMIT, {"input": IN_MURA}, token=tokens.citizen))["submitComplaint"]
    cid = made["complaint"]["id"]
    admin = tokens.make(Role.AGENCY_ADMIN, subject="admin-mura", agency="pemkab-16.05")
    data_of(await federated.gql(VERIFY, {"id": cid}, token=admin))
    data_of(await federated.gql(DISPOSE_MURA, {"id": cid}, token=admin))
    officer = tokens.make(Role.AGENCY_OFFICER, subject="officer-mura", agency="16.05-pupr")
    wa = federated.sims[WA]
    wa.faults.set(latency_ms=int(DEADLINES.write_deadline * 1000) + 700)  # lands after the mutation gave up
    text = "Saluran sudah dibersihkan oleh petugas."
    done = data_of(await federated.gql(FOLLOW_UP, {"id": cid, "text": text}, token=officer))["postFollowUp"]
    wa.faults.clear()
    assert done["delivery"]["state"] == "PENDING"
    link = await ComplaintSourceRow.get(complaint_id=cid, system=WA)

    def copies() -> int:
        return [k["text"] for k in wa.reports[link.source_id]["tindakan"]["kesimpulan"]].count(text)  # type: ignore[attr-defined]

    await federated.engine.drain()  # a worker right after the mutation: not yet
    landing = time.monotonic() + 5
    while copies() == 0 and time.monotonic() < landing:  # the late write lands
        await asyncio.sleep(0.05)
    await asyncio.sleep(0.3)
    assert copies() == 1
    waiting = OutboxRow.filter(complaint_id=cid, destination=WA, kind="follow_up", state="pending")
    assert (await waiting.values_list("in_doubt", flat=True)) == [True]
    await waiting.update(next_attempt_at=datetime.now(UTC))  # brought forward: its claim still holds it back
    await federated.engine.drain()
    assert await waiting.count() == 1
    await DeliveryClaimRow.all().delete()  # the settle wait has passed
    await waiting.update(next_attempt_at=datetime.now(UTC))
    await federated.engine.drain()
    assert copies() == 1
    assert await OutboxRow.filter(complaint_id=cid, destination=WA, kind="follow_up", state="done").count() == 1
