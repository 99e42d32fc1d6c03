"""Simulator of the `wa_bot_mongo` dialect: a WhatsApp-bot intake on Express/MongoDB like LaporAA.

Quirks (docs/domain.md §4.2, §4.5): header `x-api-key`; 24-hex Mongo ObjectIds; epoch-millisecond
timestamps; a nested `location` and `tindakan` (with `trackingId`, the LAPOR! number or
null, and `opd` as a list). Listing is cursor pagination over (updatedAt, _id): the cursor is
opaque, `nextCursor` is null on the last page, `since` (epoch ms, inclusive) narrows the
first page. `sessionId` is unique: creating a second report with the same sessionId answers
409 with the existing `_id` (a Mongo E11000), which is how a retried create is recognised.

The bot asks the reporter to pick a `topik` from its menu (TOPIK) and when it happened
(`tanggalKejadian`, YYYY-MM-DD); the regent's office disposes it by naming OPD in
`tindakan.opd`, the responsible one first (OPD_NAMES). Photos and documents the reporter
sends in the chat are kept in `photos` as the WhatsApp Cloud API describes its media
(`mime_type`, `sha256`, `file_size`), with the name the bot saved them under and the bot's
own `url` to them.
"""

from __future__ import annotations

import base64
import json
from datetime import datetime
from random import Random
from typing import Any

from aiohttp import web
from typing_extensions import override

from connectors.sandbox.base import SeededSimulator
from connectors.sandbox.payloads import bad_request, int_param, json_object, not_found
from connectors.sandbox.seed import SeedFile, SeedRecord, seed_records

STATUSES = (
    "Perlu Verifikasi",
    "Verifikasi Situasi",
    "Verifikasi Kelengkapan Berkas",
    "Proses OPD Terkait",
    "Selesai Penanganan",
    "Selesai Pengaduan",
    "Ditolak",
)
SITUASI = ("Darurat", "Permintaan Informasi", "Berpengawasan", "Tidak Berpengawasan")
DEFAULT_API_KEY = "sandbox-wa-bot-mongo-key"

# The bot's topic menu, by seed topic.
TOPIK = {
    "jalan": "Jalan Rusak",
    "pju": "Lampu Jalan",
    "sampah": "Sampah",
    "air": "Air Bersih / PDAM",
    "ktp": "Administrasi Kependudukan",
    "puskesmas": "Layanan Kesehatan",
    "banjir": "Bencana",
    "pungli": "Pungutan Liar",
}
# The OPD as the regent's office names them, by the seed's unit key.
OPD_NAMES = {
    "pupr": "Dinas Pekerjaan Umum dan Penataan Ruang",
    "dishub": "Dinas Perhubungan",
    "dlh": "Dinas Lingkungan Hidup",
    "disdukcapil": "Dinas Kependudukan dan Pencatatan Sipil",
    "dinkes": "Dinas Kesehatan",
    "bpbd": "Badan Penanggulangan Bencana Daerah",
    "inspektorat": "Inspektorat Daerah",
}

_STAGE_STATUS = {
    "new": "Perlu Verifikasi",
    "verifying": "Verifikasi Kelengkapan Berkas",
    "disposed": "Proses OPD Terkait",
    "answered": "Selesai Penanganan",
    "done": "Selesai Pengaduan",
    "rejected": "Ditolak",
}


def epoch_ms(value: datetime) -> int:
    """Milliseconds since the epoch, as Mongoose serialises Dates here."""
    return int(value.timestamp() * 1000)


