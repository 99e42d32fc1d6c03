"""A regency complaint system in the JSON:API style of issue #13, on a real loopback server.

What it does the way that system does (and a mapping must be able to say, in TOML only):

- records in a `data[]` envelope: `{"type", "id", "attributes": {...}, "relationships":
  {"opd": {"data": {"type": "opd", "id": ...}}}}`; one record wrapped at `data` too;
- flags as `Y`/`T` (ya/tidak), times as local time without a zone (`dd/mm/yyyy HH:MM`, WIB);
- next pages as `links.next` URLs (relative or absolute), or in a `Link` header;
- follow-ups (tanggapan) per record at `/api/v1/pengaduan/{id}/tanggapan`, 404 when there
  are none; an OPD's answer names the OPD (`kode_opd`);
- writes (create, status, tanggapan) in JSON:API bodies, with no idempotency key: a repeated
  create makes a second record;
- a `filter[sejak]` ("since") parameter in local time without a zone;
- the key as the `api_key` query parameter, on every request.

Switches on the instance change its behaviour for a test: `paging` (how the next page is
given), `time_format`, `fail_tanggapan` (answer 500 on follow-up lists), `refuse_status`
(a body to answer every status change with, as a 422).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from urllib.parse import urlencode

from aiohttp import web

API_KEY = "jsonapi-uji-kunci-9f2"
BASE = "/api/v1/pengaduan"
STATUS_WORDS = ("Menunggu Verifikasi", "Diproses OPD", "Ditanggapi", "Selesai", "Ditolak")


@dataclass
class Tanggapan:
    """One follow-up: the OPD's tindak lanjut, or the reporter's reply."""

    id: str
    isi: str
    waktu: datetime  # local time (WIB), no zone: as the system keeps it
    dari_pelapor: bool = False
    kode_opd: str | None = None  # the OPD that answered, where the system records it


@dataclass
class Pengaduan:
    """One complaint as the system keeps it."""

    id: str
    judul: str
    isi: str
    status: str
    dibuat: datetime
    diubah: datetime
    opd: str | None = None
    rahasia: bool = False
    anonim: bool = False
    tanggapan: list[Tanggapan] = field(default_factory=list)


def _seed() -> dict[str, Pengaduan]:
    def at(day: int, hour: int) -> datetime:
        return datetime(2026, 3, day, hour, 15)

    rows = [
        Pengaduan(
            "LPR-0001",
            "Jalan berlubang",
            "Jalan desa Sukamaju berlubang besar.",
            "Diproses OPD",
            at(2, 8),
            at(5, 9),
            opd="DINAS-PUPR",
            tanggapan=[
                Tanggapan("T-1", "Sudah dijadwalkan perbaikan.", at(4, 10), kode_opd="DINAS-PUPR"),
                Tanggapan("T-2", "Terima kasih, kami tunggu.", at(5, 9), dari_pelapor=True),
            ],
        ),
        Pengaduan(
            "LPR-0002",
            "Lampu jalan mati",
            "Lampu jalan di simpang empat mati.",
            "Menunggu Verifikasi",
            at(3, 7),
            at(3, 7),
        ),
        Pengaduan(
            "LPR-0003",
            "Pungutan liar",
            "Ada pungutan di kantor desa.",
            "Diproses OPD",
            at(3, 11),
            at(6, 8),
            opd="INSPEKTORAT",
            rahasia=True,
            anonim=True,
        ),
        Pengaduan(
            "LPR-0004",
            "Sampah menumpuk",
            "Sampah pasar belum diangkut.",
            "Selesai",
            at(4, 9),
            at(9, 16),
            opd="DLH",
            tanggapan=[Tanggapan("T-3", "Sampah sudah diangkut.", at(9, 16), kode_opd="DLH")],
        ),
        Pengaduan(
            "LPR-0005",
            "Air PDAM keruh",
            "Air keruh sejak seminggu.",
            "Ditanggapi",
            at(5, 6),
            at(8, 12),
            opd="PDAM",
            tanggapan=[Tanggapan("T-4", "Pipa sedang dibersihkan.", at(8, 12), kode_opd="PDAM")],
        ),
        Pengaduan("LPR-0006", "Puskesmas tutup", "Puskesmas tutup di jam kerja.", "Ditolak", at(6, 13), at(7, 8)),
        Pengaduan(
            "LPR-0007",
            "Banjir",
            "Drainase tersumbat saat hujan.",
            "Diproses OPD",
            at(7, 15),
            at(10, 10),
            opd="DINAS-PUPR",
        ),
    ]
    return {r.id: r for r in rows}


class JsonApiSystem:
    """The simulator's state and its aiohttp application."""

    def __init__(self, *, time_format: str = "%d/%m/%Y %H:%M") -> None:
        self.records = _seed()
        self.time_format = time_format
        # relative | absolute | header | loop (page 2 points back at page 1) | foreign (another host)
        self.paging = "relative"
        self.fail_tanggapan = False
        # A body to refuse status changes with (422), as a system whose own rules forbid a
        # step: its reason is in the body, sometimes quoting the record's personal data.
        self.refuse_status: dict[str, Any] | None = None
        self.list_calls: list[dict[str, str]] = []  # the query of every list request
        self.keys_seen: list[str | None] = []  # api_key of every request, in order
        self.tanggapan_calls = 0
        self.tanggapan_in_flight = 0
        self.tanggapan_most_at_once = 0
        self._next_id = 100

    # -- representation ------------------------------------------------------------

    def _time(self, value: datetime) -> str:
        return value.strftime(self.time_format)

    def resource(self, r: Pengaduan) -> dict[str, Any]:
        """One record as the API writes it."""
        return {
            "type": "pengaduan",
            "id": r.id,
            "attributes": {
                "judul": r.judul,
                "isi": r.isi,
                "status": r.status,
                "dibuat": self._time(r.dibuat),
                "diubah": self._time(r.diubah),
                "rahasia": "Y" if r.rahasia else "T",
                "anonim": "Y" if r.anonim else "T",
            },
            "relationships": {"opd": {"data": {"type": "opd", "id": r.opd} if r.opd else None}},
            "links": {"self": f"{BASE}/{r.id}"},
        }

    def _tanggapan(self, t: Tanggapan) -> dict[str, Any]:
        return {
            "type": "tanggapan",
            "id": t.id,
            "attributes": {
                "isi": t.isi,
                "waktu": self._time(t.waktu),
                "dari_pelapor": "Y" if t.dari_pelapor else "T",
                **({"kode_opd": t.kode_opd} if t.kode_opd else {}),
            },
        }

    # -- handlers ------------------------------------------------------------------

    @staticmethod
    def _error(status: int, detail: str) -> web.Response:
        return web.json_response({"errors": [{"status": str(status), "detail": detail}]}, status=status)

    @web.middleware
    async def _key(self, request: web.Request, handler: Any) -> web.StreamResponse:
        self.keys_seen.append(request.query.get("api_key"))
        if request.query.get("api_key") != API_KEY:
            return self._error(401, "api_key tidak valid (invalid key)")
        return await handler(request)

    def _next_link(self, request: web.Request, number: int, size: int) -> str:
        # Only the parameters it knows go into its links (an unknown one, like ?cursor=, is ignored).
        query = {k: v for k, v in request.query.items() if k in ("page[size]", "filter[sejak]")}
        query["page[number]"] = str(number)
        relative = f"{BASE}?{urlencode(query)}"
        if self.paging == "absolute":
            return f"http://{request.host}{relative}"
        if self.paging == "foreign":
            return f"http://198.51.100.7:{request.url.port}{relative}"
        return relative

    async def list(self, request: web.Request) -> web.Response:
        self.list_calls.append(dict(request.query))
        try:
            size = int(request.query.get("page[size]", "3"))
            number = int(request.query.get("page[number]", "1"))
        except ValueError:
            return self._error(400, "page[size] dan page[number] harus angka (must be numbers)")
        rows = sorted(self.records.values(), key=lambda r: r.id)
        if "filter[sejak]" in request.query:
            try:
                since = datetime.strptime(request.query["filter[sejak]"], self.time_format)
            except ValueError:
                return self._error(400, f"filter[sejak] harus berformat {self.time_format} (local time)")
            rows = [r for r in rows if r.diubah >= since]
        page = rows[(number - 1) * size : number * size]
        more = number * size < len(rows)
        next_number = 1 if self.paging == "loop" and number == 2 else number + 1
        nxt = self._next_link(request, next_number, size) if more else None
        body: dict[str, Any] = {
            "data": [self.resource(r) for r in page],
            "meta": {"total": len(rows)},
            "links": {"self": self._next_link(request, number, size)},
        }
        headers = {}
        if self.paging == "header":
            if nxt:
                headers["Link"] = (
                    f'<{self._next_link(request, number, size)}>; rel="self", <http://{request.host}{nxt}>; rel="next"'
                )
        else:
            body["links"]["next"] = nxt
        return web.json_response(body, headers=headers)

    def _record(self, request: web.Request) -> Pengaduan | None:
        return self.records.get(request.match_info["id"])

    async def read(self, request: web.Request) -> web.Response:
        record = self._record(request)
        if record is None:
            return self._error(404, "pengaduan tidak ditemukan (not found)")
        return web.json_response({"data": self.resource(record)})

    async def tanggapan(self, request: web.Request) -> web.Response:
        self.tanggapan_calls += 1
        self.tanggapan_in_flight += 1
        self.tanggapan_most_at_once = max(self.tanggapan_most_at_once, self.tanggapan_in_flight)
        try:
            await asyncio.sleep(0.02)  # long enough for parallel calls to overlap
            if self.fail_tanggapan:
                return self._error(500, "basis data sibuk (database busy)")
            record = self._record(request)
            if record is None or not record.tanggapan:
                return self._error(404, "tidak ada tanggapan (none)")
            return web.json_response({"data": [self._tanggapan(t) for t in record.tanggapan]})
        finally:
            self.tanggapan_in_flight -= 1

    async def _document(self, request: web.Request, kind: str) -> dict[str, Any] | web.Response:
        try:
            document = await request.json()
        except ValueError:
            return self._error(400, "body bukan JSON (not JSON)")
        data = document.get("data") if isinstance(document, dict) else None
        if not isinstance(data, dict) or data.get("type") != kind or not isinstance(data.get("attributes"), dict):
            return self._error(422, f'expected {{"data": {{"type": "{kind}", "attributes": {{...}}}}}}')
        return data

    async def create(self, request: web.Request) -> web.Response:
        data = await self._document(request, "pengaduan")
        if isinstance(data, web.Response):
            return data
        attributes = data["attributes"]
        if not attributes.get("isi"):
            return self._error(422, "attributes.isi wajib (required)")
        if attributes.get("rahasia", "T") not in ("Y", "T"):
            return self._error(422, "attributes.rahasia harus Y atau T")
        self._next_id += 1
        now = datetime(2026, 3, 11, 9, 0)
        record = Pengaduan(
            f"LPR-{self._next_id:04d}",
            str(attributes.get("judul") or ""),
            str(attributes["isi"]),
            "Menunggu Verifikasi",
            now,
            now,
            rahasia=attributes.get("rahasia") == "Y",
        )
        self.records[record.id] = record
        return web.json_response({"data": self.resource(record)}, status=201)

    async def update(self, request: web.Request) -> web.Response:
        record = self._record(request)
        if record is None:
            return self._error(404, "pengaduan tidak ditemukan (not found)")
        data = await self._document(request, "pengaduan")
        if isinstance(data, web.Response):
            return data
        if data.get("id") not in (None, record.id):
            return self._error(409, "data.id tidak sama dengan URL (does not match the URL)")
        if self.refuse_status is not None:
            return web.json_response(self.refuse_status, status=422)
        status = data["attributes"].get("status")
        if status not in STATUS_WORDS:
            return self._error(422, f"status harus salah satu dari {', '.join(STATUS_WORDS)}")
        record.status = status
        record.diubah = datetime(2026, 3, 11, 10, 0)
        return web.json_response({"data": self.resource(record)})

    async def add_tanggapan(self, request: web.Request) -> web.Response:
        record = self._record(request)
        if record is None:
            return self._error(404, "pengaduan tidak ditemukan (not found)")
        data = await self._document(request, "tanggapan")
        if isinstance(data, web.Response):
            return data
        attributes = data["attributes"]
        if not attributes.get("isi") or attributes.get("dari_pelapor", "T") not in ("Y", "T"):
            return self._error(422, "attributes.isi wajib; dari_pelapor Y atau T")
        self._next_id += 1
        record.tanggapan.append(
            Tanggapan(
                f"T-{self._next_id}",
                str(attributes["isi"]),
                datetime(2026, 3, 11, 11, 0),
                dari_pelapor=attributes.get("dari_pelapor") == "Y",
            )
        )
        return web.json_response({"data": self._tanggapan(record.tanggapan[-1])}, status=201)

    def app(self) -> web.Application:
        """The aiohttp application."""
        app = web.Application(middlewares=[self._key])
        app.router.add_get(BASE, self.list)
        app.router.add_post(BASE, self.create)
        app.router.add_get(BASE + "/{id}", self.read)
        app.router.add_patch(BASE + "/{id}", self.update)
        app.router.add_get(BASE + "/{id}/tanggapan", self.tanggapan)
        app.router.add_post(BASE + "/{id}/tanggapan", self.add_tanggapan)
        return app


@asynccontextmanager
async def serve(system: JsonApiSystem) -> AsyncIterator[str]:
    """The system on a free loopback port; yields its base URL."""
    runner = web.AppRunner(system.app(), handle_signals=False, access_log=None, shutdown_timeout=0.5)
    await runner.setup()
    try:
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        host, port = runner.addresses[0][:2]
        yield f"http://{host}:{port}"
    finally:
        await runner.cleanup()
