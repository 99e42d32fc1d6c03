"""Simulator of the `legacy_sql` dialect: a PHP/MySQL `pengaduan_db` exported as CSV over HTTP.

Quirks (docs/domain.md §4.3, §4.5): integer autoincrement ids, date-only timestamps, status
'0' (new) / 'proses' / 'selesai', NIK as the reporter key, one photo, no category. The
export is Latin-1, `;`-separated, with a header row; some rows end in CRLF and others in LF,
fields holding `;`, quotes or newlines are quoted, and characters outside Latin-1 come out
as '?'. The API key is a query parameter `key=`. `since` filters on tgl_pengaduan (the
submission date), so a status change on an older row is only seen by a full export.
Writes are PHP form posts without idempotency (`POST /import/pengaduan`, `/import/tanggapan`,
`/import/status`), answering JSON.

Later versions of the app added columns at the end of `pengaduan`: `id_kategori` (a number
from its own `kategori` table, KATEGORI), `tgl_kejadian` (the day it happened) and
`kode_opd` (the OPD the admin disposed it to, its short code, OPD_CODES).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone

from aiohttp import web
from typing_extensions import override

from connectors.sandbox.base import SeededSimulator
from connectors.sandbox.seed import seed_records

DEFAULT_KEY = "sandbox-legacy-sql-key"
STATUSES = ("0", "proses", "selesai")
WIB = timezone(timedelta(hours=7))
PENGADUAN_COLUMNS = (
    "id_pengaduan",
    "tgl_pengaduan",
    "nik",
    "isi_laporan",
    "foto",
    "status",
    "id_kategori",
    "tgl_kejadian",
    "kode_opd",
)
# The app's `kategori` table (id_kategori), by seed topic.
KATEGORI = {"jalan": 1, "pju": 2, "sampah": 3, "air": 4, "ktp": 5, "puskesmas": 6, "banjir": 7, "pungli": 8}
# The app's OPD short codes, by the seed's unit key.
OPD_CODES = {
    "pupr": "PUPR",
    "dishub": "DISHUB",
    "dlh": "DLH",
    "disdukcapil": "DUKCAPIL",
    "dinkes": "DINKES",
    "bpbd": "BPBD",
    "inspektorat": "INSPEKTORAT",
}
TANGGAPAN_COLUMNS = (
    "id_tanggapan",
    "id_pengaduan",
    "tgl_tanggapan",
    "tanggapan",
    "id_petugas",
)
_STAGE_STATUS = {
    "new": "0",
    "verifying": "0",
    "disposed": "proses",
    "answered": "proses",
    "done": "selesai",
    "rejected": "0",
}
# One hostile value stays in the seed on purpose: importers must not pass it to a spreadsheet.
FORMULA_ROW = '=HYPERLINK("http://example.invalid/x";"klik")'


@dataclass(slots=True)
class Pengaduan:
    """A row of `pengaduan`."""

    id_pengaduan: int
    tgl_pengaduan: date
    nik: str
    isi_laporan: str
    foto: str
    status: str
    id_kategori: int | None = None
    tgl_kejadian: date | None = None
    kode_opd: str = ""


@dataclass(slots=True)
class Tanggapan:
    """A row of `tanggapan`."""

    id_tanggapan: int
    id_pengaduan: int
    tgl_tanggapan: date
    tanggapan: str
    id_petugas: int


def to_csv(header: tuple[str, ...], rows: Sequence[tuple[object, ...]], crlf_every: int = 3) -> bytes:
    """Latin-1 `;` CSV with a header; every `crlf_every`-th row ends in CRLF, the others in LF."""
    out = io.StringIO(newline="")
    for i, row in enumerate([header, *rows]):
        writer = csv.writer(
            out,
            delimiter=";",
            quoting=csv.QUOTE_MINIMAL,
            lineterminator="\r\n" if i % crlf_every == 2 else "\n",
        )
        writer.writerow(row)
    return out.getvalue().encode("latin-1", errors="replace")


class LegacySql(SeededSimulator):
    """`legacy_sql`: CSV export of a pengaduan_db, API key as `?key=`."""

    name = "legacy_sql"
    secret = DEFAULT_KEY
    calls = f"GET /export/pengaduan.csv?key={DEFAULT_KEY} (and /export/tanggapan.csv)"

    @classmethod
    @override
    def for_regency(cls, kode_wilayah: str, *, seed_count: int, index: int) -> LegacySql:
        return cls(kode_wilayah=kode_wilayah, seed_count=seed_count, seed=index)

    def __init__(
        self,
        *,
        key: str = DEFAULT_KEY,
        kode_wilayah: str = "16.09",
        seed_count: int = 12,
        seed: int = 0,
    ) -> None:
        super().__init__(kode_wilayah=kode_wilayah, seed_count=seed_count, seed=seed)
        self.key = key
        self.pengaduan: dict[int, Pengaduan] = {}
        self.tanggapan: dict[int, Tanggapan] = {}
        self.clear_records()

    def clear_records(self) -> None:
        self.pengaduan.clear()
        self.tanggapan.clear()
        for r in seed_records(self.seed_count, kode_wilayah=self.kode_wilayah, seed=self.seed):
            content = r.content
            if r.index == 1:
                content = f'{content}\nLokasi: RT 03; RW 01 (dekat "Simpang Tiga") \u2013 mohon segera'
            if r.index == 3:
                content = FORMULA_ROW
            row = self._insert(
                r.created_at.astimezone(WIB).date(),
                r.nik,
                content,
                f"foto_{r.index}.jpg" if r.index % 2 else "",
            )
            row.status = _STAGE_STATUS[r.stage]
            row.id_kategori = KATEGORI[r.topic]
            row.tgl_kejadian = r.incident_date
            row.kode_opd = OPD_CODES[r.opd] if r.opd else ""
            if row.status != "0":
                self._answer(
                    row.id_pengaduan,
                    r.updated_at.astimezone(WIB).date(),
                    "Laporan sedang ditindaklanjuti.",
                    2,
                )

    def _insert(self, day: date, nik: str, isi: str, foto: str) -> Pengaduan:
        row = Pengaduan(max(self.pengaduan, default=0) + 1, day, nik, isi, foto, "0")
        self.pengaduan[row.id_pengaduan] = row
        return row

    def _answer(self, id_pengaduan: int, day: date, text: str, petugas: int) -> Tanggapan:
        row = Tanggapan(max(self.tanggapan, default=0) + 1, id_pengaduan, day, text, petugas)
        self.tanggapan[row.id_tanggapan] = row
        return row

    # -- HTTP ------------------------------------------------------------------------

    def routes(self) -> list[web.RouteDef]:
        return [
            web.get("/export/pengaduan.csv", self.export_pengaduan),
            web.get("/export/tanggapan.csv", self.export_tanggapan),
            web.post("/import/pengaduan", self.import_pengaduan),
            web.post("/import/tanggapan", self.import_tanggapan),
            web.post("/import/status", self.import_status),
        ]

    def authorised(self, request: web.Request) -> bool:
        return request.query.get("key") == self.key

    def unauthorised(self) -> web.Response:
        return web.Response(status=401, text="Akses ditolak: key salah", content_type="text/plain")

    @staticmethod
    def _since(request: web.Request) -> date | None:
        raw = request.query.get("since")
        if not raw:
            return None
        try:
            return date.fromisoformat(raw)
        except ValueError:
            raise web.HTTPBadRequest(text="since harus YYYY-MM-DD") from None

    @staticmethod
    def _csv(body: bytes, filename: str) -> web.Response:
        response = web.Response(body=body, content_type="text/csv", charset="ISO-8859-1")
        response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response

    async def export_pengaduan(self, request: web.Request) -> web.Response:
        since = self._since(request)
        rows = [
            (
                p.id_pengaduan,
                p.tgl_pengaduan.isoformat(),
                p.nik,
                p.isi_laporan,
                p.foto,
                p.status,
                "" if p.id_kategori is None else p.id_kategori,
                p.tgl_kejadian.isoformat() if p.tgl_kejadian else "",
                p.kode_opd,
            )
            for p in sorted(self.pengaduan.values(), key=lambda p: p.id_pengaduan)
            if since is None or p.tgl_pengaduan >= since
        ]
        return self._csv(to_csv(PENGADUAN_COLUMNS, rows), "pengaduan.csv")

    async def export_tanggapan(self, request: web.Request) -> web.Response:
        since = self._since(request)
        rows = [
            (
                t.id_tanggapan,
                t.id_pengaduan,
                t.tgl_tanggapan.isoformat(),
                t.tanggapan,
                t.id_petugas,
            )
            for t in sorted(self.tanggapan.values(), key=lambda t: t.id_tanggapan)
            if since is None or t.tgl_tanggapan >= since
        ]
        return self._csv(to_csv(TANGGAPAN_COLUMNS, rows), "tanggapan.csv")

    @staticmethod
    def _today() -> date:
        return datetime.now(WIB).date()

    async def import_pengaduan(self, request: web.Request) -> web.Response:
        form = await request.post()
        nik, isi = str(form.get("nik", "")), str(form.get("isi_laporan", ""))
        if not isi.strip():
            return web.json_response({"status": "error", "pesan": "isi_laporan wajib diisi"}, status=422)
        row = self._insert(self._today(), nik, isi, str(form.get("foto", "")))
        kategori, kejadian = str(form.get("id_kategori", "")), str(form.get("tgl_kejadian", ""))
        if kategori.isdigit():
            row.id_kategori = int(kategori)
        try:
            row.tgl_kejadian = date.fromisoformat(kejadian) if kejadian else None
        except ValueError:
            return web.json_response({"status": "error", "pesan": "tgl_kejadian tidak valid"}, status=422)
        return web.json_response({"status": "ok", "id_pengaduan": row.id_pengaduan})

    async def import_tanggapan(self, request: web.Request) -> web.Response:
        form = await request.post()
        try:
            id_pengaduan = int(str(form.get("id_pengaduan", "")))
            petugas = int(str(form.get("id_petugas", "1")))
        except ValueError:
            return web.json_response({"status": "error", "pesan": "id tidak valid"}, status=422)
        text = str(form.get("tanggapan", ""))
        if id_pengaduan not in self.pengaduan or not text.strip():
            return web.json_response(
                {"status": "error", "pesan": "pengaduan/tanggapan tidak valid"},
                status=422,
            )
        try:
            # The answer's own day when the form gives one (a late import keeps its date).
            day = date.fromisoformat(str(form["tgl_tanggapan"])) if form.get("tgl_tanggapan") else self._today()
        except ValueError:
            return web.json_response({"status": "error", "pesan": "tgl_tanggapan harus YYYY-MM-DD"}, status=422)
        row = self._answer(id_pengaduan, day, text, petugas)
        if self.pengaduan[id_pengaduan].status == "0":  # answering moves a new row to 'proses'
            self.pengaduan[id_pengaduan].status = "proses"
        return web.json_response({"status": "ok", "id_tanggapan": row.id_tanggapan})

    async def import_status(self, request: web.Request) -> web.Response:
        form = await request.post()
        try:
            id_pengaduan = int(str(form.get("id_pengaduan", "")))
        except ValueError:
            return web.json_response({"status": "error", "pesan": "id tidak valid"}, status=422)
        status = str(form.get("status", ""))
        if id_pengaduan not in self.pengaduan or status not in STATUSES:
            return web.json_response({"status": "error", "pesan": "status tidak valid"}, status=422)
        self.pengaduan[id_pengaduan].status = status
        return web.json_response({"status": "ok"})
