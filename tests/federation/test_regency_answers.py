"""The regency government (pemkab/pemkot) answering a complaint disposed to one of its own
OPD answers for that OPD: its follow-up goes to the system of record as that OPD's. A
follow-up the owner's mapping still cannot credit is refused whole (the index stays where
the owner is), and a reporter's reply that re-opens the complaint to DIDISPOSISIKAN sends
the OPD of the current disposition hop with the status."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import httpx2 as httpx
import pytest

from connectors.dialects import MAPPINGS_DIR
from gateway.store.models import ComplaintRow, OutboxRow
from gateway.sync.engine import SyncEngine
from gateway.sync.topology import Topology
from schema.canonical import Status
from tests.conftest import Tokens
from tests.federation.conftest import CONFIG, Federated
from tests.federation.scenarios import (
    PRABUMULIH,
    REPLY,
    TEXT,
    VERIFY,
    data_of,
    gateway_with,
    gql_on,
    prabumulih_admin,
    remapped_prabumulih,
    report_at_prabumulih,
    submitted_at_prabumulih,
)

TOPOLOGY = Topology.of(CONFIG)
DISPOSE_TO = """mutation($id: ID!, $unit: ID!) {
  disposeComplaint(id: $id, unitIds: [$unit]) { status delivery { state system reason } }
}"""
ANSWER = """mutation($id: ID!, $text: String!) {
  postFollowUp(id: $id, content: $text, final: true) { status delivery { state system reason } }
}"""
ANSWER_TEXT = "Jalan sudah ditambal oleh tim Dinas PUPR pada hari Senin."
COMMENT_BODY = (
    'body = { comment = "text", role = { value = "from_reporter", cast = "bool", true = "PELAPOR", false = "OPD" } }'
)


def _crediting(federated: Federated) -> Any:
    """Prabumulih's connector, its follow-up body naming the answering OPD (userId) through a
    map without a default that knows the OPD PUPR only: an agency it lacks cannot be sent."""
    text = (MAPPINGS_DIR / "rest_json_v1.toml").read_text(encoding="utf-8")
    assert COMMENT_BODY in text
    credited = (
        COMMENT_BODY[:-2]
        + ', userId = { value = "author_agency", map = "opd_uji", only_if = { from_reporter = false } } }'
    )
    mapped = text.replace(COMMENT_BODY, credited) + '\n[maps.opd_uji]\n"{kode_wilayah}-pupr" = "opd_dinas-pupr"\n'
    return remapped_prabumulih(federated, mapped)


@pytest.fixture
async def crediting(federated: Federated, make_app: Any) -> AsyncIterator[httpx.AsyncClient]:
    """A gateway whose Prabumulih mapping sends the answering OPD with each follow-up."""
    async with gateway_with(federated, make_app, {PRABUMULIH: _crediting(federated)}) as client:
        yield client


def _sent(federated: Federated, suffix: str) -> list[dict[str, Any]]:
    """The bodies Prabumulih accepted on paths ending in `suffix`, in order."""
    return [
        json.loads(e.body)
        for e in federated.sims[PRABUMULIH].received.entries
        if e.method in ("POST", "PUT", "PATCH") and e.path.endswith(suffix) and e.status is not None and e.status < 300
    ]


async def _disposed(federated: Federated, tokens: Tokens, unit: str) -> str:
    cid = await submitted_at_prabumulih(federated, tokens)
    data_of(await federated.gql(VERIFY, {"id": cid}, token=prabumulih_admin(tokens)))
    done = data_of(await federated.gql(DISPOSE_TO, {"id": cid, "unit": unit}, token=prabumulih_admin(tokens)))[
        "disposeComplaint"
    ]
    assert done["status"] == "DIDISPOSISIKAN" and done["delivery"]["state"] == "APPLIED", done
    return cid


async def test_the_regency_governments_answer_is_sent_as_its_disposed_opd(
    federated: Federated, crediting: httpx.AsyncClient, tokens: Tokens
) -> None:
    cid = await _disposed(federated, tokens, "16.74-pupr")
    # The pemkot's own admin answers (not an officer of the OPD).
    done = data_of(await gql_on(crediting, ANSWER, {"id": cid, "text": ANSWER_TEXT}, prabumulih_admin(tokens)))[
        "postFollowUp"
    ]
    assert done["status"] == "MENUNGGU_TANGGAPAN" and done["delivery"]["state"] == "APPLIED", done
    answers = [c for c in _sent(federated, "/comments") if c["comment"] == ANSWER_TEXT]
    assert [(c["role"], c.get("userId")) for c in answers] == [("OPD", "opd_dinas-pupr")]
    await federated.engine.drain()  # nothing left to send, nothing dead
    assert await OutboxRow.filter(complaint_id=cid, state="dead").count() == 0


async def test_an_answer_its_owner_cannot_credit_is_refused_and_the_index_stays(
    federated: Federated, crediting: httpx.AsyncClient, tokens: Tokens
) -> None:
    cid = await _disposed(federated, tokens, "16.74-dishub")  # opd_uji has no word for DISHUB
    queued = await OutboxRow.filter(complaint_id=cid).count()
    body = await gql_on(crediting, ANSWER, {"id": cid, "text": ANSWER_TEXT}, prabumulih_admin(tokens))
    error = body["errors"][0]
    assert error["extensions"]["code"] == "SYSTEM_OF_RECORD_REFUSED", body
    assert "[maps.opd_uji]" in error["message"] and PRABUMULIH in error["message"], error
    # The index stays with the owner: still DIDISPOSISIKAN, so the OPD can still answer.
    assert (await ComplaintRow.get(id=cid)).status is Status.DIDISPOSISIKAN
    assert await OutboxRow.filter(complaint_id=cid).count() == queued
    assert [c for c in _sent(federated, "/comments") if c["comment"] == ANSWER_TEXT] == []


async def test_a_reply_that_re_opens_sends_the_current_opd_with_the_status(
    federated: Federated, tokens: Tokens
) -> None:
    cid = await _disposed(federated, tokens, "16.74-pupr")
    answered = data_of(await federated.gql(ANSWER, {"id": cid, "text": ANSWER_TEXT}, token=prabumulih_admin(tokens)))[
        "postFollowUp"
    ]
    assert answered["status"] == "MENUNGGU_TANGGAPAN", answered
    before = len(_sent(federated, "/status"))
    done = data_of(await federated.gql(REPLY, {"id": cid, "text": TEXT}, token=tokens.citizen))["replyToComplaint"]
    assert done["status"] == "DIDISPOSISIKAN" and done["delivery"]["state"] == "APPLIED", done
    reopened = _sent(federated, "/status")[before:]
    assert [(s["status"], s.get("opdId")) for s in reopened] == [("PROSES", "opd_dinas-pupr")], reopened
    assert report_at_prabumulih(federated, cid)["opdId"] == "opd_dinas-pupr"


async def test_a_queued_answer_of_the_regency_government_is_delivered_as_its_opd(
    federated: Federated, crediting: httpx.AsyncClient, tokens: Tokens
) -> None:
    cid = await _disposed(federated, tokens, "16.74-pupr")
    federated.sims[PRABUMULIH].faults.set(down="503")  # down when it is answered: the outbox holds it
    done = data_of(await gql_on(crediting, ANSWER, {"id": cid, "text": ANSWER_TEXT}, prabumulih_admin(tokens)))[
        "postFollowUp"
    ]
    assert done["delivery"]["state"] == "PENDING", done
    federated.sims[PRABUMULIH].faults.clear()
    worker = SyncEngine({**federated.connectors, PRABUMULIH: _crediting(federated)}, TOPOLOGY)
    await worker.drain()
    answers = [c for c in _sent(federated, "/comments") if c["comment"] == ANSWER_TEXT]
    assert [(c["role"], c.get("userId")) for c in answers] == [("OPD", "opd_dinas-pupr")]
    assert await OutboxRow.filter(complaint_id=cid, state="dead").count() == 0
