"""A small regency complaint system on loopback for the conformance check's tests.

It keeps records as such a system does (Y/T flags, its own category words, times in its
own zone) and can be told how its `since` filter behaves: inclusive, exclusive, refusing
the format (500), or ignoring it; and whether it stores follow-up times in UTC without
saying so. Everything written to it is kept in `received`, to see what the check wrote.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone

import aiohttp
from aiohttp import web

from connectors.check import CheckReport, check_source
from connectors.http import Policy, UpstreamClient
from connectors.loader import build_source
from connectors.spec import load_spec

WIB = timezone(timedelta(hours=7))

MAPPING = """
[source]
name = "16.05-uji"
kode_wilayah = "16.05"
time_zone = "WIB"

[records]
path = "data"

[request]
path = "/reports"
since_param = "sejak"

[fields]
source_id = "id"
title = "judul"
content = "isi"
created_at = { path = "dibuat", cast = "datetime" }
updated_at = { path = "diubah", cast = "datetime" }
status = { path = "status", map = "status" }
kode_wilayah = "wilayah"
category_code = { path = "kategori", optional = true }
category_id = { path = "kategori", map = "kategori", optional = true }
agency_id = { path = "opd", optional = true }
is_secret = { path = "rahasia", map = "yt" }
is_anonymous = { path = "anonim", map = "yt" }
external_ref = { path = "ref", optional = true }
reporter_name = { path = "pelapor", optional = true }

[maps.status]
BARU = "BELUM_TERVERIFIKASI"
PROSES = "DIDISPOSISIKAN"
SELESAI = "SELESAI"

[maps.kategori]
JLN = "INFRA-JALAN"
KES = "KESEHATAN"

[maps.yt]
Y = "1"
T = ""

[follow_ups]
path = "catatan"
id = "id"
text = "teks"
at = { path = "waktu", cast = "datetime" }

[read_one]
path = "/reports/{id}"

[create]
path = "/reports"
id = "id"
body = { judul = "title", isi = "content", dibuat = { value = "created_at", cast = "datetime" }, wilayah = "kode_wilayah", kategori = { value = "category_code", map = "kategori_out" }, opd = "agency_id", rahasia = { value = "is_secret", cast = "bool" }, anonim = { value = "is_anonymous", cast = "bool" }, ref = "external_ref", pelapor = "reporter_name" }

[change_status]
path = "/reports/{id}/status"
body = { status = { value = "status", map = "status_out" } }

[follow_up]
path = "/reports/{id}/catatan"
body = { teks = "text", waktu = { value = "at", cast = "datetime" } }

[maps.kategori_out]
INFRA-JALAN = "JLN"
KESEHATAN = "KES"

