"""The conformance check's labelled test records left in a regency system are not pulled as
complaints: not in the index, not shown, not filed in LAPOR!; the pull says it skipped them."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, replace
from datetime import UTC, datetime

import aiohttp
import pytest

from connectors.check_round_trip import TEST_CONTENT, TEST_REF_PREFIX, TEST_TITLE
from connectors.config import DEMO_CONFIG, load_config
from connectors.records import SourceComplaint
from gateway.domain.sources import open_sources
from gateway.store.models import ComplaintRow, ComplaintSourceRow, OutboxRow, SyncCursorRow
from gateway.sync.engine import SyncEngine
from gateway.sync.ingest import Outcome
from gateway.sync.topology import Topology
from schema.canonical import Status

CONFIG = load_config(DEMO_CONFIG)
TOPOLOGY = Topology.of(CONFIG)
REST = "16.01-ogan-komering-ulu"
TOKEN = {"Authorization": "Bearer sandbox-rest-json-v1-token"}


@dataclass
class Regency:
    engine: SyncEngine
    url: str
    http: aiohttp.ClientSession


@pytest.fixture
async def regency(database_url: str) -> AsyncIterator[Regency]:
    async with aiohttp.ClientSession() as http, open_sources(CONFIG, http, sandbox=True) as opened:
        yield Regency(SyncEngine(opened.connectors, TOPOLOGY), opened.sandbox_urls[REST], http)


async def _create(regency: Regency, body: dict[str, str]) -> str:
    async with regency.http.post(f"{regency.url}/api/reports", json=body, headers=TOKEN) as response:
        assert response.status == 201, await response.text()
        return str((await response.json())["id"])


async def test_labelled_check_records_are_skipped_and_said(regency: Regency) -> None:
    await regency.engine.pull(REST)
    await regency.engine.drain()
    before = await ComplaintRow.all().count()
    filed = await OutboxRow.filter(destination="lapor", kind="create").count()
    by_text = await _create(regency, {"title": TEST_TITLE, "description": TEST_CONTENT, "location": "Baturaja"})
    # Labelled only by the reference the check sends (the mapping reads externalRef).
    by_ref = await _create(
        regency,
        {
            "title": "Laporan uji",
            "description": "Isi uji.",
            "location": "Baturaja",
            "externalRef": f"{TEST_REF_PREFIX}-0000-4000-8000-000000000001",
        },
    )
    real = await _create(
        regency, {"title": "Jalan rusak", "description": "Jalan di Baturaja rusak.", "location": "Baturaja"}
    )
    await regency.engine.pull(REST)
    await regency.engine.drain()
    linked = set(await ComplaintSourceRow.filter(system=REST).values_list("source_id", flat=True))
    assert real in linked
    assert by_text not in linked and by_ref not in linked
    assert await ComplaintRow.all().count() == before + 1
    assert not await ComplaintRow.filter(content__startswith="Uji koneksi Penghubung").exists()
    # Nothing of them went to LAPOR!: the one real complaint's creation only.
    assert await OutboxRow.filter(destination="lapor", kind="create").count() == filed + 1
    cursor = await SyncCursorRow.get(source=REST)
    assert cursor.last_note is not None
    assert "conformance-check test record (skipped" in cursor.last_note
    assert by_text in cursor.last_note or by_ref in cursor.last_note


async def test_a_record_the_index_already_links_is_not_skipped(regency: Regency) -> None:
    now = datetime.now(UTC)
    record = SourceComplaint(
        source=REST,
        source_id="rep_t",
        version="1",
        title="Jalan rusak",
        content="Jalan rusak parah.",
        status=Status.BELUM_TERVERIFIKASI,
        kode_wilayah="16.01",
        created_at=now,
        updated_at=now,
    )
    ingestor = regency.engine.ingestor
    assert await ingestor.apply(REST, record, now=now) is Outcome.CREATED
    notes: list[str] = []
    labelled = replace(record, version="2", content=TEST_CONTENT, status=Status.TERVERIFIKASI)
    assert await ingestor.apply(REST, labelled, now=now, notes=notes) is Outcome.UPDATED
    assert notes == []
    new = replace(record, source_id="rep_u", content=TEST_CONTENT)
    assert await ingestor.apply(REST, new, now=now, notes=notes) is Outcome.SKIPPED
    assert notes == ["record rep_u: a labelled conformance-check test record (skipped, not a complaint)"]
    assert not await ComplaintSourceRow.filter(system=REST, source_id="rep_u").exists()
