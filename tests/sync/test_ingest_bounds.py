"""What the ingestor remembers across a worker's pulls stays bounded (issue 18: worker
memory flat over hours): the government a complaint without an agency is routed to is
remembered per kab/kota, not per kecamatan or desa a record names."""

from __future__ import annotations

from datetime import UTC, datetime

from connectors.config import DEMO_CONFIG, load_config
from connectors.records import SourceComplaint
from gateway.store.models import ComplaintRow, ComplaintSourceRow
from gateway.sync.ingest import Ingestor
from gateway.sync.topology import Topology
from schema.canonical import Status
from schema.regions import children

SOURCE = "16.05-musi-rawas"


def _record(n: int, kode_wilayah: str) -> SourceComplaint:
    at = datetime(2026, 3, 2, 8, n % 60, tzinfo=UTC)
    return SourceComplaint(
        source=SOURCE,
        source_id=f"bound-{n}",
        version=f"v{n}",
        title=f"Lampu padam {n}",
        content=f"Lampu jalan padam di gang {n}, sudah seminggu.",
        status=Status.BELUM_TERVERIFIKASI,
        kode_wilayah=kode_wilayah,
        created_at=at,
        updated_at=at,
    )


async def test_governments_are_remembered_per_regency_not_per_place(database_url: str) -> None:
    places = [d.code for k in children("16.05")[:4] for d in children(k.code)][:40]
    assert len(set(places)) == 40  # desa of several kecamatan of Musi Rawas
    ingestor = Ingestor(Topology.of(load_config(DEMO_CONFIG)))
    for n, place in enumerate(places):
        await ingestor.apply(SOURCE, _record(n, place), now=datetime.now(UTC))
    assert len(ingestor._governments) == 1
    ids = await ComplaintSourceRow.filter(system=SOURCE, source_id__startswith="bound-").values_list(
        "complaint_id", flat=True
    )
    routed = set(await ComplaintRow.filter(id__in=ids).values_list("routed_agency_id", flat=True))
    assert len(ids) == 40 and routed == {"pemkab-16.05"}
