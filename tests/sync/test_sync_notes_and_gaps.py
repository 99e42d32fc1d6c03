"""Notes, registry gaps and reporter replies of the sync: a record stored without a part is
a note kept apart from rejections (pulled, pushed or a paging oddity), it is filled in once
the registry has the entry, and a reply differing only in spacing is stored once."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import UTC, datetime

import httpx2 as httpx
import pytest
from starlette.applications import Starlette
from starlette.routing import Route
from starlette.types import Receive, Scope, Send

from auth.principal import Principal
from auth.roles import Role
from connectors.base import ConnectorBase
from connectors.config import DEMO_CONFIG, load_config
from connectors.protocol import Batch, Capability
from connectors.records import SourceComplaint, SourceFollowUp
from gateway.domain.reference import load_reference
from gateway.domain.reference_file import ReferenceDocument
from gateway.domain.sources import ConfiguredSources
from gateway.edge.endpoints.webhook import webhook
from gateway.edge.middleware.authentication import PRINCIPAL_KEY
from gateway.edge.state import AppState, with_app_state
from gateway.store.models import (
    AgencyRow,
    CategoryRow,
    ComplaintRow,
    ComplaintSourceRow,
    DispositionRow,
    ReporterReplyRow,
    SyncCursorRow,
)
from gateway.sync.engine import SyncEngine
from gateway.sync.ingest import Ingestor
from gateway.sync.status import sync_status
from gateway.sync.topology import Topology
from schema.canonical import Agency, AgencyLevel, Category, Status
from tests.sync.conftest import Province

CONFIG = load_config(DEMO_CONFIG)
TOPOLOGY = Topology.of(CONFIG)
REST, WA = "16.01-ogan-komering-ulu", "16.05-musi-rawas"


async def _shown(source: str):  # type: ignore[no-untyped-def]
    return next(r for r in await sync_status(TOPOLOGY, now=datetime.now(UTC)) if r.source == source)


async def test_a_rejection_is_not_hidden_by_a_note_of_the_same_page(province: Province) -> None:
    reports = list(province.sims[REST].reports.values())  # type: ignore[attr-defined]
    reports[0]["category"] = "KODE_BARU"  # stored without its category: a note
    reports[1]["bupatiStatus"] = "ENTAH"  # a status the mapping cannot read: not stored
    await province.engine.pull(REST)
    cursor = await SyncCursorRow.get(source=REST)
    assert cursor.records_rejected >= 1
    assert cursor.last_rejection is not None and "status" in cursor.last_rejection, cursor.last_rejection
    assert "KODE_BARU" not in cursor.last_rejection
    assert cursor.last_note is not None and "KODE_BARU" in cursor.last_note and "[maps.kategori]" in cursor.last_note
    assert cursor.last_note_at is not None
    shown = await _shown(REST)  # what syncStatus { lastRejection lastNote } answers
    assert (shown.last_rejection, shown.last_note) == (cursor.last_rejection, cursor.last_note)


class _OddPaging(ConnectorBase):
    """A source whose one page comes with a paging note (a seam: the Connector protocol)."""

    capabilities = frozenset({Capability.LIST_CHANGES})

    async def changes(self, cursor: str | None) -> AsyncIterator[Batch]:
        yield Batch((), (), 50, None, ("the first page is full (50 records) and names no next page",))


async def test_a_paging_note_is_kept_in_sync_status(database_url: str) -> None:
    engine = SyncEngine({REST: _OddPaging()}, TOPOLOGY)  # type: ignore[dict-item]
    result = await engine.pull(REST)
    assert result.error is None
    shown = await _shown(REST)
    assert shown.last_note == "the first page is full (50 records) and names no next page"
    assert shown.last_rejection is None


def _pushing(province: Province, principal: Principal) -> Starlette:
    """The webhook route with what the app's lifespan and auth middleware put in the scope."""
    sources = ConfiguredSources(CONFIG, province.connectors, {})  # type: ignore[arg-type]
    inner = Starlette(routes=[Route("/sync/webhook/{source}", webhook, methods=["POST"])])

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        scope[PRINCIPAL_KEY] = principal
        await inner(scope, receive, send)

    return with_app_state(app, AppState(sources=sources, ingestor=Ingestor(TOPOLOGY)))  # type: ignore[return-value]


async def test_a_pushed_records_note_is_kept_in_sync_status(province: Province) -> None:
    now = int(datetime.now(UTC).timestamp() * 1000)
    record = {
        "_id": "6b0b65c9f9e2a38fa3f1ee77",
        "sessionId": "wa-note-1",
        "from": "6281200000077",
        "user": {"name": "Warga"},
        "message": "Lampu jalan di desa kami mati.",
        "topik": "TopikBaru",
        "location": {"type": "text", "kecamatan": "Tuah Negeri", "latitude": -3.2, "longitude": 102.9},
        "tindakan": {"status": "Perlu Verifikasi", "trackingId": None, "kesimpulan": []},
        "createdAt": now,
        "updatedAt": now,
    }
    principal = Principal(
        subject="connector", roles=frozenset({Role.CONNECTOR_SERVICE}), agency_id="pemkab-16.05", kode_wilayah="16.05"
    )
    transport = httpx.ASGITransport(app=_pushing(province, principal))
    async with httpx.AsyncClient(transport=transport, base_url="http://gateway.test") as client:
        response = await client.post(f"/sync/webhook/{WA}", content=json.dumps({"items": [record]}))
    body = response.json()
    assert response.status_code == 200 and body["applied"] == {"created": 1}, body
    assert any("TopikBaru" in n for n in body["notes"]), body
    shown = await _shown(WA)
    assert shown.last_note is not None and "TopikBaru" in shown.last_note
    assert shown.last_note_at is not None and shown.last_rejection is None
    assert "Warga" not in shown.last_note and "6281200000077" not in shown.last_note


