"""A follow-up (tindak lanjut) pulled from a regency system is credited to the OPD the system
says answered it (`[follow_ups] agency`), not to the regency government; a code with no map
entry, or an agency the registry does not know, is reported and the government credited."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import aiohttp
import pytest

from connectors.config import DEMO_CONFIG, load_config
from connectors.http import Policy, UpstreamClient
from connectors.loader import build_source
from connectors.records import SourceComplaint
from connectors.spec import load_spec
from gateway.store.models import ComplaintSourceRow, FollowUpRow
from gateway.sync.ingest import Ingestor
from gateway.sync.topology import Topology
from tests.connectors.jsonapi_system import API_KEY, JsonApiSystem, serve

FAST = Policy(total_timeout=2.0, connect_timeout=1.0, attempts=2, backoff_base=0.01, backoff_max=0.02)
MAPPING = (Path(__file__).parents[1] / "connectors" / "fixtures" / "jsonapi.toml").read_text()
AUTHOR = 'author = { path = "attributes.dari_pelapor", map = "penulis" }'
AGENCY = 'agency = { path = "attributes.kode_opd", map = "opd", optional = true }'
SOURCE = "16.05-jsonapi-uji"


async def pulled(mapping: str) -> list[SourceComplaint]:
    assert AUTHOR in mapping
    spec = load_spec(mapping.replace(AUTHOR, f"{AUTHOR}\n{AGENCY}"))
    async with serve(JsonApiSystem()) as url, aiohttp.ClientSession() as session:
        source = build_source(spec, UpstreamClient(spec.name, session, FAST), url, secret=API_KEY)
        return [r async for b in source.changes() for r in b.records]


async def credited(records: list[SourceComplaint]) -> tuple[dict[str, str], list[str]]:
    """Applies the records to the index: each follow-up text's agency, and the notes."""
    ingestor = Ingestor(Topology.of(load_config(DEMO_CONFIG)))
    notes: list[str] = []
    for record in records:
        await ingestor.apply(SOURCE, record, now=datetime.now(UTC), notes=notes)
    ids = await ComplaintSourceRow.filter(system=SOURCE).values_list("complaint_id", flat=True)
    rows = await FollowUpRow.filter(complaint_id__in=ids).values_list("content", "agency_id")
    return dict(rows), notes


@pytest.fixture
async def index(database_url: str) -> AsyncIterator[None]:
    yield


async def test_a_follow_up_is_credited_to_the_opd_that_answered(index: None) -> None:
    records = await pulled(MAPPING)
    ups = {f.source_id: f for r in records for f in r.follow_ups}
    assert (ups["T-1"].agency, ups["T-3"].agency, ups["T-4"].agency) == ("16.05-pupr", "16.05-dlh", None)
    # PDAM (a BUMD) has no entry in [maps.opd]: a gap said, not a rejection.
    assert ups["T-4"].gap is not None and "follow_ups[0].agency" in ups["T-4"].gap.message
    assert "[maps.opd]" in ups["T-4"].gap.message
    agencies, notes = await credited(records)
    assert agencies == {
        "Sudah dijadwalkan perbaikan.": "16.05-pupr",
        "Sampah sudah diangkut.": "16.05-dlh",
        "Pipa sedang dibersihkan.": "pemkab-16.05",
    }
    assert any("LPR-0005" in n and "follow_ups[0].agency" in n for n in notes), notes


async def test_an_agency_the_registry_does_not_know_is_reported(index: None) -> None:
    records = await pulled(
        MAPPING.replace('DLH = "{kode_wilayah}-dlh"', 'DLH = "{kode_wilayah}-dlh"\nPDAM = "{kode_wilayah}-pdam"')
    )
    agencies, notes = await credited(records)
    assert agencies["Pipa sedang dibersihkan."] == "pemkab-16.05"
    assert (
        "record LPR-0005: follow_ups.agency: '16.05-pdam' names no agency in the registry (credited to the routed agency)"
        in notes
    )
