"""The whole complaint travels from the demo's kab/kota systems into the index: category,
incident date, channel, the regency's own disposition to an OPD (which its officers then
see) and reporter replies; what a mapping or the registry cannot carry is reported and the
complaint is stored without it; writes the other way send category and incident date."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime

from auth.roles import Role
from connectors.records import Gap, SourceComplaint
from gateway.store.models import (
    ComplaintRow,
    ComplaintSourceRow,
    DispositionRow,
    FollowUpRow,
    OutboxRow,
    ReporterReplyRow,
    SyncCursorRow,
)
from gateway.sync import outbox
from gateway.sync.status import sync_status
from schema.canonical import Channel, DispositionKind, Status
from tests.conftest import GraphQL, Tokens
from tests.factories import laporan_at_lapor
from tests.sync.conftest import REGENCY_SOURCES, REST, TOPOLOGY, WA, Province


async def _regency_complaints() -> list[ComplaintRow]:
    ids = await ComplaintSourceRow.filter(system__in=REGENCY_SOURCES).values_list("complaint_id", flat=True)
    return await ComplaintRow.filter(id__in=ids)


async def _trail() -> list[tuple[str, str]]:
    return sorted((str(cid), to) for cid, to in await DispositionRow.all().values_list("complaint_id", "to_agency_id"))


async def test_at_least_95_percent_of_pulled_complaints_carry_category_and_incident_date(province: Province) -> None:
    await province.engine.pull_all()
    pulled = await _regency_complaints()
    with_category = sum(1 for c in pulled if c.category_id is not None)  # type: ignore[attr-defined]
    with_date = sum(1 for c in pulled if c.incident_date is not None)
    disposed = await DispositionRow.filter(complaint_id__in=[c.id for c in pulled]).count()
    print(
        f"pulled from the kab/kota simulators: {len(pulled)} complaints, {with_category} with a category, "
        f"{with_date} with an incident date, {disposed} OPD dispositions"
    )
    assert len(pulled) >= 100
    assert with_category >= 0.95 * len(pulled)
    assert with_date >= 0.95 * len(pulled)
    # Every seeded complaint past disposition went to one of its own regency's OPD.
    assert disposed >= len(pulled) // 2 - len(REGENCY_SOURCES)
    for cid, to in await DispositionRow.filter(complaint_id__in=[c.id for c in pulled]).values_list(
        "complaint_id", "to_agency_id"
    ):
        row = next(c for c in pulled if c.id == cid)
        assert to.startswith(f"{row.regency_code}-"), (to, row.regency_code)
    # The rest of the record travels too: the app's channel, and the reporter's replies
    # as replies, not as an agency's follow-up.
    rest = await ComplaintRow.filter(
        id__in=await ComplaintSourceRow.filter(system=REST).values_list("complaint_id", flat=True)
    )
    assert {c.channel for c in rest} == {Channel.WEB, Channel.MOBILE_APP}
    replies = await ReporterReplyRow.filter(complaint_id__in=[c.id for c in rest]).count()
    assert replies >= 1
    assert not await FollowUpRow.filter(content__startswith="Terima kasih, tetapi").exists()


async def test_a_second_pull_adds_no_disposition_or_reply_twice(province: Province) -> None:
    await province.engine.pull_all()
    trail, replies = await _trail(), await ReporterReplyRow.all().count()
    assert trail and replies  # there is something that could double
    # Every record read again as a new version (a full re-read), not skipped as unchanged.
    await ComplaintSourceRow.all().update(version="old")
    for source in REGENCY_SOURCES:
        await province.engine.pull(source, full=True)
    assert await _trail() == trail
    assert await ReporterReplyRow.all().count() == replies


async def test_a_disposition_made_later_in_the_regency_is_added_once(province: Province) -> None:
    await province.engine.pull(REST)
    sim = province.sims[REST]
    report = next(r for r in sim.reports.values() if r["opdId"] is None)  # type: ignore[attr-defined]
    async with province.http.post(
        f"{province.urls[REST]}/api/reports/{report['id']}/status",
        json={"status": "PROSES", "opdId": "opd_dinkes"},
        headers={"Authorization": "Bearer sandbox-rest-json-v1-token"},
    ) as response:
        assert response.status == 200
    await province.engine.pull(REST)
    await province.engine.pull(REST, full=True)
    link = await ComplaintSourceRow.get(system=REST, source_id=report["id"])
    hops = await DispositionRow.filter(complaint_id=link.complaint_id).values_list("to_agency_id", "kind")  # type: ignore[attr-defined]
    assert [(to, kind.value) for to, kind in hops] == [("16.01-dinkes", "DISPOSISI")]


async def test_a_disposition_the_gateway_sends_reads_back_as_the_same_disposition(province: Province) -> None:
    """The gateway sends a status change with the registry's unit (16.01-pupr); the regency
    app gets its own OPD id for it, and reading the record back gives the same disposition,
    once, with no gap note."""
    await province.engine.pull(REST)
    sim = province.sims[REST]
    report = next(
        r
        for r in sim.reports.values()
        if r["opdId"] is None and r["bupatiStatus"] == "PENDING"  # type: ignore[attr-defined]
    )
    link = await ComplaintSourceRow.get(system=REST, source_id=report["id"])
    cid = link.complaint_id  # type: ignore[attr-defined]
    # Disposed to the OPD by the gateway (its trail's latest hop is what a status change sends).
    await ComplaintRow.filter(id=cid).update(status=Status.DIDISPOSISIKAN)
    await DispositionRow.create(
        complaint_id=cid,
        kind=DispositionKind.DISPOSISI,
        from_agency_id="pemkab-16.01",
        to_agency_id="16.01-pupr",
        at=datetime.now(UTC),
    )
    await outbox.enqueue(REST, "status", str(cid), f"status:{cid}:DIDISPOSISIKAN", now=datetime.now(UTC))
    await province.engine.drain()
    delivered = await OutboxRow.get(destination=REST, complaint_id=cid, kind="status")
    assert delivered.state == outbox.DONE, delivered.last_error
    assert (report["bupatiStatus"], report["opdId"]) == ("PROSES", "opd_dinas-pupr")
    await province.engine.pull(REST)
    await province.engine.pull(REST, full=True)
    hops = await DispositionRow.filter(complaint_id=cid).values_list("to_agency_id", "kind")
    assert [(to, kind.value) for to, kind in hops] == [("16.01-pupr", "DISPOSISI")]
    cursor = await SyncCursorRow.get(source=REST)
    assert report["id"] not in (cursor.last_rejection or ""), cursor.last_rejection


async def test_a_unit_the_regency_app_has_no_opd_for_sends_the_status_without_one(province: Province) -> None:
    await province.engine.pull(REST)
    sim = province.sims[REST]
    report = next(
        r
        for r in sim.reports.values()
        if r["opdId"] is None and r["bupatiStatus"] == "PENDING"  # type: ignore[attr-defined]
    )
    link = await ComplaintSourceRow.get(system=REST, source_id=report["id"])
    cid = link.complaint_id  # type: ignore[attr-defined]
    # Routed to the regent's office itself: no OPD of the app, so opdId is left out.
    await ComplaintRow.filter(id=cid).update(status=Status.DIDISPOSISIKAN, routed_agency_id="pemkab-16.01")
    await outbox.enqueue(REST, "status", str(cid), f"status:{cid}:DIDISPOSISIKAN", now=datetime.now(UTC))
    await province.engine.drain()
    delivered = await OutboxRow.get(destination=REST, complaint_id=cid, kind="status")
    assert delivered.state == outbox.DONE, delivered.last_error
    assert (report["bupatiStatus"], report["opdId"]) == ("PROSES", None)


async def test_an_unmapped_category_code_is_reported_and_the_complaint_still_stored(province: Province) -> None:
    sim = province.sims[REST]
    report = next(iter(sim.reports.values()))  # type: ignore[attr-defined]
    report["category"] = "KODE_BARU"
    await province.engine.pull(REST)
    link = await ComplaintSourceRow.get(system=REST, source_id=report["id"])
    stored = await ComplaintRow.get(id=link.complaint_id)  # type: ignore[attr-defined]
    assert stored.category_id is None and stored.incident_date is not None  # type: ignore[attr-defined]
    cursor = await SyncCursorRow.get(source=REST)
    assert cursor.last_note is not None
    assert "category_id" in cursor.last_note and "KODE_BARU" in cursor.last_note
    assert "[maps.kategori]" in cursor.last_note
    assert cursor.records_rejected == 0 and cursor.last_rejection is None  # a note: the complaint is in the index
    shown = next(r for r in await sync_status(TOPOLOGY, now=datetime.now(UTC)) if r.source == REST)
    assert shown.last_note == cursor.last_note  # what syncStatus { lastNote } answers


async def test_a_category_or_opd_the_registry_does_not_know_is_reported(province: Province) -> None:
    now = datetime.now(UTC)
    record = SourceComplaint(
        source=REST,
        source_id="rep_x",
        version="1",
        title="Jalan rusak",
        content="Jalan rusak parah.",
        status=Status.DIDISPOSISIKAN,
        kode_wilayah="16.01",
        created_at=now,
        updated_at=now,
        category_id="tidak-ada.kategori",
        incident_date=date(2025, 5, 1),
        disposed_to="16.01-dinas-hantu",
    )
    notes: list[str] = []
    await province.engine.ingestor.apply(REST, record, now=now, notes=notes)
    assert len(notes) == 2
    assert "category_id: 'tidak-ada.kategori' names no category in the registry" in notes[0]
    assert "disposed_to: '16.01-dinas-hantu' names no agency in the registry" in notes[1]
    link = await ComplaintSourceRow.get(system=REST, source_id="rep_x")
    stored = await ComplaintRow.get(id=link.complaint_id)  # type: ignore[attr-defined]
    assert stored.category_id is None and stored.incident_date == date(2025, 5, 1)  # type: ignore[attr-defined]
    assert not await DispositionRow.filter(complaint_id=stored.id).exists()
    # A later version naming a known category fills the complaint's empty one.
    await province.engine.ingestor.apply(
        REST, replace(record, version="2", category_id="infrastruktur.jalan", disposed_to="16.01-pupr"), now=now
    )
    stored = await ComplaintRow.get(id=stored.id)
    assert stored.category_id == "infrastruktur.jalan"  # type: ignore[attr-defined]
    assert await DispositionRow.filter(complaint_id=stored.id).values_list("to_agency_id", flat=True) == ["16.01-pupr"]


OFFICER_QUERY = """query($t: String!) { complaint(trackingId: $t, live: false) {
  trackingId routedAgencyId category { id } incidentDate dispositions { kind toAgency { id } } } }"""


async def test_an_officer_sees_what_the_regency_disposed_to_their_opd(
    province: Province, gql: GraphQL, tokens: Tokens
) -> None:
    await province.engine.pull(WA)
    hop = await DispositionRow.filter(to_agency_id__startswith="16.05-").first()
    assert hop is not None
    complaint = await ComplaintRow.get(id=hop.complaint_id)  # type: ignore[attr-defined]
    officer = tokens.make(Role.AGENCY_OFFICER, subject="petugas-opd", agency=hop.to_agency_id)
    body = await gql(OFFICER_QUERY, {"t": complaint.tracking_id}, token=officer)
    assert "errors" not in body, body
    seen = body["data"]["complaint"]  # type: ignore[index]
    assert seen is not None and seen["trackingId"] == complaint.tracking_id
    assert seen["routedAgencyId"] == "pemkab-16.05"  # routed to the regency, disposed to its OPD
    assert seen["dispositions"] == [{"kind": "DISPOSISI", "toAgency": {"id": hop.to_agency_id}}]
    assert seen["category"] is not None and seen["incidentDate"] is not None
    other = "16.05-dinsos" if hop.to_agency_id != "16.05-dinsos" else "16.05-dishub"
    hidden = await gql(
        OFFICER_QUERY, {"t": complaint.tracking_id}, token=tokens.make(Role.AGENCY_OFFICER, agency=other)
    )
    assert hidden["data"]["complaint"] is None  # type: ignore[index]


async def test_a_complaint_created_in_a_regency_system_carries_category_and_incident_date(province: Province) -> None:
    await province.engine.pull_all()
    await province.engine.drain()
    tracking_id = await laporan_at_lapor(
        province.http,
        province.urls["lapor"],
        title="Jalan berlubang",
        content="Jalan di Baturaja berlubang.",
        location_id="16.01",
        institution_id="pemkab-16.01",
        category_id="11",
        date_of_incident="2025-05-20",
    )
    await province.engine.pull_all()
    await province.engine.drain()
    link = await ComplaintSourceRow.get(system="lapor", source_id=tracking_id)
    stored = await ComplaintRow.get(id=link.complaint_id)  # type: ignore[attr-defined]
    assert (stored.category_id, stored.incident_date) == ("infrastruktur.jalan", date(2025, 5, 20))  # type: ignore[attr-defined]
    arrived = [r for r in province.sims[REST].reports.values() if r["externalRef"] == str(stored.id)]  # type: ignore[attr-defined]
    assert len(arrived) == 1
    assert (arrived[0]["category"], arrived[0]["incidentDate"]) == ("JALAN_JEMBATAN", "2025-05-20")


async def test_a_catch_all_code_read_back_is_no_gap_when_the_complaint_has_a_category(province: Province) -> None:
    """The gateway creates a complaint in a regency's system under the system's catch-all
    category code; reading it back is not reported as a category the mapping lacks."""
    now = datetime.now(UTC)
    national = SourceComplaint(
        source="lapor",
        source_id="1999001",
        version="1",
        title="BPJS ditolak",
        content="Kartu BPJS ditolak.",
        status=Status.BELUM_TERVERIFIKASI,
        kode_wilayah="16.01",
        created_at=now,
        updated_at=now,
        lapor_tracking_id="1999001",
        category_id="kesehatan.jkn",
    )
    await province.engine.ingestor.apply("lapor", national, now=now)
    link = await ComplaintSourceRow.get(system="lapor", source_id="1999001")
    gap = Gap(
        "category_id", "record rep_y: category_id: the value 'UMUM' is not in [maps.kategori] (stored without it)"
    )
    echoed = replace(
        national,
        source=REST,
        source_id="rep_y",
        lapor_tracking_id=None,
        category_id=None,
        external_ref=str(link.complaint_id),
        warnings=(gap,),  # type: ignore[attr-defined]
    )
    notes: list[str] = []
    await province.engine.ingestor.apply(REST, echoed, now=now, notes=notes)
    assert notes == []
    assert await ComplaintSourceRow.filter(system=REST, source_id="rep_y", complaint_id=link.complaint_id).exists()  # type: ignore[attr-defined]
    stored = await ComplaintRow.get(id=link.complaint_id)  # type: ignore[attr-defined]
    assert stored.category_id == "kesehatan.jkn"  # type: ignore[attr-defined]
    # The same gap on a complaint without a category is said.
    fresh = replace(echoed, source_id="rep_z", external_ref=None, title="Lain", content="Laporan lain.")
    await province.engine.ingestor.apply(REST, fresh, now=now, notes=notes)
    assert notes == [gap.message]
