"""Nothing twice, and every answer true, when a pull reads a write back before the index has it.

A mutation writes to the complaint's system of record first and records the change in the
index after. Here the system's answer is held (a loopback gate in front of the real
simulator) while a pull of that system runs in another task: the pull reads the write back
first. The follow-up is then stored once (the legacy CSV system echoes it with a date-only
time), and the mutation answers what happened: applied, not CHANGED_MEANWHILE.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, replace
from typing import Any

import httpx2 as httpx
import pytest
from starlette.applications import Starlette

from auth.roles import Role
from connectors.config import DEMO_CONFIG
from connectors.loader import build_source
from gateway.domain.sources import ConfiguredSources
from gateway.edge.state import AppState, with_app_state
from gateway.store.models import ComplaintRow, ComplaintSourceRow, FollowUpRow, OutboxRow, StatusEventRow
from gateway.sync.topology import Topology
from schema.canonical import Status
from tests.conftest import Tokens
from tests.federation.conftest import CONFIG, DEADLINES, LEGACY, WA, Federated
from tests.federation.gate import Gate, gate
from tests.federation.scenarios import DISPOSE_MURA, FOLLOW_UP, IN_MURA, SUBMIT, VERIFY, data_of

# Generous: the held answer must not run into the write deadline while the pull runs.
SLOW_OWNER = replace(DEADLINES, write_deadline=10.0)
IN_OKU_SELATAN = {
    **IN_MURA,
    "location": {"kodeWilayah": "16.09.01", "address": "Jl. Muaradua"},
    "suggestedAgencyId": "pemkab-16.09",
}
DISPOSE_OKUS = """mutation($id: ID!) {
  disposeComplaint(id: $id, unitIds: ["16.09-pupr"]) { status delivery { state } }
}"""


@dataclass
class Gated:
    """A gateway whose connector to one system goes through a gate."""

    client: httpx.AsyncClient
    gate: Gate

    async def gql(self, query: str, variables: dict[str, Any], *, token: str) -> dict[str, Any]:
        response = await self.client.post(
            "/graphql", json={"query": query, "variables": variables}, headers={"authorization": f"Bearer {token}"}
        )
        assert response.status_code == 200, response.text
        return response.json()  # type: ignore[no-any-return]


@pytest.fixture
def gated(federated: Federated, make_app: Callable[..., Starlette]) -> Callable[[str], Any]:
    @contextlib.asynccontextmanager
    async def through(system: str) -> AsyncIterator[Gated]:
        live = federated.connectors[system]
        async with gate(federated.urls[system]) as g:
            connector = build_source(live.spec, live.client, g.url, secret=live.secret)  # type: ignore[attr-defined]
            app = make_app(sources_file=DEMO_CONFIG, federation=SLOW_OWNER)
            sources = ConfiguredSources(CONFIG, {**federated.connectors, system: connector}, federated.urls)
            state = AppState(sources=sources, topology=Topology.of(CONFIG))
            transport = httpx.ASGITransport(app=with_app_state(app, state))
            async with httpx.AsyncClient(transport=transport, base_url="http://gateway.test") as client:
                yield Gated(client, g)

    return through


async def _disposed(federated: Federated, tokens: Tokens, where: dict[str, Any], admin: str, dispose: str) -> str:
    made = data_of(await federated.gql(SUBMIT, {"input": where}, token=tokens.citizen))["submitComplaint"]
    assert made["delivery"]["state"] == "APPLIED", made
    cid = str(made["complaint"]["id"])
    data_of(await federated.gql(VERIFY, {"id": cid}, token=admin))
    data_of(await federated.gql(dispose, {"id": cid}, token=admin))
    await federated.engine.drain()
    return cid


async def _follow_up_while_pulled(
    federated: Federated, g: Gated, system: str, held: tuple[str, str, bytes], **post: Any
) -> dict[str, Any]:
    """Post the follow-up; while the system's answer to its status write (`held`: method,
    path, body) is held, pull that system: it has the follow-up, the index not yet."""
    g.gate.hold(*held)
    mutation = asyncio.create_task(g.gql(FOLLOW_UP, post["variables"], token=post["token"]))
    await asyncio.wait_for(g.gate.arrived.wait(), 10)  # the system has it; the index not yet
    await federated.engine.pull(system)
    g.gate.release()
    return await asyncio.wait_for(mutation, 15)


async def test_a_follow_up_read_back_date_only_before_the_index_has_it_is_stored_once(
    federated: Federated, tokens: Tokens, gated: Callable[[str], Any]
) -> None:
    admin = tokens.make(Role.AGENCY_ADMIN, subject="admin-okus", agency="pemkab-16.09")
    cid = await _disposed(federated, tokens, IN_OKU_SELATAN, admin, DISPOSE_OKUS)
    officer = tokens.make(Role.AGENCY_OFFICER, subject="officer-okus", agency="16.09-pupr")
    text = "Petugas sudah meninjau lokasi dan menjadwalkan perbaikan."
    async with gated(LEGACY) as g:
        body = await _follow_up_while_pulled(
            federated,
            g,
            LEGACY,
            ("POST", r"/import/status$", b""),
            variables={"id": cid, "text": text, "key": "fu-okus"},
            token=officer,
        )
    done = data_of(body)["postFollowUp"]
    assert done["delivery"]["state"] == "APPLIED", done
    stored = await FollowUpRow.filter(complaint_id=cid, content=text).values_list("agency_id", "origin_system")
    assert len(stored) == 1, stored  # was two: the pull's copy, then the mutation's
    assert stored == [("16.09-pupr", "penghubung")]  # once, the mutation's own (its author kept)
    # Read back again and delivered everywhere: still one, in the index and in the legacy app.
    for _ in range(2):
        await federated.engine.pull(LEGACY)
        await federated.engine.drain()
    assert await FollowUpRow.filter(complaint_id=cid, content=text).count() == 1
    link = await ComplaintSourceRow.get(complaint_id=cid, system=LEGACY)
    answers = [t for t in federated.sims[LEGACY].tanggapan.values() if str(t.id_pengaduan) == link.source_id]  # type: ignore[attr-defined]
    assert [t.tanggapan for t in answers].count(text) == 1
    assert await OutboxRow.filter(complaint_id=cid, state="dead").count() == 0


async def test_a_follow_up_whose_own_status_is_read_back_first_answers_applied(
    federated: Federated, tokens: Tokens, gated: Callable[[str], Any]
) -> None:
    # The WhatsApp bot's status for an answered complaint differs from a disposed one's: a
    # pull in the gap brings the follow-up's own status in before the mutation records it.
    admin = tokens.make(Role.AGENCY_ADMIN, subject="admin-mura", agency="pemkab-16.05")
    cid = await _disposed(federated, tokens, IN_MURA, admin, DISPOSE_MURA)
    officer = tokens.make(Role.AGENCY_OFFICER, subject="officer-mura", agency="16.05-pupr")
    text = "Saluran sudah dibersihkan oleh petugas kebersihan."
    async with gated(WA) as g:
        body = await _follow_up_while_pulled(
            federated,
            g,
            WA,
            ("PATCH", r"/tindakan$", b'"status"'),
            variables={"id": cid, "text": text, "key": "fu-mura"},
            token=officer,
        )
    assert "errors" not in body, body  # was CHANGED_MEANWHILE, though it was applied everywhere
    done = body["data"]["postFollowUp"]
    assert done["status"] == "DITINDAKLANJUTI" and done["delivery"]["state"] == "APPLIED", done
    assert (await ComplaintRow.get(id=cid)).status is Status.DITINDAKLANJUTI
    assert await StatusEventRow.filter(complaint_id=cid, status=Status.DITINDAKLANJUTI).count() == 1
    assert await FollowUpRow.filter(complaint_id=cid, content=text).values_list("origin_system", flat=True) == [
        "penghubung"
    ]
    await federated.engine.pull(WA)
    await federated.engine.drain()
    assert await FollowUpRow.filter(complaint_id=cid, content=text).count() == 1
    link = await ComplaintSourceRow.get(complaint_id=cid, system=WA)
    kept = [k["text"] for k in federated.sims[WA].reports[link.source_id]["tindakan"]["kesimpulan"]]  # type: ignore[attr-defined]
    assert kept.count(text) == 1
    assert await OutboxRow.filter(complaint_id=cid, state="dead").count() == 0


async def test_a_follow_up_its_owner_took_is_recorded_and_answered_though_the_owner_closed_it_meanwhile(
    federated: Federated, tokens: Tokens, gated: Callable[[str], Any]
) -> None:
    # The regency closes the complaint itself while the follow-up is on its way: the words
    # are published there and cannot be taken back, so they are the gateway's too, and the
    # answer says the status stayed as the system of record set it (no error).
    admin = tokens.make(Role.AGENCY_ADMIN, subject="admin-mura", agency="pemkab-16.05")
    cid = await _disposed(federated, tokens, IN_MURA, admin, DISPOSE_MURA)
    officer = tokens.make(Role.AGENCY_OFFICER, subject="officer-mura", agency="16.05-pupr")
    link = await ComplaintSourceRow.get(complaint_id=cid, system=WA)
    text = "Tim sudah memperbaiki pipa yang bocor di lokasi."
    variables = {"id": cid, "text": text, "key": "fu-closed"}
    async with gated(WA) as g:
        g.gate.hold("PATCH", r"/tindakan$", b'"status"')
        mutation = asyncio.create_task(g.gql(FOLLOW_UP, variables, token=officer))
        await asyncio.wait_for(g.gate.arrived.wait(), 10)
        closed = await federated.http.patch(
            f"{federated.urls[WA]}/reports/{link.source_id}/tindakan",
            json={"status": "Selesai Pengaduan"},
            headers={"x-api-key": federated.sims[WA].api_key},  # type: ignore[attr-defined]
        )
        assert closed.status == 200
        await federated.engine.pull(WA)
        g.gate.release()
        body = await asyncio.wait_for(mutation, 15)
        again = await g.gql(FOLLOW_UP, variables, token=officer)
    assert "errors" not in body, body  # was CHANGED_MEANWHILE, though the follow-up was published
    done = body["data"]["postFollowUp"]
    assert done["status"] == "SELESAI" and done["delivery"]["state"] == "APPLIED", done
    assert "stays SELESAI" in done["delivery"]["reason"], done
    assert again["data"]["postFollowUp"]["delivery"]["replayed"] is True, again
    assert await FollowUpRow.filter(complaint_id=cid, content=text).values_list("origin_system", flat=True) == [
        "penghubung"
    ]
    await federated.engine.drain()
    await federated.engine.pull(WA)
    await federated.engine.drain()
    assert (await ComplaintRow.get(id=cid)).status is Status.SELESAI
    report = federated.sims[WA].reports[link.source_id]  # type: ignore[attr-defined]
    assert report["tindakan"]["status"] == "Selesai Pengaduan"  # the owner's word stands
    assert [k["text"] for k in report["tindakan"]["kesimpulan"]].count(text) == 1
    assert await FollowUpRow.filter(complaint_id=cid, content=text).count() == 1
    assert await OutboxRow.filter(complaint_id=cid, state="dead").count() == 0


ARCHIVE = """mutation($id: ID!, $key: String) {
  archiveComplaint(id: $id, reason: "Bukan kewenangan kabupaten.", idempotencyKey: $key) { status delivery { state system reason } }
}"""
DISPOSE_MURA_KEYED = """mutation($id: ID!, $key: String) {
  disposeComplaint(id: $id, unitIds: ["16.05-pupr"], note: "Mohon dicek hari ini.", idempotencyKey: $key) {
    status delivery { state system reason }
  }
}"""
DISPOSE_MURA_NOTED = """mutation($id: ID!, $note: String) {
  disposeComplaint(id: $id, unitIds: ["16.05-pupr"], note: $note) { status delivery { state } }
}"""
HOPS = "query($id: ID!) { complaint(id: $id) { dispositions { toAgencyId note } } }"
CLOSE = """mutation($id: ID!, $key: String) {
  closeComplaint(id: $id, idempotencyKey: $key) { status delivery { state system reason } }
}"""


@pytest.mark.parametrize(
    ("field", "mutation", "status"),
    [
        ("disposeComplaint", DISPOSE_MURA_KEYED, Status.DIDISPOSISIKAN),
        ("archiveComplaint", ARCHIVE, Status.ARSIP),
        ("closeComplaint", CLOSE, Status.SELESAI),
    ],
)
async def test_a_status_action_whose_result_is_read_back_first_answers_applied(
    federated: Federated, tokens: Tokens, gated: Callable[[str], Any], field: str, mutation: str, status: Status
) -> None:
    admin = tokens.make(Role.AGENCY_ADMIN, subject="admin-mura", agency="pemkab-16.05")
    made = data_of(await federated.gql(SUBMIT, {"input": IN_MURA}, token=tokens.citizen))["submitComplaint"]
    cid = str(made["complaint"]["id"])
    data_of(await federated.gql(VERIFY, {"id": cid}, token=admin))
    if status is Status.SELESAI:
        data_of(await federated.gql(DISPOSE_MURA, {"id": cid}, token=admin))
        officer = tokens.make(Role.AGENCY_OFFICER, subject="officer-mura", agency="16.05-pupr")
        data_of(await federated.gql(FOLLOW_UP, {"id": cid, "text": "Pipa sudah diganti oleh petugas."}, token=officer))
    await federated.engine.drain()
    before = await StatusEventRow.filter(complaint_id=cid).count()
    hops = await federated.gql(
        "query($id: ID!) { complaint(id: $id) { dispositions { toAgencyId } } }", {"id": cid}, token=admin
    )
    async with gated(WA) as g:
        g.gate.hold("PATCH", r"/tindakan$", b'"status"')
        task = asyncio.create_task(g.gql(mutation, {"id": cid, "key": f"{field}-1"}, token=admin))
        await asyncio.wait_for(g.gate.arrived.wait(), 10)  # the bot has the new status
        await federated.engine.pull(WA)  # and the index reads it back first
        assert (await ComplaintRow.get(id=cid)).status is status
        g.gate.release()
        body = await asyncio.wait_for(task, 15)
    assert "errors" not in body, body  # was CHANGED_MEANWHILE, though applied everywhere
    done = body["data"][field]
    assert done["status"] == status.value and done["delivery"]["state"] == "APPLIED", done
    assert await StatusEventRow.filter(complaint_id=cid).count() == before + 1  # the pull's; not a second
    after = await federated.gql(HOPS, {"id": cid}, token=admin)
    added = len(after["data"]["complaint"]["dispositions"]) - len(hops["data"]["complaint"]["dispositions"])
    assert added == (1 if status is Status.DIDISPOSISIKAN else 0)
    if status is Status.DIDISPOSISIKAN:
        # The one hop is the pull's copy, with the note its system could not carry.
        assert after["data"]["complaint"]["dispositions"][-1]["note"] == "Mohon dicek hari ini."
    await federated.engine.drain()
    assert await OutboxRow.filter(complaint_id=cid, state="dead").count() == 0


async def test_the_same_words_twice_in_the_legacy_app_on_one_day_are_two_follow_ups_and_its_echo_is_one(
    federated: Federated, tokens: Tokens
) -> None:
    # Its export has date-only times: the gateway's own follow-up read back is recognised
    # (by its words, from the day it was written), and is then known by its id there; the
    # same words written again in the app that day, under another id, are a second one.
    admin = tokens.make(Role.AGENCY_ADMIN, subject="admin-okus", agency="pemkab-16.09")
    cid = await _disposed(federated, tokens, IN_OKU_SELATAN, admin, DISPOSE_OKUS)
    officer = tokens.make(Role.AGENCY_OFFICER, subject="officer-okus", agency="16.09-pupr")
    text = "Laporan sedang ditindaklanjuti oleh dinas terkait."
    data_of(await federated.gql(FOLLOW_UP, {"id": cid, "text": text}, token=officer))
    link = await ComplaintSourceRow.get(complaint_id=cid, system=LEGACY)
    sim = federated.sims[LEGACY]

    async def pulled() -> list[str | None]:
        for _ in range(2):  # read twice: a copy is recognised the same way every time
            await federated.engine.pull(LEGACY, full=True)
        return list(
            await FollowUpRow.filter(complaint_id=cid, content=text)
            .order_by("id")
            .values_list("origin_system", flat=True)
        )

    assert await pulled() == ["penghubung"]
    written = await federated.http.post(
        f"{federated.urls[LEGACY]}/import/tanggapan",
        params={"key": sim.key},  # type: ignore[attr-defined]
        data={"id_pengaduan": link.source_id, "tanggapan": text},
    )
    assert written.status == 200
    assert await pulled() == ["penghubung", LEGACY]
    await federated.engine.drain()
    assert await pulled() == ["penghubung", LEGACY]
    answers = [t for t in sim.tanggapan.values() if str(t.id_pengaduan) == link.source_id]  # type: ignore[attr-defined]
    assert [t.tanggapan for t in answers].count(text) == 2


async def test_a_second_disposition_to_the_same_opd_keeps_its_own_hop_and_note(
    federated: Federated, tokens: Tokens
) -> None:
    # An earlier hop to that OPD is another disposition, not this one read back: before, every
    # re-disposition to an OPD already in the trail was dropped, its note with it.
    admin = tokens.make(Role.AGENCY_ADMIN, subject="admin-mura", agency="pemkab-16.05")
    made = data_of(await federated.gql(SUBMIT, {"input": IN_MURA}, token=tokens.citizen))["submitComplaint"]
    cid = str(made["complaint"]["id"])
    data_of(await federated.gql(VERIFY, {"id": cid}, token=admin))
    for note in ("Disposisi pertama.", "Disposisi kedua: belum ada tindak lanjut."):
        data_of(await federated.gql(DISPOSE_MURA_NOTED, {"id": cid, "note": note}, token=admin))
        await federated.engine.drain()
        await federated.engine.pull(WA)
    hops = (await federated.gql(HOPS, {"id": cid}, token=admin))["data"]["complaint"]["dispositions"]
    assert [(h["toAgencyId"], h["note"]) for h in hops] == [
        ("16.05-pupr", "Disposisi pertama."),
        ("16.05-pupr", "Disposisi kedua: belum ada tindak lanjut."),
    ]
