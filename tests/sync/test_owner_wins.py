"""The system of record wins for its own complaints: a status it changes itself (a reopen, a
re-disposition) is taken into the index whatever the lifecycle's direction, goes on to
LAPOR!, and is never written back to it. Served over real HTTP by the demo's simulators:
the WA bot (16.05) owns the complaints it holds; LAPOR! is the national system."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from connectors.config import DEMO_CONFIG, load_config
from connectors.sandbox.lapor_national import DEFAULT_API_KEY
from gateway.store.models import ComplaintRow, ComplaintSourceRow, OutboxRow, StatusEventRow
from gateway.sync.engine import SyncEngine
from gateway.sync.reconcile import reconcile
from tests.sync.conftest import Province

CONFIG = load_config(DEMO_CONFIG)
WA = "16.05-musi-rawas"
WA_KEY = "sandbox-wa-bot-mongo-key"


async def _round(engine: SyncEngine, times: int = 2) -> None:
    for _ in range(times):
        await engine.pull_all()
        await engine.drain()


async def _set_at_wa(p: Province, source_id: str, status: str) -> None:
    """An operator of the regency's system changes the status there."""
    async with p.http.patch(
        f"{p.urls[WA]}/reports/{source_id}/tindakan", json={"status": status}, headers={"x-api-key": WA_KEY}
    ) as response:
        assert response.status == 200, await response.text()


def _at_wa(p: Province, source_id: str) -> str:
    report: dict[str, Any] = p.sims[WA].reports[source_id]  # type: ignore[attr-defined]
    return str(report["tindakan"]["status"])


def _at_lapor(p: Province, tracking: str) -> str:
    return str(p.sims["lapor"].laporan[tracking]["status"])  # type: ignore[attr-defined]


async def _a_wa_complaint(p: Province, status: str) -> tuple[str, str, str]:
    """A complaint the WA system owns, brought to `status` there and synced: (complaint id,
    its WA id, its LAPOR! tracking ID)."""
    await _round(p.engine, 1)
    link = await ComplaintSourceRow.filter(system=WA).order_by("source_id").first()
    assert link is not None
    await _set_at_wa(p, link.source_id, status)
    await _round(p.engine)
    national = await ComplaintSourceRow.get(complaint_id=link.complaint_id, system="lapor")
    return str(link.complaint_id), link.source_id, national.source_id  # type: ignore[attr-defined]


async def _status_writes_to(system: str, cid: str, after: int) -> list[str]:
    """The notes of status deliveries to `system` that set something, queued after entry `after`."""
    notes = await OutboxRow.filter(destination=system, complaint_id=cid, kind="status", id__gt=after).values_list(
        "state", "last_error"
    )
    return [f"{state}: {note}" for state, note in notes if state != "done" or (note or "").startswith("set ")]


async def test_a_reopen_in_the_system_of_record_is_taken_forwarded_and_never_set_back(province: Province) -> None:
    p = province
    cid, wa_id, tracking = await _a_wa_complaint(p, "Selesai Pengaduan")
    assert (await ComplaintRow.get(id=cid)).status.value == "SELESAI"
    assert _at_lapor(p, tracking) == "SELESAI"
    last = (await OutboxRow.all().order_by("-id").first()).id  # type: ignore[union-attr]

    await _set_at_wa(p, wa_id, "Proses OPD Terkait")  # reopened by the regency's operator
    await _round(p.engine, 3)

    assert _at_wa(p, wa_id) == "Proses OPD Terkait"  # not put back to "Selesai Pengaduan"
    assert (await ComplaintRow.get(id=cid)).status.value == "DIDISPOSISIKAN"
    assert _at_lapor(p, tracking) == "DIDISPOSISIKAN"  # forwarded as usual
    event = await StatusEventRow.filter(complaint_id=cid).order_by("-id").first()
    assert event is not None and event.status.value == "DIDISPOSISIKAN"
    assert event.note is not None and event.note.startswith(f"reopened in {WA} (from SELESAI")
    assert "not a step the gateway's lifecycle allows" in event.note
    assert await _status_writes_to(WA, cid, last) == []  # nothing queued back to the owner


