"""What a mutation answers is true: never APPLIED when the system of record was not written;
a create its mapping cannot express is a dead letter that every operator's view shows; and
an index step that fails after the owner took a change never sets the owner back."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from typing import Any

import httpx2 as httpx
import pytest
from tortoise import Tortoise

from connectors.dialects import MAPPINGS_DIR
from gateway import telemetry as metrics
from gateway.cli.sync_actions import dead_letter_lines
from gateway.store.models import ComplaintRow, OutboxRow
from gateway.sync.status import sync_status
from gateway.sync.topology import Topology
from schema.canonical import Status
from tests.conftest import Tokens
from tests.federation.conftest import CONFIG, Federated
from tests.federation.scenarios import (
    DISPOSE,
    IN_PRABUMULIH,
    PRABUMULIH,
    SUBMIT,
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


def _without_the_category(federated: Federated) -> Any:
    """Prabumulih's connector, its mapping sending categories through a [maps.kategori_uji]
    that lacks the submission's category (infrastruktur), and units through an [maps.opd_uji]
    that lacks 16.74-pupr."""
    text = (MAPPINGS_DIR / "rest_json_v1.toml").read_text(encoding="utf-8")
    # Whatever the bundled mapping sends today, these two keys go through tables without a
    # default that lack the submission's category and the disposition's unit.
    mapped, categories = re.subn(
        r'category = (\{[^}]*\}|"category_code")', 'category = { value = "category_code", map = "kategori_uji" }', text
    )
    mapped, units = re.subn(r'opdId = (\{[^}]*\}|"unit")', 'opdId = { value = "unit", map = "opd_uji" }', mapped)
    assert categories == units == 1
    mapped += '\n[maps.kategori_uji]\nkesehatan = "KES"\n\n[maps.opd_uji]\n"16.74-dinkes" = "DINKES"\n'
    return remapped_prabumulih(federated, mapped)


@pytest.fixture
async def unmapped(federated: Federated, make_app: Any) -> AsyncIterator[httpx.AsyncClient]:
    """A gateway whose Prabumulih mapping has no word for the category submitted."""
    async with gateway_with(federated, make_app, {PRABUMULIH: _without_the_category(federated)}) as client:
        yield client


async def test_a_create_its_owner_cannot_express_is_a_dead_letter_not_applied(
    federated: Federated, unmapped: httpx.AsyncClient, tokens: Tokens
) -> None:
    made = data_of(await gql_on(unmapped, SUBMIT, {"input": IN_PRABUMULIH}, tokens.citizen))["submitComplaint"]
    cid = made["complaint"]["id"]
    delivery = made["delivery"]
    assert delivery["state"] == "DEAD_LETTER" and delivery["system"] == PRABUMULIH, delivery
    for part in ("create to " + PRABUMULIH, "[maps.kategori_uji]", "category_code", "infrastruktur"):
        assert part in delivery["reason"], delivery["reason"]
    assert not [r for r in federated.sims[PRABUMULIH].reports.values() if r.get("externalRef") == cid]  # type: ignore[attr-defined]
    (entry,) = await OutboxRow.filter(complaint_id=cid, destination=PRABUMULIH)
    assert entry.state == "dead" and entry.last_error == delivery["reason"]
    # A worker leaves it alone: it stays a dead letter, for a person (a mapping fix, then replay).
    await federated.engine.drain()
    assert (await OutboxRow.get(id=entry.id)).state == "dead"

    # Every place an operator looks shows it.
    lines = await dead_letter_lines(None)  # penghubung sync dead-letters
    assert any(PRABUMULIH in line and "[maps.kategori_uji]" in line for line in lines), lines
    status = {s.source: s for s in await sync_status(TOPOLOGY, now=entry.updated_at)}  # penghubung sync status
    assert status[PRABUMULIH].dead_letters == 1
    rows = data_of(
        await gql_on(unmapped, "{ syncStatus { source deadLetters lastDeadLetter } }", {}, tokens.national_admin)
    )["syncStatus"]
    assert {r["source"]: r["deadLetters"] for r in rows}[PRABUMULIH] == 1
    assert {r["source"]: r["lastDeadLetter"] for r in rows}[PRABUMULIH] == entry.last_error
    await metrics._refresh(federated.connectors, TOPOLOGY)
    assert metrics.OUTBOX_ENTRIES.labels(PRABUMULIH, "dead")._value.get() == 1  # type: ignore[attr-defined]

    # Asked again with the same key, the answer stays true.
    keyed = data_of(await gql_on(unmapped, SUBMIT, {"input": IN_PRABUMULIH, "key": "unmapped-1"}, tokens.citizen))[
        "submitComplaint"
    ]
    again = data_of(await gql_on(unmapped, SUBMIT, {"input": IN_PRABUMULIH, "key": "unmapped-1"}, tokens.citizen))[
        "submitComplaint"
    ]
    assert keyed["delivery"]["state"] == again["delivery"]["state"] == "DEAD_LETTER" and again["delivery"]["replayed"]


_FAIL_SQLITE = (
    "CREATE TRIGGER index_step_fails BEFORE INSERT ON status_event WHEN NEW.note = 'DISPOSE' "
    "BEGIN SELECT RAISE(ABORT, 'the index step fails in this test'); END"
)
_FAIL_POSTGRES = (
    "CREATE FUNCTION index_step_fails() RETURNS trigger AS $$ BEGIN "
    "RAISE EXCEPTION 'the index step fails in this test'; END $$ LANGUAGE plpgsql; "
    "CREATE TRIGGER index_step_fails BEFORE INSERT ON status_event FOR EACH ROW "
    "WHEN (NEW.note = 'DISPOSE') EXECUTE FUNCTION index_step_fails();"
)


@pytest.fixture
async def failing_index_step(database_url: str) -> AsyncIterator[None]:
    """The index refuses a disposition's status event (a database trigger): the index step
    fails after the owner has taken the change."""
    conn = Tortoise.get_connection("default")
    postgres = conn.capabilities.dialect == "postgres"
    await conn.execute_script(_FAIL_POSTGRES if postgres else _FAIL_SQLITE)
    try:
        yield
    finally:
        await conn.execute_script(
            "DROP TRIGGER index_step_fails ON status_event; DROP FUNCTION index_step_fails();"
            if postgres
            else "DROP TRIGGER index_step_fails"
        )


async def test_an_index_step_that_fails_after_the_owner_took_it_does_not_set_the_owner_back(
    federated: Federated, tokens: Tokens, failing_index_step: None
) -> None:
    cid = await submitted_at_prabumulih(federated, tokens)
    data_of(await federated.gql(VERIFY, {"id": cid}, token=prabumulih_admin(tokens)))
    body = await federated.gql(DISPOSE, {"id": cid, "key": "dispose-fails"}, token=prabumulih_admin(tokens))
    assert report_at_prabumulih(federated, cid)["bupatiStatus"] == "PROSES"  # the owner took it
    assert (await ComplaintRow.get(id=cid)).status is Status.TERVERIFIKASI  # the index could not
    # Sync rounds: the owner is never set back; the index takes the owner's status.
    for _ in range(2):
        await federated.engine.pull_all()
        await federated.engine.drain()
    assert report_at_prabumulih(federated, cid)["bupatiStatus"] == "PROSES"
    assert (await ComplaintRow.get(id=cid)).status is Status.DIDISPOSISIKAN
    (error,) = body["errors"]  # and the answer said so
    assert error["extensions"]["code"] == "INDEX_BEHIND_SYSTEM_OF_RECORD", error
    assert PRABUMULIH in error["message"] and "not undone" in error["message"]
    assert await OutboxRow.filter(complaint_id=cid, state="dead").count() == 0
    # The same request again is answered, not sent again.
    posts = federated.calls(PRABUMULIH, "POST")
    again = data_of(await federated.gql(DISPOSE, {"id": cid, "key": "dispose-fails"}, token=prabumulih_admin(tokens)))[
        "disposeComplaint"
    ]
    assert again["delivery"]["replayed"] is True and again["delivery"]["state"] == "APPLIED"
    assert federated.calls(PRABUMULIH, "POST") == posts


async def test_a_repeat_of_a_write_the_index_could_not_record_is_not_answered_applied_until_it_caught_up(
    federated: Federated, tokens: Tokens, failing_index_step: None
) -> None:
    cid = await submitted_at_prabumulih(federated, tokens)
    data_of(await federated.gql(VERIFY, {"id": cid}, token=prabumulih_admin(tokens)))
    first = await federated.gql(DISPOSE, {"id": cid, "key": "dispose-behind"}, token=prabumulih_admin(tokens))
    (error,) = first["errors"]
    assert error["extensions"]["code"] == "INDEX_BEHIND_SYSTEM_OF_RECORD", error
    posts = federated.calls(PRABUMULIH, "POST")
    # Repeated before any pull: the index is still behind, and the answer says so again.
    again = await federated.gql(DISPOSE, {"id": cid, "key": "dispose-behind"}, token=prabumulih_admin(tokens))
    (repeat,) = again["errors"]
    assert repeat["extensions"]["code"] == "INDEX_BEHIND_SYSTEM_OF_RECORD", again
    assert repeat["message"] == error["message"]
    assert (await ComplaintRow.get(id=cid)).status is Status.TERVERIFIKASI
    assert federated.calls(PRABUMULIH, "POST") == posts  # not sent again
    # Once a pull has brought the owner's status in, a repeat is answered APPLIED.
    await federated.engine.pull_all()
    assert (await ComplaintRow.get(id=cid)).status is Status.DIDISPOSISIKAN
    caught = data_of(
        await federated.gql(DISPOSE, {"id": cid, "key": "dispose-behind"}, token=prabumulih_admin(tokens))
    )["disposeComplaint"]
    assert caught["delivery"]["replayed"] is True and caught["delivery"]["state"] == "APPLIED", caught
    assert federated.calls(PRABUMULIH, "POST") == posts


async def test_sync_status_names_the_statuses_each_source_is_never_sent(federated: Federated, tokens: Tokens) -> None:
    rows = data_of(await federated.gql("{ syncStatus { source statusesNotSent } }", token=tokens.national_admin))[
        "syncStatus"
    ]
    never = {r["source"]: r["statusesNotSent"] for r in rows}
    expected = [
        s.value for s in Status if s is not Status.SUBMITTED and not TOPOLOGY.takes(PRABUMULIH, "status", s.value)
    ]
    assert never[PRABUMULIH] == expected and "TUNDA" in expected and "DIDISPOSISIKAN" not in expected
    assert never["lapor"] == []


async def test_a_status_its_owner_cannot_express_is_refused_and_the_index_stays(
    federated: Federated, unmapped: httpx.AsyncClient, tokens: Tokens
) -> None:
    cid = await submitted_at_prabumulih(federated, tokens)  # created through the usual mapping
    data_of(await gql_on(unmapped, VERIFY, {"id": cid}, prabumulih_admin(tokens)))  # no unit: sent
    queued = await OutboxRow.filter(complaint_id=cid).count()
    body = await gql_on(
        unmapped, DISPOSE, {"id": cid, "key": "dispose-unmapped"}, prabumulih_admin(tokens)
    )  # to 16.74-pupr
    error = body["errors"][0]
    assert error["extensions"]["code"] == "SYSTEM_OF_RECORD_REFUSED", body
    assert "[maps.opd_uji]" in error["message"] and PRABUMULIH in error["message"]
    # Neither side moved: the index does not run ahead of the system of record.
    assert (await ComplaintRow.get(id=cid)).status is Status.TERVERIFIKASI
    assert report_at_prabumulih(federated, cid)["bupatiStatus"] != "PROSES"  # never sent
    assert await OutboxRow.filter(complaint_id=cid).count() == queued
    await federated.engine.drain()
    assert report_at_prabumulih(federated, cid)["bupatiStatus"] != "PROSES"
