"""Simulator of the national SP4N-LAPOR!: legacy XML addstream, old JSON data API, provisional v3.

- `POST /api/stream/addstream`: the §3.2 XML push (token attribute, 7-digit tracking ids,
  no idempotency: a retry is a duplicate).
- `POST /api/services/f01/gettopics`: the old data API (§3.1), form field `KEYTOKEN`,
  answering `[{"id": "13", "parent": "3", "topic_name": "…"}]` with every id a string.
- `/api/v3/laporan…`: a PROVISIONAL JSON API INVENTED from the v3 form field names (§3.3,
  §3.4). No public spec exists; every v3 answer carries `X-Provisional-Api: true`. Auth by
  `X-Api-Key`; creates and follow-ups honour `Idempotency-Key`; a status is set with PUT
  (idempotent by nature). Reporter data is never returned by v3 reads. A tindak lanjut
  carries its `author_type` (INSTANSI or PELAPOR, the reporter's reply) and keeps the
  `created_at` it was sent with.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from aiohttp import web

from connectors.sandbox.addstream import Submission
from connectors.sandbox.base import SeededSimulator
from connectors.sandbox.payloads import bad_request, int_param, json_object, not_found
from connectors.sandbox.seed import seed_records
from connectors.sandbox.topics import SEED_TOPIC_IDS, TOPICS
from connectors.sandbox.xml_stream import AddstreamSink

DEFAULT_XML_TOKEN = "{9C1B2A3D-4E5F-4A6B-8C7D-0E1F2A3B4C5D}"
DEFAULT_KEYTOKEN = "sandbox-lapor-keytoken"
DEFAULT_API_KEY = "sandbox-lapor-v3-key"
PROVISIONAL = {"X-Provisional-Api": "true"}
AUTHOR_TYPES = ("INSTANSI", "PELAPOR")  # an agency's tindak lanjut, the reporter's reply
V3_STATUSES = (
    "BELUM_TERVERIFIKASI",
    "TUNDA",
    "TERVERIFIKASI",
    "DILIMPAHKAN",
    "MENUNGGU_TANGGAPAN",
    "DIDISPOSISIKAN",
    "DITINDAKLANJUTI",
    "SELESAI",
    "ARSIP",
)
_STAGE_STATUS = {
    "new": "BELUM_TERVERIFIKASI",
    "verifying": "TERVERIFIKASI",
    "disposed": "DIDISPOSISIKAN",
    "answered": "DITINDAKLANJUTI",
    "done": "SELESAI",
    "rejected": "ARSIP",
}
# Where a reporter wrote to LAPOR! itself (the seeded ones), in this API's invented words.
CHANNELS = ("website", "android", "sms1708", "website", "twitter", "ios")
_V3_FIELDS = (
    "classification_id",
    "title",
    "content",
    "date_of_incident",
    "location_id",
    "institution_id",
    "category_id",
    "is_anonymous",
    "is_secret",
    "latitude",
    "longitude",
    "external_ref",
)


def iso(value: datetime) -> str:
    """UTC ISO 8601 with a Z and milliseconds (an invented convention, like the rest of v3)."""
    return value.strftime("%Y-%m-%dT%H:%M:%S.") + f"{value.microsecond // 1000:03d}Z"


class LaporNational(SeededSimulator):
    """The national system. One laporan store behind both the addstream and v3."""

    name = "lapor_national"
    secret = DEFAULT_API_KEY
    calls = (
        f"POST /api/stream/addstream (XML token {DEFAULT_XML_TOKEN}), "
        f"POST /api/services/f01/gettopics (KEYTOKEN {DEFAULT_KEYTOKEN}), "
        f"/api/v3/laporan (PROVISIONAL; X-Api-Key {DEFAULT_API_KEY})"
    )

    def __init__(
        self,
        *,
        xml_token: str = DEFAULT_XML_TOKEN,
        keytoken: str = DEFAULT_KEYTOKEN,
        api_key: str = DEFAULT_API_KEY,
        kode_wilayah: str = "16.13",
        seed_count: int = 8,
        seed: int = 0,
        first_tracking_id: int = 1000001,
        extra_regions: tuple[str, ...] = (),
    ) -> None:
        super().__init__(kode_wilayah=kode_wilayah, seed_count=seed_count, seed=seed)
        # More kab/kota whose complaints live here (e.g. those not yet connected).
        self.extra_regions = extra_regions
        self.keytoken, self.api_key = keytoken, api_key
        self.sink = AddstreamSink(xml_token, first_tracking_id, f"lapor:{seed}")
        self.laporan: dict[str, dict[str, Any]] = {}
        self.reporters: dict[str, dict[str, str]] = {}  # tracking id -> pelapor, never served
        self.idempotency: dict[tuple[str, str], str] = {}
        self.clear_records()

    def clear_records(self) -> None:
        self.sink.clear()
        self.laporan.clear()
        self.reporters.clear()
        self.idempotency.clear()
        seeded = [
            record
            for region in (self.kode_wilayah, *self.extra_regions)
            for record in seed_records(self.seed_count, kode_wilayah=region, seed=self.seed)
        ]
        for r in seeded:
            tracking_id = self.sink.allocate()
            self.laporan[tracking_id] = self._blank(tracking_id, r.created_at) | {
                "classification_id": 1,
                "title": r.title,
                "content": r.content,
                "date_of_incident": (r.incident_date or r.created_at.date()).isoformat(),
                "category_id": SEED_TOPIC_IDS[r.topic],
                "location_id": r.kode_wilayah,
                "institution_id": "pemkab-" + r.kode_wilayah[:5],
                "latitude": r.latitude,
                "longitude": r.longitude,
                "status": _STAGE_STATUS[r.stage],
                "updated_at": iso(max(r.updated_at, r.created_at)),
                "channel": CHANNELS[r.index % len(CHANNELS)],
            }

    def _blank(self, tracking_id: str, at: datetime) -> dict[str, Any]:
        record: dict[str, Any] = {name: None for name in _V3_FIELDS}
        record.update(
            tracking_id=tracking_id,
            is_anonymous=False,
            is_secret=False,
            status="BELUM_TERVERIFIKASI",
            source="v3",
            # Written elsewhere and sent in through an integration (v3 or addstream).
            channel="integrasi",
            created_at=iso(at),
            updated_at=iso(at),
            tindak_lanjut=[],
        )
        return record

    def _on_addstream(self, tracking_id: str, s: Submission) -> None:
        record = self._blank(tracking_id, self.clock.now())
        record.update(
            content=s.isi,
            is_secret=s.rahasia,
            is_anonymous=s.anonim,
            source="addstream",
        )
        self.laporan[tracking_id] = record
        self.reporters[tracking_id] = {
            "email": s.email,
            "telpon": s.telpon,
            "namadepan": s.namadepan,
            "namabelakang": s.namabelakang,
        }

    @property
    def submissions(self) -> list[tuple[str, Submission]]:
        """Addstream submissions as (tracking id, parsed document), in arrival order."""
        return self.sink.submissions

    # -- HTTP ------------------------------------------------------------------------

    def routes(self) -> list[web.RouteDef]:
        return [
            web.post("/api/stream/addstream", self.addstream),
            web.post("/api/services/f01/gettopics", self.gettopics),
            web.get("/api/v3/laporan", self.v3_list),
            web.post("/api/v3/laporan", self.v3_create),
            web.get("/api/v3/laporan/{tracking_id}", self.v3_get),
            web.post("/api/v3/laporan/{tracking_id}/tindak-lanjut", self.v3_follow_up),
            web.put("/api/v3/laporan/{tracking_id}/status", self.v3_status),
        ]

    def admin_routes(self) -> list[web.RouteDef]:
        # What the legacy (push-only) intake accepted, as connectors.sandbox.xml_stream.
        return [web.get("/_sandbox/accepted", self.sink.accepted)]

    def authorised(self, request: web.Request) -> bool:
        if request.path.startswith("/api/v3/"):
            return request.headers.get("X-Api-Key") == self.api_key
        return True  # addstream checks its token attribute, gettopics its KEYTOKEN form field

    def unauthorised(self) -> web.Response:
        return web.json_response(
            {"error": "invalid api key", "provisional": True},
            status=401,
            headers=PROVISIONAL,
        )

    async def addstream(self, request: web.Request) -> web.Response:
        return await self.sink.handle(request, self._on_addstream)

    async def gettopics(self, request: web.Request) -> web.Response:
        form = await request.post()
        if form.get("KEYTOKEN") != self.keytoken:
            return web.json_response({"status": "error", "message": "KEYTOKEN tidak valid"}, status=401)
        return web.json_response([{"id": i, "parent": p, "topic_name": n} for i, p, n in TOPICS])

    def _laporan(self, request: web.Request) -> dict[str, Any]:
        record = self.laporan.get(request.match_info["tracking_id"])
        if record is None:
            raise web.HTTPNotFound(
                text=not_found("laporan").text,
                content_type="application/json",
                headers=PROVISIONAL,
            )
        return record

    async def v3_list(self, request: web.Request) -> web.Response:
        page = int_param(request, "page", 1, 1, 10**6)
        per_page = int_param(request, "per_page", 20, 1, 100)
        rows = sorted(self.laporan.values(), key=lambda r: (r["updated_at"], r["tracking_id"]))
        since = request.query.get("since")
        if since:
            try:
                since_at = datetime.fromisoformat(since.replace("Z", "+00:00"))
            except ValueError:
                raise bad_request("since must be ISO 8601") from None
            if since_at.tzinfo is None:
                raise bad_request("since needs a UTC offset")
            rows = [r for r in rows if datetime.fromisoformat(r["updated_at"].replace("Z", "+00:00")) >= since_at]
        chunk = rows[(page - 1) * per_page : page * per_page]
        next_page = page + 1 if page * per_page < len(rows) else None
        body = {
            "provisional": True,
            "data": chunk,
            "page": page,
            "per_page": per_page,
            "total": len(rows),
            "next_page": next_page,
        }
        return web.json_response(body, headers=PROVISIONAL)

    async def v3_get(self, request: web.Request) -> web.Response:
        return web.json_response(self._laporan(request), headers=PROVISIONAL)

    async def v3_create(self, request: web.Request) -> web.Response:
        body = await json_object(request)
        key = request.headers.get("Idempotency-Key")
        if key and ("create", key) in self.idempotency:
            record = self.laporan[self.idempotency[("create", key)]]
            return web.json_response(_created(record), headers=PROVISIONAL | {"Idempotent-Replayed": "true"})
        unknown = set(body) - set(_V3_FIELDS) - {"attachments"}
        if unknown:
            raise bad_request(f"unknown fields: {sorted(unknown)}", 422)
        if body.get("classification_id") not in (1, 2, 3):
            raise bad_request("classification_id must be 1, 2 or 3", 422)
        for name in ("title", "content"):
            if not isinstance(body.get(name), str) or not body[name].strip():
                raise bad_request(f"{name} is required", 422)
        tracking_id = self.sink.allocate()
        record = self._blank(tracking_id, self.clock.now())
        record.update({k: body[k] for k in _V3_FIELDS if k in body})
        record["is_anonymous"], record["is_secret"] = (
            bool(record["is_anonymous"]),
            bool(record["is_secret"]),
        )
        self.laporan[tracking_id] = record
        if key:
            self.idempotency[("create", key)] = tracking_id
        return web.json_response(_created(record), status=201, headers=PROVISIONAL)

    async def v3_follow_up(self, request: web.Request) -> web.Response:
        record = self._laporan(request)
        body = await json_object(request)
        key = request.headers.get("Idempotency-Key")
        scope = ("tindak-lanjut:" + record["tracking_id"], key or "")
        if key and scope in self.idempotency:
            entry = next(t for t in record["tindak_lanjut"] if t["id"] == self.idempotency[scope])
            return web.json_response(entry, headers=PROVISIONAL | {"Idempotent-Replayed": "true"})
        content = body.get("content")
        if not isinstance(content, str) or not content.strip():
            raise bad_request("content is required", 422)
        author = body.get("author_type", "INSTANSI")
        if author not in AUTHOR_TYPES:
            raise bad_request(f"author_type must be one of {AUTHOR_TYPES}", 422)
        if author == "PELAPOR" and body.get("institution_id"):
            raise bad_request("institution_id must be empty when author_type is PELAPOR", 422)
        now = iso(self.clock.now())
        entry = {
            "id": f"{record['tracking_id']}-{len(record['tindak_lanjut']) + 1}",
            "content": content,
            "author_type": author,
            "institution_id": body.get("institution_id"),
            "created_at": _written_at(body.get("created_at")) or now,
        }
        record["tindak_lanjut"].append(entry)
        if author == "INSTANSI" and record["status"] not in ("SELESAI", "ARSIP"):
            # Only an agency's answer moves the laporan on; a reporter's reply does not.
            record["status"] = "DITINDAKLANJUTI"
        record["updated_at"] = now
        if key:
            self.idempotency[scope] = entry["id"]
        return web.json_response(entry, status=201, headers=PROVISIONAL)

    async def v3_status(self, request: web.Request) -> web.Response:
        record = self._laporan(request)
        body = await json_object(request)
        status = body.get("status")
        if status not in V3_STATUSES:
            raise bad_request(f"status must be one of {V3_STATUSES}", 422)
        if record["status"] != status:
            record["status"] = status
            record["status_reason"] = body.get("reason")
            record["updated_at"] = iso(self.clock.now())
        return web.json_response(record, headers=PROVISIONAL)


def _written_at(raw: object) -> str | None:
    """A tindak lanjut's own time, as sent (ISO 8601 with an offset), in UTC; None when not sent."""
    if raw is None:
        return None
    try:
        at = datetime.fromisoformat(str(raw).replace("Z", "+00:00"))
    except ValueError:
        raise bad_request("created_at must be ISO 8601 with a UTC offset", 422) from None
    if at.tzinfo is None:
        raise bad_request("created_at needs a UTC offset", 422)
    return iso(at.astimezone(UTC))


def _created(record: dict[str, Any]) -> dict[str, Any]:
    return {
        "tracking_id": record["tracking_id"],
        "status": record["status"],
        "provisional": True,
    }
