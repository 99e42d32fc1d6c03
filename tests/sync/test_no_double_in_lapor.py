"""A complaint pulled from a regency that says it came from LAPOR! (it carries a LAPOR
tracking ID the index does not know yet) is never created in LAPOR! anew while LAPOR! has
it: it is linked to that record. Only when LAPOR! answers that it holds no such record is it
created there (once); when LAPOR! cannot be asked, its national create is a dead letter
saying so, for a person to decide."""

from __future__ import annotations

import copy
from datetime import UTC, datetime

from connectors.sandbox.wa_bot_mongo import epoch_ms
from gateway.store.models import ComplaintSourceRow, OutboxRow
from tests.factories import laporan_at_lapor
from tests.sync.conftest import WA, Province, sync_round


def _report_from_lapor(province: Province, tracking_id: str) -> str:
    """A new WA-bot report carrying a LAPOR! tracking ID (as its staff copy it in)."""
    wa = province.sims[WA]
    template = next(iter(wa.reports.values()))  # type: ignore[attr-defined]
    now = datetime.now(UTC)
    report = copy.deepcopy(template)
    report["_id"] = wa.object_id(now)  # type: ignore[attr-defined]
    report["sessionId"] = None
    report["message"] = "Jembatan kayu di desa kami lapuk dan berbahaya."
    report["tindakan"]["trackingId"] = int(tracking_id) if tracking_id.isdigit() else tracking_id
    report["createdAt"] = report["updatedAt"] = report["tindakan"]["updatedAt"] = epoch_ms(now)
    wa.reports[report["_id"]] = report  # type: ignore[attr-defined]
    return str(report["_id"])


async def test_a_regency_record_from_lapor_is_linked_there_not_created_again(province: Province) -> None:
    engine, lapor = province.engine, province.sims["lapor"]
    await sync_round(engine)
    tracking_id = await laporan_at_lapor(
        province.http,
        province.urls["lapor"],
        title="Jembatan lapuk",
        content="Jembatan kayu lapuk.",
        location_id="16.05.01",
        institution_id="pemkab-16.05",
    )
    before = len(lapor.laporan)  # type: ignore[attr-defined]
    source_id = _report_from_lapor(province, tracking_id)
    await engine.pull(WA)  # the regency first: the index does not know the tracking ID yet
    await engine.drain()
    assert len(lapor.laporan) == before  # type: ignore[attr-defined]  # no double in LAPOR!
    link = await ComplaintSourceRow.get(system=WA, source_id=source_id)
    national = await ComplaintSourceRow.get(complaint_id=link.complaint_id, system="lapor")  # type: ignore[attr-defined]
    assert national.source_id == tracking_id
    assert await OutboxRow.filter(complaint_id=link.complaint_id, state="dead").count() == 0  # type: ignore[attr-defined]


async def test_a_tracking_id_lapor_does_not_hold_is_created_there_once(province: Province) -> None:
    engine, lapor = province.engine, province.sims["lapor"]
    await sync_round(engine)
    before = len(lapor.laporan)  # type: ignore[attr-defined]
    source_id = _report_from_lapor(province, "4020119")
    await engine.pull(WA)
    await engine.drain()
    await sync_round(engine)
    assert len(lapor.laporan) == before + 1  # type: ignore[attr-defined]
    link = await ComplaintSourceRow.get(system=WA, source_id=source_id)
    national = await ComplaintSourceRow.get(complaint_id=link.complaint_id, system="lapor")  # type: ignore[attr-defined]
    assert national.source_id != "4020119"
    assert await OutboxRow.filter(complaint_id=link.complaint_id, state="dead").count() == 0  # type: ignore[attr-defined]
