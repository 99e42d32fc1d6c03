"""Files (attachment metadata) a regency system lists with its complaints, pulled from a
real loopback HTTP server with an `[attachments]` mapping: they land in the index with the
complaint and its follow-ups, staff see them with the system's own link over GraphQL, the
public sees a follow-up's files without the link and with numbers in names masked; a
re-pull adds nothing twice, a changed list replaces the system's earlier one, and a file
the gateway holds from elsewhere stays."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from typing import Any

import aiohttp
import pytest
from aiohttp import web

from auth.roles import Role
from connectors.config import DEMO_CONFIG, load_config
from connectors.http import Policy, UpstreamClient
from connectors.loader import build_source
from connectors.spec import load_spec
from gateway.store.models import AttachmentRow, ComplaintRow, ComplaintSourceRow
from gateway.sync.ingest import Ingestor
from gateway.sync.topology import Topology
from tests.conftest import GraphQL, Tokens

FAST = Policy(total_timeout=2.0, connect_timeout=1.0, attempts=2, backoff_base=0.01, backoff_max=0.02)
SOURCE = "16.05-uji-lampiran"
DIGEST = "3f" * 32
MAPPING = f'''
[source]
name = "{SOURCE}"
kode_wilayah = "16.05"

[records]
path = "data"

[request]
path = "/api/aduan"

[fields]
source_id = "id"
title = "judul"
content = "isi"
status = {{ path = "status", map = "status" }}
created_at = {{ path = "dibuat", cast = "datetime" }}
updated_at = {{ path = "diubah", cast = "datetime" }}

[maps.status]
baru = "BELUM_TERVERIFIKASI"
ditanggapi = "DITINDAKLANJUTI"

[follow_ups]
path = "tanggapan"
id = "id"
text = "isi"
at = {{ path = "waktu", cast = "datetime" }}

[attachments]
path = "lampiran"
follow_ups = "berkas"
name = "nama"
media_type = "jenis"
size = {{ path = "ukuran", cast = "int" }}
url = {{ path = "tautan", optional = true }}
sha256 = {{ path = "sha256", optional = true }}
'''
ROAD = {"nama": "jalan-berlubang.jpg", "jenis": "image/jpeg", "ukuran": 2_400_000, "tautan": "/unggahan/881.jpg"}
NIGHT = {
    "nama": "malam.jpg",
    "jenis": "image/jpeg",
    "ukuran": 1_100_000,
    "tautan": "/unggahan/882.jpg",
    "sha256": DIGEST,
}
REPAIRED = {"nama": "sesudah_081234567890.jpg", "jenis": "image/jpeg", "ukuran": 900_000, "tautan": "/unggahan/990.jpg"}


class RegencySystem:
    """One complaint with two photos and an OPD's answer with one, served as JSON."""

    def __init__(self) -> None:
        self.record: dict[str, Any] = {
            "id": "ADU-77",
            "judul": "Jalan berlubang",
            "isi": "Jalan di depan pasar Muara Beliti berlubang besar.",
            "status": "ditanggapi",
            "dibuat": "2026-03-02T08:00:00+07:00",
            "diubah": "2026-03-04T09:00:00+07:00",
            "lampiran": [ROAD, NIGHT],
            "tanggapan": [
                {"id": "T-1", "isi": "Sudah ditambal.", "waktu": "2026-03-04T09:00:00+07:00", "berkas": [REPAIRED]}
            ],
        }

    def change(self, files: list[dict[str, Any]], at: str) -> None:
        self.record["lampiran"], self.record["diubah"] = files, at

    async def list(self, request: web.Request) -> web.Response:
        return web.json_response({"data": [self.record]})


@asynccontextmanager
async def serve(system: RegencySystem) -> AsyncIterator[str]:
    app = web.Application()
    app.router.add_get("/api/aduan", system.list)
    runner = web.AppRunner(app, handle_signals=False, access_log=None, shutdown_timeout=0.5)
    await runner.setup()
    try:
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        host, port = runner.addresses[0][:2]
        yield f"http://{host}:{port}"
    finally:
        await runner.cleanup()


async def pull(system: RegencySystem, notes: list[str] | None = None) -> str:
    """Reads the system once and applies what it lists; the complaint's id."""
    spec = load_spec(MAPPING)
    async with serve(system) as url, aiohttp.ClientSession() as session:
        source = build_source(spec, UpstreamClient(spec.name, session, FAST), url)
        records = [r async for batch in source.changes() for r in batch.records]
    ingestor = Ingestor(Topology.of(load_config(DEMO_CONFIG)))
    for record in records:
        await ingestor.apply(SOURCE, record, now=datetime.now(UTC), notes=notes)
    link = await ComplaintSourceRow.get(system=SOURCE, source_id="ADU-77")
    return str(link.complaint_id)  # type: ignore[attr-defined]