async def test_a_registry_gap_is_filled_once_the_registry_has_the_entry(province: Province) -> None:
    now = datetime.now(UTC)
    record = SourceComplaint(
        source=REST,
        source_id="rep_gap",
        version="1",
        title="Jalan rusak",
        content="Jalan rusak parah.",
        status=Status.DIDISPOSISIKAN,
        kode_wilayah="16.01",
        created_at=now,
        updated_at=now,
        category_id="uji.kategori-baru",
        disposed_to="16.01-dinas-baru",
    )
    ingestor = province.engine.ingestor  # one worker: what it looked up before counts
    notes: list[str] = []
    await ingestor.apply(REST, record, now=now, notes=notes)
    assert len(notes) == 2
    link = await ComplaintSourceRow.get(system=REST, source_id="rep_gap")
    cid = link.complaint_id  # type: ignore[attr-defined]
    assert (await ComplaintRow.get(id=cid)).category_id is None  # type: ignore[attr-defined]
    await load_reference(
        ReferenceDocument(
            agencies=(Agency("16.01-dinas-baru", "Dinas Baru", AgencyLevel.UNIT, "16.01", parent_id="pemkab-16.01"),),
            categories=(Category("uji.kategori-baru", "Kategori baru"),),
        )
    )
    try:
        # The same record read again (its version unchanged) now fills in what was missing.
        notes.clear()
        await ingestor.apply(REST, record, now=now, notes=notes)
        assert notes == []
        assert (await ComplaintRow.get(id=cid)).category_id == "uji.kategori-baru"  # type: ignore[attr-defined]
        assert await DispositionRow.filter(complaint_id=cid).values_list("to_agency_id", flat=True) == [
            "16.01-dinas-baru"
        ]
        # Complete now: a further read of the same version is unchanged, and adds nothing.
        assert (await ingestor.apply(REST, record, now=now)).value == "unchanged"
        assert await DispositionRow.filter(complaint_id=cid).count() == 1
    finally:
        await ComplaintRow.filter(id=cid).delete()
        await AgencyRow.filter(id="16.01-dinas-baru").delete()
        await CategoryRow.filter(id="uji.kategori-baru").delete()


async def test_a_reply_differing_only_in_spacing_is_stored_once(province: Province) -> None:
    now = datetime.now(UTC)
    reply = SourceFollowUp("f1", "Terima kasih, tetapi jalannya belum diperbaiki.", now, by_reporter=True)
    record = SourceComplaint(
        source=REST,
        source_id="rep_reply",
        version="1",
        title="Jalan rusak",
        content="Jalan rusak parah.",
        status=Status.DITINDAKLANJUTI,
        kode_wilayah="16.01",
        created_at=now,
        updated_at=now,
        follow_ups=(reply, replace(reply, source_id="f2", text="Terima kasih,  tetapi jalannya belum diperbaiki. ")),
    )
    await province.engine.ingestor.apply(REST, record, now=now)
    link = await ComplaintSourceRow.get(system=REST, source_id="rep_reply")
    assert await ReporterReplyRow.filter(complaint_id=link.complaint_id).count() == 1  # type: ignore[attr-defined]
    later = replace(
        record,
        version="2",
        follow_ups=(replace(reply, source_id="f3", text="terima kasih, tetapi jalannya  belum diperbaiki."),),
    )
    await province.engine.ingestor.apply(REST, later, now=now)
    assert await ReporterReplyRow.filter(complaint_id=link.complaint_id).count() == 1  # type: ignore[attr-defined]


async def test_sync_status_prints_the_latest_rejection_and_note_apart(
    database_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    from gateway.cli.sync_actions import print_notes
    from gateway.store.sync_notes import save_note

    await save_note(
        REST,
        "record rep_1: category_id: the value 'X' is not in [maps.kategori] (stored without it)",
        datetime.now(UTC),
    )
    await SyncCursorRow.filter(source=REST).update(
        last_rejection="record rep_2: status: 'ENTAH' is not in [maps.status]"
    )
    print_notes(await sync_status(TOPOLOGY, now=datetime.now(UTC)))  # below `penghubung sync status`'s table
    out = capsys.readouterr().out.splitlines()
    assert f"{REST}: last record not stored: record rep_2: status: 'ENTAH' is not in [maps.status]" in out
    assert any(line.startswith(f"{REST}: last note (") and "rep_1" in line for line in out), out