async def test_a_re_disposition_in_the_system_of_record_is_not_undone(province: Province) -> None:
    p = province
    cid, wa_id, tracking = await _a_wa_complaint(p, "Selesai Penanganan")
    assert (await ComplaintRow.get(id=cid)).status.value == "DITINDAKLANJUTI"
    last = (await OutboxRow.all().order_by("-id").first()).id  # type: ignore[union-attr]

    await _set_at_wa(p, wa_id, "Proses OPD Terkait")  # disposed again, to an OPD
    await _round(p.engine, 3)

    assert _at_wa(p, wa_id) == "Proses OPD Terkait"
    assert (await ComplaintRow.get(id=cid)).status.value == "DIDISPOSISIKAN"
    assert _at_lapor(p, tracking) == "DIDISPOSISIKAN"
    event = await StatusEventRow.filter(complaint_id=cid).order_by("-id").first()
    assert event is not None and event.note == f"moved back in {WA} (from DITINDAKLANJUTI)"  # a step the lifecycle has
    assert await _status_writes_to(WA, cid, last) == []


async def test_every_change_of_a_back_and_forth_travels(province: Province) -> None:
    p = province
    cid, wa_id, tracking = await _a_wa_complaint(p, "Selesai Pengaduan")
    for word, status in [("Proses OPD Terkait", "DIDISPOSISIKAN"), ("Selesai Pengaduan", "SELESAI")] * 2:
        await _set_at_wa(p, wa_id, word)
        await _round(p.engine)
        assert (await ComplaintRow.get(id=cid)).status.value == status
        assert _at_lapor(p, tracking) == status, f"LAPOR! missed the change to {status}"
        assert _at_wa(p, wa_id) == word
    sent_to_lapor = await OutboxRow.filter(destination="lapor", complaint_id=cid, kind="status").values_list(
        "last_error", flat=True
    )
    assert sum(1 for n in sent_to_lapor if (n or "").startswith("set ")) >= 4


async def test_a_system_that_is_not_the_owner_is_brought_back_in_line_each_time(province: Province) -> None:
    # LAPOR! does not own a WA complaint: when it shows an older status, the index's (the
    # owner's) is sent to it, and again the next time, not blocked by the first delivery.
    p = province
    cid, _, tracking = await _a_wa_complaint(p, "Selesai Pengaduan")
    for _ in range(2):
        async with p.http.put(
            f"{p.urls['lapor']}/api/v3/laporan/{tracking}/status",
            json={"status": "DITINDAKLANJUTI"},
            headers={"X-Api-Key": DEFAULT_API_KEY},
        ) as response:
            assert response.status == 200
        await _round(p.engine)
        assert _at_lapor(p, tracking) == "SELESAI"
        assert (await ComplaintRow.get(id=cid)).status.value == "SELESAI"


async def test_reconcile_counts_a_reopen_in_the_owner_as_the_index_behind(province: Province) -> None:
    p = province
    cid, wa_id, _ = await _a_wa_complaint(p, "Selesai Pengaduan")
    await _set_at_wa(p, wa_id, "Proses OPD Terkait")
    report = await reconcile(p.engine, WA, now=datetime.now(UTC), repair=False)
    assert wa_id in report.index_behind and wa_id not in report.source_behind, report.render()
    await reconcile(p.engine, WA, now=datetime.now(UTC), repair=True)
    assert (await ComplaintRow.get(id=cid)).status.value == "DIDISPOSISIKAN"
    assert not await OutboxRow.filter(destination=WA, complaint_id=cid, kind="status", state="pending").exists()


async def test_a_queued_status_does_not_overwrite_what_the_owner_changed_meanwhile(province: Province) -> None:
    # LAPOR! closes a WA complaint; before the worker delivers that to WA, the regency's
    # operator disposes it again there. The delivery must not undo the operator's change.
    p = province
    cid, wa_id, tracking = await _a_wa_complaint(p, "Selesai Penanganan")
    async with p.http.put(
        f"{p.urls['lapor']}/api/v3/laporan/{tracking}/status",
        json={"status": "SELESAI"},
        headers={"X-Api-Key": DEFAULT_API_KEY},
    ) as response:
        assert response.status == 200
    await p.engine.pull_all()
    assert (await ComplaintRow.get(id=cid)).status.value == "SELESAI"
    assert await OutboxRow.filter(destination=WA, complaint_id=cid, kind="status", state="pending").exists()
    await _set_at_wa(p, wa_id, "Proses OPD Terkait")
    await p.engine.drain()
    assert _at_wa(p, wa_id) == "Proses OPD Terkait"
    note = await OutboxRow.filter(destination=WA, complaint_id=cid, kind="status").order_by("-id").first()
    assert note is not None and "the system of record, changed it to DIDISPOSISIKAN itself" in (note.last_error or "")
    await _round(p.engine)
    assert (await ComplaintRow.get(id=cid)).status.value == "DIDISPOSISIKAN"
    assert _at_lapor(p, tracking) == "DIDISPOSISIKAN"
    assert _at_wa(p, wa_id) == "Proses OPD Terkait"
