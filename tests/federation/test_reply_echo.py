"""A reporter's reply (tanggapan pelapor) is one reply everywhere: in the index, in LAPOR!
and in the regency's system, however often each is read back; never an agency's answer.
Follow-ups reach LAPOR! with their own time, and a create carries its channel (kanal)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from auth.roles import Role
from connectors.protocol import FollowUp
from connectors.registry import NATIONAL_NAME
from gateway.store.models import ComplaintSourceRow, FollowUpRow, OutboxRow, ReporterReplyRow
from tests.conftest import Tokens
from tests.federation.conftest import Federated
from tests.federation.scenarios import (
    HOLD,
    IN_PRABUMULIH,
    PRABUMULIH,
    REPLY,
    SUBMIT,
    TEXT,
    data_of,
    prabumulih_admin,
    report_at_prabumulih,
    submitted_at_prabumulih,
)


async def _sync_both_ways(federated: Federated) -> None:
    """Deliver, read every system back, twice: an echo shows on the second read at the latest."""
    for _ in range(2):
        await federated.engine.drain()
        await federated.engine.pull(NATIONAL_NAME)
        await federated.engine.pull(PRABUMULIH)
    await federated.engine.drain()


def _laporan(federated: Federated, cid: str) -> dict[str, Any]:
    found = [r for r in federated.sims[NATIONAL_NAME].laporan.values() if r.get("external_ref") == cid]  # type: ignore[attr-defined]
    assert len(found) == 1, [r["tracking_id"] for r in found]
    return found[0]


async def _one_reply_everywhere(federated: Federated, cid: str, text: str) -> None:
    assert await ReporterReplyRow.filter(complaint_id=cid).values_list("content", flat=True) == [text]
    credited = await FollowUpRow.filter(complaint_id=cid).values_list("agency_id", "content")
    assert [c for c in credited if c[1] == text] == [], "the reply was credited to an agency"
    there = [t for t in _laporan(federated, cid)["tindak_lanjut"] if t["content"] == text]
    assert [(t["author_type"], t["institution_id"]) for t in there] == [("PELAPOR", None)]
    comments = [c for c in report_at_prabumulih(federated, cid)["comments"] if c["comment"] == text]
    assert [c["role"] for c in comments] == ["PELAPOR"]
    assert await OutboxRow.filter(complaint_id=cid, state="dead").count() == 0


async def test_a_reply_made_in_the_gateway_is_one_reply_in_the_index_lapor_and_the_regency(
    federated: Federated, tokens: Tokens
) -> None:
    cid = await submitted_at_prabumulih(federated, tokens)
    await federated.engine.drain()  # the national copy is created
    assert await ComplaintSourceRow.filter(complaint_id=cid, system=NATIONAL_NAME).exists()
    data_of(await federated.gql(HOLD, {"id": cid}, token=prabumulih_admin(tokens)))
    done = data_of(await federated.gql(REPLY, {"id": cid, "text": TEXT}, token=tokens.citizen))["replyToComplaint"]
    assert done["delivery"]["state"] == "APPLIED", done
    await _sync_both_ways(federated)
    await _one_reply_everywhere(federated, cid, TEXT)


async def test_a_reply_made_in_the_regency_reaches_lapor_once_as_the_reporters(
    federated: Federated, tokens: Tokens
) -> None:
    cid = await submitted_at_prabumulih(federated, tokens)
    await federated.engine.drain()
    report = report_at_prabumulih(federated, cid)
    text = "Lampunya masih padam sampai malam ini, mohon segera diperbaiki."
    url = f"{federated.urls[PRABUMULIH]}/api/reports/{report['id']}/comments"
    token = federated.sims[PRABUMULIH].token  # type: ignore[attr-defined]
    async with federated.http.post(
        url, json={"comment": text, "role": "PELAPOR"}, headers={"Authorization": f"Bearer {token}"}
    ) as answer:
        assert answer.status == 201, await answer.text()
    await _sync_both_ways(federated)
    await _one_reply_everywhere(federated, cid, text)


async def test_a_reply_read_back_without_its_author_is_not_an_agency_answer(
    federated: Federated, tokens: Tokens
) -> None:
    """A system that drops who wrote a tindak lanjut (here LAPOR! answering it as an
    agency's): the reporter's words it echoes are the reply the index has, not a new answer."""
    cid = await submitted_at_prabumulih(federated, tokens)
    await federated.engine.drain()
    data_of(await federated.gql(HOLD, {"id": cid}, token=prabumulih_admin(tokens)))
    data_of(await federated.gql(REPLY, {"id": cid, "text": TEXT}, token=tokens.citizen))
    await federated.engine.drain()
    for entry in _laporan(federated, cid)["tindak_lanjut"]:
        entry["author_type"] = "INSTANSI"
    await federated.engine.pull(NATIONAL_NAME, full=True)
    await federated.engine.drain()
    assert await FollowUpRow.filter(complaint_id=cid, content=TEXT).count() == 0
    assert await ReporterReplyRow.filter(complaint_id=cid).count() == 1
    assert len([c for c in report_at_prabumulih(federated, cid)["comments"] if c["comment"] == TEXT]) == 1


async def test_a_follow_up_reaches_lapor_with_its_own_time(federated: Federated, tokens: Tokens) -> None:
    cid = await submitted_at_prabumulih(federated, tokens)
    await federated.engine.drain()
    tracking = _laporan(federated, cid)["tracking_id"]
    written = datetime(2026, 11, 13, 3, 4, 5, tzinfo=UTC)
    await federated.connectors[NATIONAL_NAME].add_follow_up(
        tracking,
        FollowUp(f"{cid}:jawaban", "Lampu sudah diganti oleh Dinas PUPR.", written, author_agency="16.74-pupr"),
    )
    entry = _laporan(federated, cid)["tindak_lanjut"][-1]
    assert (entry["created_at"], entry["author_type"]) == ("2026-11-13T03:04:05.000Z", "INSTANSI")


async def test_a_create_carries_its_channel_where_the_system_stores_one(federated: Federated, tokens: Tokens) -> None:
    cid = await submitted_at_prabumulih(federated, tokens)  # submitted from the mobile app
    assert report_at_prabumulih(federated, cid)["channel"] == "android"


async def test_a_system_that_cannot_mark_a_reply_is_sent_none_and_lapor_gets_it_once(
    federated: Federated, tokens: Tokens
) -> None:
    """The WhatsApp bot's follow-up body has no key for who wrote it: a reply posted there
    would stand as an OPD's conclusion. It is kept from the bot, and still reaches LAPOR!."""
    wa = "16.05-musi-rawas"
    complaint = {
        **IN_PRABUMULIH,
        "location": {"kodeWilayah": "16.05.01", "address": "Jl. Lintas"},
        "suggestedAgencyId": "pemkab-16.05",
        "isAnonymous": False,
    }
    made = data_of(await federated.gql(SUBMIT, {"input": complaint}, token=tokens.citizen))["submitComplaint"]
    assert made["delivery"]["system"] == wa, made
    cid = str(made["complaint"]["id"])
    await federated.engine.drain()
    admin = tokens.make(Role.AGENCY_ADMIN, subject="admin-mura", agency="pemkab-16.05")
    data_of(await federated.gql(HOLD, {"id": cid}, token=admin))
    done = data_of(await federated.gql(REPLY, {"id": cid, "text": TEXT}, token=tokens.citizen))["replyToComplaint"]
    assert done["delivery"]["state"] == "LOCAL" and "reporter's" in done["delivery"]["reason"], done
    await federated.engine.drain()
    await federated.engine.pull(NATIONAL_NAME)
    await federated.engine.pull(wa)
    await federated.engine.drain()
    assert not [e for e in federated.sims[wa].received.entries if TEXT in (e.body or "")]
    there = [t for t in _laporan(federated, cid)["tindak_lanjut"] if t["content"] == TEXT]
    assert [t["author_type"] for t in there] == ["PELAPOR"]
    assert await FollowUpRow.filter(complaint_id=cid, content=TEXT).count() == 0
    assert await OutboxRow.filter(complaint_id=cid, state="dead").count() == 0


async def test_a_follow_up_reaches_a_legacy_table_with_its_own_day(federated: Federated) -> None:
    """The legacy tanggapan table stores a date: a late-synced answer keeps its own day."""
    legacy = "16.09-ogan-komering-ulu-selatan"
    sim = federated.sims[legacy]
    pengaduan = next(iter(sim.pengaduan))  # type: ignore[attr-defined]
    written = datetime(2026, 11, 13, 20, 0, tzinfo=UTC)  # 14 November in WIB
    await federated.connectors[legacy].add_follow_up(
        str(pengaduan), FollowUp("uji:jawaban", "Sudah ditangani oleh Dinas PUPR.", written)
    )
    row = max(sim.tanggapan.values(), key=lambda t: t.id_tanggapan)  # type: ignore[attr-defined]
    assert (row.tanggapan, row.tgl_tanggapan.isoformat()) == ("Sudah ditangani oleh Dinas PUPR.", "2026-11-14")