[maps.status_out]
BELUM_TERVERIFIKASI = "BARU"
DIDISPOSISIKAN = "PROSES"
SELESAI = "SELESAI"
"""


def _at(text: str) -> datetime:
    return datetime.fromisoformat(text)


def _seed() -> dict[str, dict[str, object]]:
    base = datetime(2026, 11, 2, 9, 0, tzinfo=WIB)
    records = {}
    for n in range(1, 6):
        at = (base + timedelta(days=n)).isoformat()
        records[str(n)] = {
            "id": str(n),
            "judul": f"Laporan {n}",
            "isi": f"Jalan rusak di desa {n}",
            "dibuat": at,
            "diubah": at,
            "status": "BARU" if n % 2 else "PROSES",
            "wilayah": "16.05",
            "kategori": "JLN" if n % 2 else "KES",
            "opd": "dinas-pupr",
            "rahasia": "Y" if n == 1 else "T",
            "anonim": "Y" if n == 2 else "T",
            "pelapor": "Siti Aminah",
            "catatan": [],
        }
    return records


@dataclass
class System:
    """The system's records and how it behaves."""

    since: str = "inclusive"  # inclusive, exclusive, exclusive_day, fail, ignore, nothing, twice
    utc_follow_ups: bool = False  # follow-up times stored in UTC, shown without an offset
    upper_names: bool = False  # reporters' names stored in capitals
    records: dict[str, dict[str, object]] = field(default_factory=_seed)
    received: list[tuple[str, dict[str, object]]] = field(default_factory=list)
    sinces: list[str] = field(default_factory=list)

    async def list(self, request: web.Request) -> web.Response:
        rows = sorted(self.records.values(), key=lambda r: str(r["diubah"]))
        sejak = request.query.get("sejak")
        if sejak is not None:
            self.sinces.append(sejak)
            if self.since == "fail":
                return web.Response(status=500, text="Format parameter sejak tidak dikenal")
            if self.since == "nothing":
                rows = []
            elif self.since == "twice":
                rows = rows + rows
            elif self.since == "exclusive_day":
                # Only the day counts, in local time: what changed on a later day than `sejak`'s.
                day = sejak[:10]
                rows = [r for r in rows if _at(str(r["diubah"])).astimezone(WIB).date().isoformat() > day]
            elif self.since != "ignore":
                when = _at(sejak)
                inclusive = self.since == "inclusive"
                rows = [
                    r for r in rows if (_at(str(r["diubah"])) >= when if inclusive else _at(str(r["diubah"])) > when)
                ]
        return web.json_response({"data": rows})

    async def one(self, request: web.Request) -> web.Response:
        found = self.records.get(request.match_info["id"])
        return web.json_response(found) if found else web.Response(status=404)

    async def create(self, request: web.Request) -> web.Response:
        body = await request.json()
        self.received.append(("create", body))
        new_id = str(len(self.records) + 1)
        now = datetime.now(WIB).isoformat()
        self.records[new_id] = {
            "id": new_id,
            "judul": body.get("judul"),
            "isi": body["isi"],
            "dibuat": body.get("dibuat", now),
            "diubah": now,
            "status": "BARU",
            "wilayah": body.get("wilayah", "16.05"),
            "kategori": body.get("kategori"),
            "opd": body.get("opd"),
            "rahasia": "Y" if body.get("rahasia") else "T",
            "anonim": "Y" if body.get("anonim") else "T",
            "ref": body.get("ref"),
            "pelapor": str(body["pelapor"]).upper()
            if self.upper_names and body.get("pelapor")
            else body.get("pelapor"),
            "catatan": [],
        }
        return web.json_response({"id": new_id}, status=201)

    async def status(self, request: web.Request) -> web.Response:
        body = await request.json()
        self.received.append(("status", body))
        self.records[request.match_info["id"]]["status"] = body["status"]
        if "kode_opd" in body:  # the OPD it is disposed to, where a mapping sends one
            self.records[request.match_info["id"]]["disposisi"] = body["kode_opd"]
        return web.json_response({})

    async def follow_up(self, request: web.Request) -> web.Response:
        body = await request.json()
        self.received.append(("follow_up", body))
        record = self.records[request.match_info["id"]]
        at = str(body["waktu"])
        if self.utc_follow_ups:
            at = _at(at).astimezone(UTC).replace(tzinfo=None).isoformat()
        notes = record["catatan"]
        assert isinstance(notes, list)
        notes.append({"id": str(len(notes) + 1), "teks": body["teks"], "waktu": at})
        return web.json_response({})

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_get("/reports", self.list)
        app.router.add_get("/reports/{id}", self.one)
        app.router.add_post("/reports", self.create)
        app.router.add_post("/reports/{id}/status", self.status)
        app.router.add_post("/reports/{id}/catatan", self.follow_up)
        return app


@contextlib.asynccontextmanager
async def serving(system: System) -> AsyncIterator[str]:
    """The system on a free loopback port; yields its base URL."""
    runner = web.AppRunner(system.app())
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        await runner.cleanup()


async def run_check(system: System, mapping: str = MAPPING, **options: object) -> CheckReport:
    """The conformance check of a source with `mapping` against `system` served on loopback."""
    spec = load_spec(mapping)
    async with serving(system) as url, aiohttp.ClientSession() as session:
        client = UpstreamClient(spec.name, session, Policy(total_timeout=5, attempts=1))
        return await check_source(build_source(spec, client, url), kode_wilayah="16.05", **options)  # type: ignore[arg-type]


def dumps(records: dict[str, dict[str, object]]) -> str:
    """For assertion messages."""
    return json.dumps(records, indent=1)[:2000]
