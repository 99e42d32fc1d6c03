"""A status change tells the regency everything the gateway knows of it: the note of the
action that made it (why it was verified, disposed, held) and, for DIDISPOSISIKAN only, the
OPD it is disposed to; the same whether written through at once or later by the outbox."""

from __future__ import annotations

import json
from typing import Any

from tests.conftest import Tokens
from tests.federation.conftest import Federated
from tests.federation.scenarios import PRABUMULIH, data_of, prabumulih_admin, submitted_at_prabumulih

VERIFY_NOTE = """mutation($id: ID!, $note: String) {
  verifyComplaint(id: $id, note: $note) { status delivery { state reason } }
}"""
DISPOSE_NOTE = """mutation($id: ID!, $note: String) {
  disposeComplaint(id: $id, unitIds: ["16.74-pupr"], note: $note) { status delivery { state reason } }
}"""


def _status_bodies(federated: Federated) -> list[dict[str, Any]]:
    return [
        json.loads(e.body)
        for e in federated.sims[PRABUMULIH].received.entries
        if e.method == "POST" and e.path.endswith("/status")
    ]


async def test_a_written_through_status_carries_its_note_and_only_a_disposition_names_a_unit(
    federated: Federated, tokens: Tokens
) -> None:
    cid = await submitted_at_prabumulih(federated, tokens)
    done = data_of(
        await federated.gql(VERIFY_NOTE, {"id": cid, "note": "Laporan lengkap"}, token=prabumulih_admin(tokens))
    )
    assert done["verifyComplaint"]["delivery"]["state"] == "APPLIED"
    (verify,) = _status_bodies(federated)
    assert verify.get("reason") == "Laporan lengkap"
    assert verify.get("opdId") is None  # the routed agency (pemkot-16.74) is not an OPD
    done = data_of(
        await federated.gql(DISPOSE_NOTE, {"id": cid, "note": "Segera perbaiki"}, token=prabumulih_admin(tokens))
    )
    assert done["disposeComplaint"]["delivery"]["state"] == "APPLIED"
    dispose = _status_bodies(federated)[-1]
    assert (
        dispose.get("reason") == "Segera perbaiki" and dispose.get("opdId") == "opd_dinas-pupr"
    )  # the app's own id for 16.74-pupr


async def test_the_outbox_sends_the_same_note_and_unit(federated: Federated, tokens: Tokens) -> None:
    cid = await submitted_at_prabumulih(federated, tokens)
    data_of(await federated.gql(VERIFY_NOTE, {"id": cid}, token=prabumulih_admin(tokens)))
    sim = federated.sims[PRABUMULIH]
    sim.faults.set(down="503")
    disposed = data_of(
        await federated.gql(DISPOSE_NOTE, {"id": cid, "note": "Segera perbaiki"}, token=prabumulih_admin(tokens))
    )
    assert disposed["disposeComplaint"]["delivery"]["state"] == "PENDING"
    sim.faults.clear()
    sim.received.clear()
    await federated.engine.drain()
    (dispose,) = _status_bodies(federated)
    assert dispose.get("reason") == "Segera perbaiki" and dispose.get("opdId") == "opd_dinas-pupr"


async def test_a_status_without_a_note_sends_no_reason(federated: Federated, tokens: Tokens) -> None:
    cid = await submitted_at_prabumulih(federated, tokens)
    data_of(await federated.gql(VERIFY_NOTE, {"id": cid}, token=prabumulih_admin(tokens)))
    assert _status_bodies(federated)[-1].get("reason") is None
    sim = federated.sims[PRABUMULIH]
    sim.faults.set(down="503")
    data_of(await federated.gql(DISPOSE_NOTE, {"id": cid}, token=prabumulih_admin(tokens)))
    sim.faults.clear()
    sim.received.clear()
    await federated.engine.drain()
    (dispose,) = _status_bodies(federated)
    # Not the action's name ("dispose") the index keeps as the event's note when none was given.
    assert dispose.get("reason") is None and dispose.get("opdId") == "opd_dinas-pupr"