async def stored(cid: str) -> list[tuple[str, int | None, str | None, str | None, str | None]]:
    rows = await AttachmentRow.filter(complaint_id=cid).order_by("id")
    return [(r.name, r.size, r.url, r.sha256, r.origin_system) for r in rows]


QUERY = """
query($t: String) {
  complaint(trackingId: $t) {
    attachments { name mediaType size url sha256 }
    followUps { content attachments { name size url } }
  }
}
"""
PUBLIC = "query($t: String) { publicComplaint(trackingId: $t) { followUps { attachments { name size url } } } }"


@pytest.fixture
async def index(database_url: str) -> AsyncIterator[None]:
    yield


async def test_pulled_files_reach_staff_with_their_link_and_the_public_without(
    index: None, gql: GraphQL, tokens: Tokens
) -> None:
    cid = await pull(RegencySystem())
    assert await stored(cid) == [
        ("jalan-berlubang.jpg", 2_400_000, "/unggahan/881.jpg", None, SOURCE),
        ("malam.jpg", 1_100_000, "/unggahan/882.jpg", DIGEST, SOURCE),
    ]
    tracking = (await ComplaintRow.get(id=cid)).tracking_id
    staff = tokens.make(Role.AGENCY_ADMIN, subject="admin-musi-rawas", agency="pemkab-16.05")
    seen = await gql(QUERY, {"t": tracking}, token=staff)
    assert "errors" not in seen, seen
    complaint = seen["data"]["complaint"]  # type: ignore[index]
    assert complaint["attachments"] == [
        {
            "name": "jalan-berlubang.jpg",
            "mediaType": "image/jpeg",
            "size": 2_400_000,
            "url": "/unggahan/881.jpg",
            "sha256": None,
        },
        {
            "name": "malam.jpg",
            "mediaType": "image/jpeg",
            "size": 1_100_000,
            "url": "/unggahan/882.jpg",
            "sha256": DIGEST,
        },
    ]
    assert complaint["followUps"] == [
        {
            "content": "Sudah ditambal.",
            "attachments": [{"name": "sesudah_081234567890.jpg", "size": 900_000, "url": "/unggahan/990.jpg"}],
        }
    ]
    public = await gql(PUBLIC, {"t": tracking})
    assert "errors" not in public, public
    assert public["data"]["publicComplaint"]["followUps"] == [  # type: ignore[index]
        {"attachments": [{"name": "sesudah_[NUMBER].jpg", "size": 900_000, "url": None}]}
    ]


async def test_a_re_pull_adds_nothing_and_a_changed_list_replaces_the_old(index: None) -> None:
    system = RegencySystem()
    cid = await pull(system)
    await pull(system)
    assert [name for name, *_ in await stored(cid)] == ["jalan-berlubang.jpg", "malam.jpg"]
    # A file the gateway holds from elsewhere (submitted through it): no source's list drops it.
    await AttachmentRow.create(
        complaint_id=cid, name="surat-rt.pdf", media_type="application/pdf", size=50_000, sha256=DIGEST
    )
    # The system dropped the night photo, added a video, and lists the gateway's letter too.
    letter = {"nama": "surat-rt.pdf", "jenis": "application/pdf", "ukuran": 50_000, "tautan": "/unggahan/883.pdf"}
    video = {"nama": "genangan.mp4", "jenis": "video/mp4", "ukuran": 8_000_000}
    system.change([ROAD, video, letter], "2026-03-05T10:00:00+07:00")
    await pull(system)
    assert sorted(await stored(cid)) == [
        ("genangan.mp4", 8_000_000, None, None, SOURCE),
        ("jalan-berlubang.jpg", 2_400_000, "/unggahan/881.jpg", None, SOURCE),
        ("surat-rt.pdf", 50_000, None, DIGEST, None),
    ]
    system.change([], "2026-03-06T10:00:00+07:00")
    await pull(system)
    assert await stored(cid) == [("surat-rt.pdf", 50_000, None, DIGEST, None)]


async def test_a_file_that_cannot_be_read_is_said_and_the_rest_stored(index: None) -> None:
    system = RegencySystem()
    system.change([{**ROAD, "ukuran": "2,4 MB"}, NIGHT], "2026-03-04T09:00:00+07:00")
    notes: list[str] = []
    cid = await pull(system, notes)
    assert [name for name, *_ in await stored(cid)] == ["malam.jpg"]
    assert "record ADU-77: lampiran[0].size: the value '2,4 MB' is not a int (the file is left out)" in notes
