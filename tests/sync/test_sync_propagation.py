"""The sync engine against the demo province's simulators over real HTTP: complaints,
statuses and follow-ups flow both ways, once, and repeating a round changes nothing."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from connectors.sandbox.lapor_national import DEFAULT_API_KEY
from gateway.store.models import ComplaintRow, ComplaintSourceRow, FollowUpRow, OutboxRow
from gateway.sync.topology import Topology
from tests.factories import laporan_at_lapor
from tests.sync.conftest import CONFIG, LEGACY, REST, WA, Province, sync_round


async def test_regency_complaints_reach_the_national_system_once(province: Province) -> None:
    engine, sims = province.engine, province.sims
    await sync_round(engine)
    national = sims["lapor"]
    by_ref = [r["external_ref"] for r in national.laporan.values() if r.get("external_ref")]  # type: ignore[attr-defined]
    assert len(by_ref) == len(set(by_ref)) > 0
    listed = await ComplaintSourceRow.filter(system__in=[REST, WA, LEGACY]).count()
    assert listed == 36  # 12 seeded in each of the three readable systems
    regency_made = set(
        str(cid)
        for cid in await ComplaintSourceRow.filter(system__in=list(Topology.of(CONFIG).regencies.values())).values_list(
            "complaint_id", flat=True
        )
    )
    assert regency_made <= set(by_ref)  # every regency complaint is in LAPOR!
    complaints = await ComplaintRow.all().count()
    # A second round (the national system now lists them too) links, creates nothing.
    await sync_round(engine)
    assert await ComplaintRow.all().count() == complaints
    assert await OutboxRow.filter(state="pending").count() == 0
    assert await OutboxRow.filter(state="dead").count() == 0
    linked = await ComplaintSourceRow.filter(system="lapor").values_list("complaint_id", flat=True)
    assert len(linked) == len(set(linked))


async def test_a_national_complaint_routed_to_a_connected_regency_arrives_there(province: Province) -> None:
    engine, sims, urls = province.engine, province.sims, province.urls
    await sync_round(engine)
    tracking_id = await laporan_at_lapor(
        province.http,
        urls["lapor"],
        title="Lampu jalan padam",
        content="Lampu PJU di Simpang padam.",
        location_id="16.05.01",
        institution_id="pemkab-16.05",
    )
    await sync_round(engine)
    link = await ComplaintSourceRow.get(system="lapor", source_id=tracking_id)
    wa = sims[WA]
    arrived = [r for r in wa.reports.values() if r["sessionId"] == str(link.complaint_id)]  # type: ignore[attr-defined]
    assert len(arrived) == 1
    assert await ComplaintSourceRow.filter(complaint_id=link.complaint_id, system=WA).count() == 1
    # The regency handles it: its status reaches the national system.
    async with province.http.patch(
        f"{urls[WA]}/reports/{arrived[0]['_id']}/tindakan",
        json={"status": "Selesai Pengaduan"},
        headers={"x-api-key": "sandbox-wa-bot-mongo-key"},
    ):
        pass
    await sync_round(engine)
    assert sims["lapor"].laporan[tracking_id]["status"] == "SELESAI"  # type: ignore[attr-defined]
    assert (await ComplaintRow.get(id=link.complaint_id)).status.value == "SELESAI"


async def test_follow_ups_flow_both_ways_once(province: Province) -> None:
    engine, sims, urls = province.engine, province.sims, province.urls
    await sync_round(engine)
    rest_link = await ComplaintSourceRow.filter(system=REST).first()
    assert rest_link is not None
    national = await ComplaintSourceRow.get(complaint_id=rest_link.complaint_id, system="lapor")
    async with province.http.post(
        f"{urls['lapor']}/api/v3/laporan/{national.source_id}/tindak-lanjut",
        json={"content": "Sudah ditangani oleh Dinas PU."},
        headers={"X-Api-Key": DEFAULT_API_KEY},
    ):
        pass
    for _ in range(2):
        await sync_round(engine)
    report = sims[REST].reports[rest_link.source_id]  # type: ignore[attr-defined]
    assert [c["comment"] for c in report["comments"]].count("Sudah ditangani oleh Dinas PU.") == 1
    assert (
        await FollowUpRow.filter(complaint_id=rest_link.complaint_id, content="Sudah ditangani oleh Dinas PU.").count()
        == 1
    )
    # The regency answered through its comment: DITINDAKLANJUTI everywhere, not back to DIDISPOSISIKAN.
    assert sims["lapor"].laporan[national.source_id]["status"] in ("DITINDAKLANJUTI", "SELESAI", "ARSIP")  # type: ignore[attr-defined]


async def test_repeated_rounds_change_nothing(province: Province) -> None:
    engine = province.engine
    await sync_round(engine)
    await sync_round(engine)
    before = (await ComplaintRow.all().count(), await OutboxRow.all().count(), await FollowUpRow.all().count())
    await sync_round(engine)
    after = (await ComplaintRow.all().count(), await OutboxRow.all().count(), await FollowUpRow.all().count())
    assert before == after
    assert datetime.now(UTC)  # the simulators' clocks move on; nothing else does


async def test_a_move_back_made_in_the_gateway_is_not_undone_by_a_sync(province: Province) -> None:
    """Handed over (DILIMPAHKAN) and then verified by the receiver (TERVERIFIKASI, a step
    back): LAPOR! gets the new status, and its stale copy never reverts the index."""
    from auth.policy import access_for
    from auth.principal import Principal
    from auth.roles import SCOPE_ALL_COMPLAINTS, Role
    from gateway.domain.lifecycle import Lifecycle
    from schema.lifecycle import Action, ActionRequest

    engine, sims = province.engine, province.sims
    await sync_round(engine)
    link = await ComplaintSourceRow.filter(system=WA).first()
    assert link is not None
    cid = str(link.complaint_id)  # type: ignore[attr-defined]
    row = await ComplaintRow.get(id=cid)
    actor = Principal(
        subject="admin-sync",
        roles=frozenset({Role.CONNECTOR_SERVICE}),
        agency_id="pemkab-16.05",
        scopes=frozenset({SCOPE_ALL_COMPLAINTS}),
    )
    lifecycle = Lifecycle(engine.policy, topology=engine.topology)

    async def act(action: Action, **kwargs: object) -> str:
        done = await lifecycle.apply(
            cid,
            ActionRequest(action, note="alasan yang jelas", **kwargs),
            principal=actor,  # type: ignore[arg-type]
            access=access_for(actor),
            now=datetime.now(UTC),
            request_id="t",
        )
        await sync_round(engine)
        await sync_round(engine)
        return done.status.value

    if row.status.value in ("BELUM_TERVERIFIKASI", "SUBMITTED"):
        assert await act(Action.NOT_OUR_AUTHORITY, to_agency_id="pemkab-16.01") == "DILIMPAHKAN"
        national = await ComplaintSourceRow.get(complaint_id=cid, system="lapor")
        assert sims["lapor"].laporan[national.source_id]["status"] == "DILIMPAHKAN"  # type: ignore[attr-defined]
        assert await act(Action.VERIFY) == "TERVERIFIKASI"
        assert sims["lapor"].laporan[national.source_id]["status"] == "TERVERIFIKASI"  # type: ignore[attr-defined]
        assert (await ComplaintRow.get(id=cid)).status.value == "TERVERIFIKASI"
    else:
        pytest.skip("the first Musi Rawas record is not new in this seed")


async def test_a_regency_cannot_claim_a_complaint_routed_elsewhere(province: Province) -> None:
    """A record that names another kab/kota's complaint (its LAPOR! tracking ID) is not
    linked to it: it cannot reach that complaint's follow-ups or move its status."""
    engine, sims = province.engine, province.sims
    await sync_round(engine)
    rest_link = await ComplaintSourceRow.filter(system=REST).first()
    assert rest_link is not None
    national = await ComplaintSourceRow.get(complaint_id=rest_link.complaint_id, system="lapor")  # type: ignore[attr-defined]
    wa = sims[WA]
    claim = next(iter(wa.reports.values()))  # type: ignore[attr-defined]
    now_ms = int(datetime.now(UTC).timestamp() * 1000)
    forged = dict(
        claim,
        _id="6b0b65c9f9e2a38fa3f1ee77",
        sessionId="wa-forged",
        updatedAt=now_ms,
        tindakan=dict(claim["tindakan"], trackingId=int(national.source_id), status="Selesai Pengaduan"),
    )
    wa.reports[forged["_id"]] = forged  # type: ignore[attr-defined]
    await sync_round(engine)
    link = await ComplaintSourceRow.get(system=WA, source_id=forged["_id"])
    assert str(link.complaint_id) != str(rest_link.complaint_id)  # type: ignore[attr-defined]
    assert not await ComplaintSourceRow.filter(complaint_id=rest_link.complaint_id, system=WA).exists()  # type: ignore[attr-defined]