class WaBotMongo(SeededSimulator):
    """`wa_bot_mongo`: REST JSON with `x-api-key`, cursor pagination."""

    name = "wa_bot_mongo"
    secret = DEFAULT_API_KEY
    calls = f"GET /reports?cursor=&limit=, x-api-key: {DEFAULT_API_KEY}"

    @classmethod
    @override
    def for_regency(cls, kode_wilayah: str, *, seed_count: int, index: int) -> WaBotMongo:
        return cls(kode_wilayah=kode_wilayah, seed_count=seed_count, seed=index)

    def __init__(
        self,
        *,
        api_key: str = DEFAULT_API_KEY,
        kode_wilayah: str = "16.05",
        seed_count: int = 12,
        seed: int = 0,
    ) -> None:
        super().__init__(kode_wilayah=kode_wilayah, seed_count=seed_count, seed=seed)
        self.api_key = api_key
        self.reports: dict[str, dict[str, Any]] = {}
        self.clear_records()

    def clear_records(self) -> None:
        self.reports.clear()
        self._rng = Random(f"mongo:{self.seed}")
        self._counter = self._rng.randrange(1 << 24)
        self._process = self._rng.getrandbits(40)
        for record in seed_records(self.seed_count, kode_wilayah=self.kode_wilayah, seed=self.seed):
            report = self._from_seed(record)
            self.reports[report["_id"]] = report

    def object_id(self, at: datetime) -> str:
        """A Mongo ObjectId: 4-byte seconds, 5-byte process value, 3-byte counter."""
        self._counter = (self._counter + 1) % (1 << 24)
        return f"{int(at.timestamp()):08x}{self._process:010x}{self._counter:06x}"

    def _from_seed(self, r: SeedRecord) -> dict[str, Any]:
        status = _STAGE_STATUS[r.stage]
        report = self._blank(
            session_id=f"wa-{r.phone}-{r.index}",
            sender=r.phone,
            message=r.content,
            at=r.created_at,
            location={
                "type": "map",
                "latitude": r.latitude,
                "longitude": r.longitude,
                "description": r.title,
                "desa": None,
                "kecamatan": r.district_name,
                "kabupaten": r.regency_name,
            },
            user={"name": r.reporter_name, "nik": r.nik},
        )
        report["topik"] = TOPIK[r.topic]
        report["photos"] = [_media(report["_id"], n, f, r.created_at) for n, f in enumerate(r.files)]
        report["tanggalKejadian"] = r.incident_date.isoformat() if r.incident_date else None
        t = report["tindakan"]
        t["status"] = status
        if r.stage in ("disposed", "answered", "done"):
            t["opd"] = [
                OPD_NAMES[r.opd or "pupr"],
                "Kecamatan " + r.district_name,
            ]
            t["trackingId"] = 4000000 + r.index if r.index % 2 == 0 else None
            t["situasi"] = SITUASI[r.index % len(SITUASI)]
        if r.stage in ("answered", "done"):
            t["hasil"] = "Perbaikan sudah dijadwalkan."
            t["kesimpulan"].append({"text": "Ditangani OPD terkait", "timestamp": epoch_ms(r.updated_at)})
        report["updatedAt"] = t["updatedAt"] = epoch_ms(max(r.updated_at, r.created_at))
        return report

    def _blank(
        self,
        *,
        session_id: str,
        sender: str,
        message: str,
        at: datetime,
        location: dict[str, Any],
        user: dict[str, Any],
    ) -> dict[str, Any]:
        report_id, ms = self.object_id(at), epoch_ms(at)
        return {
            "_id": report_id,
            "sessionId": session_id,
            "from": sender,
            "user": {"_id": self.object_id(at), **user},
            "location": location,
            "message": message,
            "topik": None,
            "tanggalKejadian": None,
            "photos": [],
            "tindakan": {
                "_id": self.object_id(at),
                "report": report_id,
                "hasil": "",
                "kesimpulan": [],
                "trackingId": None,
                "prioritas": "Tidak",
                "situasi": None,
                "status": "Perlu Verifikasi",
                "opd": [],
                "disposisi": [],
                "photos": [],
                "createdAt": ms,
                "updatedAt": ms,
            },
            "processed_by": None,
            "createdAt": ms,
            "updatedAt": ms,
            "__v": 0,
        }

    # -- HTTP ------------------------------------------------------------------------

    def routes(self) -> list[web.RouteDef]:
        return [
            web.get("/reports", self.list_reports),
            web.post("/reports", self.create_report),
            web.get("/reports/{id}", self.get_report),
            web.patch("/reports/{id}/tindakan", self.update_tindakan),
        ]

    def authorised(self, request: web.Request) -> bool:
        return request.headers.get("x-api-key") == self.api_key

    def unauthorised(self) -> web.Response:
        return web.json_response({"success": False, "message": "Invalid API key"}, status=401)

    def _report(self, request: web.Request) -> dict[str, Any]:
        report = self.reports.get(request.match_info["id"])
        if report is None:
            raise not_found("report")
        return report

    async def list_reports(self, request: web.Request) -> web.Response:
        limit = int_param(request, "limit", 20, 1, 100)
        rows = sorted(self.reports.values(), key=lambda r: (r["updatedAt"], r["_id"]))
        cursor = request.query.get("cursor")
        if cursor:
            after = _decode_cursor(cursor)
            rows = [r for r in rows if (r["updatedAt"], r["_id"]) > after]
        else:
            since = int_param(request, "since", 0, 0, 1 << 62)
            rows = [r for r in rows if r["updatedAt"] >= since]
        items = rows[:limit]
        more = len(rows) > limit
        next_cursor = _encode_cursor(items[-1]["updatedAt"], items[-1]["_id"]) if more else None
        return web.json_response({"items": items, "nextCursor": next_cursor})

    async def get_report(self, request: web.Request) -> web.Response:
        return web.json_response(self._report(request))

    async def create_report(self, request: web.Request) -> web.Response:
        body = await json_object(request)
        session_id, message = body.get("sessionId"), body.get("message")
        if not isinstance(session_id, str) or not session_id:
            raise bad_request("sessionId is required", 422)
        if not isinstance(message, str) or not message.strip():
            raise bad_request("message is required", 422)
        existing = next((r for r in self.reports.values() if r["sessionId"] == session_id), None)
        if existing is not None:
            return web.json_response(
                {
                    "success": False,
                    "message": "E11000 duplicate key error: sessionId",
                    "_id": existing["_id"],
                },
                status=409,
            )
        location = found if isinstance(found := body.get("location"), dict) else {}
        report = self._blank(
            session_id=session_id,
            sender=str(body.get("from") or ""),
            message=message,
            at=self.clock.now(),
            location={
                "type": "text",
                "latitude": None,
                "longitude": None,
                "description": "",
                "desa": None,
                "kecamatan": None,
                "kabupaten": None,
                **location,
            },
            user=user if isinstance(user := body.get("user"), dict) else {},
        )
        if body.get("trackingId") is not None:
            report["tindakan"]["trackingId"] = body["trackingId"]
        for name in ("topik", "tanggalKejadian"):
            if isinstance(body.get(name), str):
                report[name] = body[name]
        self.reports[report["_id"]] = report
        return web.json_response(report, status=201)

    async def update_tindakan(self, request: web.Request) -> web.Response:
        report = self._report(request)
        body = await json_object(request)
        t = report["tindakan"]
        if "status" in body and body["status"] not in STATUSES:
            raise bad_request(f"status must be one of {STATUSES}", 422)
        if "situasi" in body and body["situasi"] not in (None, *SITUASI):
            raise bad_request(f"situasi must be one of {SITUASI}", 422)
        if "opd" in body and not (isinstance(body["opd"], list) and all(isinstance(o, str) for o in body["opd"])):
            raise bad_request("opd must be a list of strings", 422)
        for name in ("status", "situasi", "opd", "trackingId", "hasil", "prioritas"):
            if name in body:
                t[name] = body[name]
        now = epoch_ms(self.clock.now())
        if isinstance(body.get("kesimpulan"), str):
            t["kesimpulan"].append({"text": body["kesimpulan"], "timestamp": now})
        report["updatedAt"] = t["updatedAt"] = now
        return web.json_response(report)


def _encode_cursor(updated_at: int, object_id: str) -> str:
    raw = json.dumps([updated_at, object_id]).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode_cursor(cursor: str) -> tuple[int, str]:
    try:
        updated_at, object_id = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        return int(updated_at), str(object_id)
    except (ValueError, TypeError):
        raise bad_request("invalid cursor") from None


def _media(report_id: str, n: int, f: SeedFile, at: datetime) -> dict[str, Any]:
    """A WhatsApp media item as the bot stores it: photos renamed the way WhatsApp names them,
    documents under the name they were sent with."""
    media_id = f"{int(report_id[:8], 16) * 10 + n}"
    name = f"IMG-{at.strftime('%Y%m%d')}-WA{n + 1:04d}.jpg" if f.media_type.startswith("image/") else f.name
    return {
        "id": media_id,
        "filename": name,
        "mime_type": f.media_type,
        "file_size": f.size,
        "sha256": f.sha256,
        "url": f"https://wa-bot.example.id/media/{media_id}",
    }
