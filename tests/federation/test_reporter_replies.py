"""A reporter's reply (tanggapan pelapor) made through the gateway reaches the regency that
owns the complaint as a follow-up from the reporter, exactly once: at once when the owner
answers, through the outbox when it is down."""

from __future__ import annotations

import json
from typing import Any

from gateway.store.models import OutboxRow
from tests.conftest import Tokens
from tests.federation.conftest import Federated
from tests.federation.scenarios import HOLD, PRABUMULIH, REPLY, TEXT, data_of, prabumulih_admin, submitted_at_prabumulih


def _comments(federated: Federated) -> list[dict[str, Any]]:
    return [
        json.loads(e.body)
        for e in federated.sims[PRABUMULIH].received.entries
        if e.method == "POST" and e.path.endswith("/comments") and e.status is not None and e.status < 300
    ]


async def test_a_reply_is_written_through_to_the_owner_once(federated: Federated, tokens: Tokens) -> None:
    cid = await submitted_at_prabumulih(federated, tokens)
    data_of(await federated.gql(HOLD, {"id": cid}, token=prabumulih_admin(tokens)))
    done = data_of(await federated.gql(REPLY, {"id": cid, "text": TEXT}, token=tokens.citizen))["replyToComplaint"]
    assert done["delivery"]["state"] == "APPLIED", done
    assert [c.get("comment") for c in _comments(federated)] == [TEXT]
    await federated.engine.drain()  # the worker sends it no second time
    assert [c.get("comment") for c in _comments(federated)] == [TEXT]
    assert await OutboxRow.filter(complaint_id=cid, state="dead").count() == 0


async def test_a_reply_while_the_owner_is_down_arrives_once_through_the_outbox(
    federated: Federated, tokens: Tokens
) -> None:
    cid = await submitted_at_prabumulih(federated, tokens)
    data_of(await federated.gql(HOLD, {"id": cid}, token=prabumulih_admin(tokens)))
    sim = federated.sims[PRABUMULIH]
    sim.faults.set(down="503")
    done = data_of(await federated.gql(REPLY, {"id": cid, "text": TEXT}, token=tokens.citizen))["replyToComplaint"]
    assert done["delivery"]["state"] == "PENDING", done
    sim.faults.clear()
    sim.received.clear()
    await federated.engine.drain()
    await federated.engine.drain()
    assert [c.get("comment") for c in _comments(federated)] == [TEXT]
    assert await OutboxRow.filter(complaint_id=cid, destination=PRABUMULIH, kind="follow_up", state="done").count() == 1
