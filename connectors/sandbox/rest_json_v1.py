"""Simulator of the `rest_json_v1` dialect: a Next.js/Prisma regency app like e-Lapor Kab. Kupang.

Quirks (docs/domain.md §4.1, §4.5): ids `rep_<uuid>`/`cmt_<uuid>`; two parallel statuses,
`bupatiStatus` (the regent's office, the one that counts) and `opdStatus` (the unit), both in
PENDING/PROSES/SELESAI/DITOLAK; within PROSES, `respondedAt` set means the OPD answered
(DITINDAKLANJUTI), unset means only disposed (`assignedAt`). Timestamps are ISO 8601 in WIB
(`+07:00`). Listing is page-number pagination ordered by (updatedAt, id), `updatedSince`
inclusive. Creates and comments honour `Idempotency-Key` (and creates also `externalRef`):
a retry returns the original with 200 and `Idempotent-Replayed: true`.

Each report has the app's own `category` code (CATEGORIES), the `incidentDate` the reporter
gave (a date), the `opdId` the regent's office disposed it to (`opd_<unit>`), the `channel`
it came in by (web or android), and comments with a `role`: OPD for an answer, PELAPOR for
the reporter's reply. Files the reporter uploaded (photos of the road, a scanned letter) are
listed in `attachments` as the app's upload table has them: `fileName`, `mimeType`,
`fileSize` in bytes and the app's own `url` (a path on its host), no digest; an OPD's answer
on a closed report carries the photo of the site visit the same way.
"""

from __future__ import annotations

import bisect
import uuid
from datetime import datetime, timedelta, timezone
from random import Random
from typing import Any

from aiohttp import web
from typing_extensions import override

from connectors.sandbox.base import SeededSimulator
from connectors.sandbox.payloads import bad_request, int_param, json_object, not_found
from connectors.sandbox.seed import SeedFile, SeedRecord, seed_records

WIB = timezone(timedelta(hours=7))
STATUSES = ("PENDING", "PROSES", "SELESAI", "DITOLAK")
CHANNELS = ("web", "android")
DEFAULT_TOKEN = "sandbox-rest-json-v1-token"

# The app's own category codes, by seed topic.
CATEGORIES = {
    "jalan": "JALAN_JEMBATAN",
    "pju": "PENERANGAN_JALAN",
    "sampah": "KEBERSIHAN",
    "air": "AIR_BERSIH",
    "ktp": "ADMINDUK",
    "puskesmas": "KESEHATAN",
    "banjir": "BENCANA",
    "pungli": "PUNGLI",
}
# The app's OPD ids, by the seed's unit key.
OPD_IDS = {
    "pupr": "opd_dinas-pupr",
    "dishub": "opd_dishub",
    "dlh": "opd_dlh",
    "disdukcapil": "opd_disdukcapil",
    "dinkes": "opd_dinkes",
    "bpbd": "opd_bpbd",
    "inspektorat": "opd_inspektorat",
}

_STAGE_STATUS = {
    "new": "PENDING",
    "verifying": "PENDING",
    "disposed": "PROSES",
    "answered": "PROSES",
    "done": "SELESAI",
    "rejected": "DITOLAK",
}


def iso(value: datetime) -> str:
    """ISO 8601 with the WIB offset, millisecond precision, as Prisma clients print it."""
    return value.astimezone(WIB).isoformat(timespec="milliseconds")


class RestJsonV1(SeededSimulator):
    """`rest_json_v1`: REST JSON with `Authorization: Bearer <token>`."""

    name = "rest_json_v1"
    _order: tuple[list[dict[str, Any]], list[tuple[datetime, str]]] | None

    secret = DEFAULT_TOKEN
    calls = f"GET /api/reports?page=&limit=, Authorization: Bearer {DEFAULT_TOKEN}"

    @classmethod
    @override
    def for_regency(cls, kode_wilayah: str, *, seed_count: int, index: int) -> RestJsonV1:
        return cls(kode_wilayah=kode_wilayah, seed_count=seed_count, seed=index)

    def __init__(
        self,
        *,
        token: str = DEFAULT_TOKEN,
        kode_wilayah: str = "16.01",
        seed_count: int = 12,
        seed: int = 0,
    ) -> None:
        super().__init__(kode_wilayah=kode_wilayah, seed_count=seed_count, seed=seed)
        self.token = token
        self.reports: dict[str, dict[str, Any]] = {}
        self.idempotency: dict[tuple[str, str], str] = {}
        self.clear_records()

    def _ordered(self) -> tuple[list[dict[str, Any]], list[tuple[datetime, str]]]:
        """Reports by (updatedAt, id), cached until the next write (a big seed lists fast)."""
        if self._order is None:
            keyed = sorted(((datetime.fromisoformat(r["updatedAt"]), r["id"]), r) for r in self.reports.values())
            self._order = ([r for _, r in keyed], [k for k, _ in keyed])
        return self._order

    def clear_records(self) -> None:
        self._order = None
        self.reports.clear()
        self.idempotency.clear()
        self._uuids = Random(f"rest:{self.seed}")
        for record in seed_records(self.seed_count, kode_wilayah=self.kode_wilayah, seed=self.seed):
            report = self._from_seed(record)
            self.reports[report["id"]] = report

    def _new_id(self, prefix: str) -> str:
        return f"{prefix}_{uuid.UUID(int=self._uuids.getrandbits(128), version=4)}"

    def _from_seed(self, r: SeedRecord) -> dict[str, Any]:
        status = _STAGE_STATUS[r.stage]
        assigned = r.created_at + timedelta(hours=1) if r.stage in ("disposed", "answered", "done") else None
        responded = r.updated_at if r.stage in ("answered", "done") else None
        report = self._blank(
            title=r.title,
            description=r.content,
            location=f"{r.district_name}, {r.regency_name}",
            at=r.created_at,
        )
        report.update(
            bupatiStatus=status,
            opdStatus=None if assigned is None else ("SELESAI" if r.stage == "done" else "PROSES"),
            opdId=OPD_IDS[r.opd] if assigned and r.opd else None,
            category=CATEGORIES[r.topic],
            incidentDate=r.incident_date.isoformat() if r.incident_date else None,
            channel="android" if r.index % 3 == 0 else "web",
            bupatiReason="Bukan kewenangan pemerintah kabupaten" if status == "DITOLAK" else None,
            updatedAt=iso(max(r.updated_at, r.created_at)),
            assignedAt=iso(assigned) if assigned else None,
            respondedAt=iso(responded) if responded else None,
            reporter={
                "name": r.reporter_name,
                "nikNumber": r.nik,
                "contactNumber": r.phone,
                "email": r.email,
            },
        )
        report["attachments"] = [_upload(report["id"], n, f, r.created_at) for n, f in enumerate(r.files)]
        if responded:
            answer = self._comment(report["id"], "usr_opd", "Sudah kami tinjau ke lokasi.", responded)
            if r.stage == "done" and r.files:
                visit = SeedFile(f"tinjauan_{report['id'][4:12]}.jpg", "image/jpeg", 512_000 + 97 * r.index, "")
                answer["attachments"].append(_upload(answer["id"], 0, visit, responded))
            report["comments"].append(answer)
        if responded and r.reply:
            report["comments"].append(self._comment(report["id"], "usr_pelapor", r.reply, responded, role="PELAPOR"))
        return report

    def _blank(self, *, title: str, description: str, location: str, at: datetime) -> dict[str, Any]:
        return {
            "id": self._new_id("rep"),
            "userId": "usr_gateway",
            "opdId": None,
            "title": title,
            "description": description,
            "location": location or "empty",
            "category": "UMUM",
            "subcategory": None,
            "incidentDate": None,
            "channel": "web",
            "priority": "MEDIUM",
            "bupatiStatus": "PENDING",
            "opdStatus": None,
            "bupatiReason": None,
            "opdReason": None,
            "createdAt": iso(at),
            "updatedAt": iso(at),
            "assignedAt": None,
            "respondedAt": None,
            "isReadByBupati": False,
            "isReadByOpd": False,
            "externalRef": None,
            "reporter": None,
            "attachments": [],
            "comments": [],
        }

    def _comment(self, report_id: str, user_id: str, text: str, at: datetime, role: str = "OPD") -> dict[str, Any]:
        return {
            "id": self._new_id("cmt"),
            "reportId": report_id,
            "userId": user_id,
            "role": role,
            "comment": text,
            "attachments": [],
            "createdAt": iso(at),
        }

    # -- HTTP ------------------------------------------------------------------------

    def routes(self) -> list[web.RouteDef]:
        return [
            web.get("/api/reports", self.list_reports),
            web.post("/api/reports", self.create_report),
            web.get("/api/reports/{id}", self.get_report),
            web.post("/api/reports/{id}/status", self.set_status),
            web.post("/api/reports/{id}/comments", self.add_comment),
        ]

    def authorised(self, request: web.Request) -> bool:
        return request.headers.get("Authorization", "") == f"Bearer {self.token}"

    def unauthorised(self) -> web.Response:
        return web.json_response(
            {"error": "Unauthorized"},
            status=401,
            headers={"WWW-Authenticate": 'Bearer realm="e-lapor"'},
        )

    def _report(self, request: web.Request) -> dict[str, Any]:
        report = self.reports.get(request.match_info["id"])
        if report is None:
            raise not_found("report")
        return report

    async def list_reports(self, request: web.Request) -> web.Response:
        page = int_param(request, "page", 1, 1, 10**6)
        limit = int_param(request, "limit", 20, 1, 100)
        since_raw = request.query.get("updatedSince")
        rows, keys = self._ordered()
        if since_raw:
            try:
                since = datetime.fromisoformat(since_raw.replace("Z", "+00:00"))
            except ValueError:
                raise bad_request("updatedSince must be ISO 8601") from None
            if since.tzinfo is None:
                raise bad_request("updatedSince needs a UTC offset")
            rows = rows[bisect.bisect_left(keys, (since, "")) :]
        chunk = rows[(page - 1) * limit : page * limit]
        return web.json_response({"data": chunk, "meta": {"page": page, "limit": limit, "total": len(rows)}})

    async def get_report(self, request: web.Request) -> web.Response:
        return web.json_response(self._report(request))

    def _replay(self, scope: str, request: web.Request, body: dict[str, Any]) -> str | None:
        key = request.headers.get("Idempotency-Key")
        found = self.idempotency.get((scope, key)) if key else None
        if found is None and scope == "create" and body.get("externalRef"):
            found = next(
                (r["id"] for r in self.reports.values() if r["externalRef"] == body["externalRef"]),
                None,
            )
        return found

    def _remember(self, scope: str, request: web.Request, value: str) -> None:
        key = request.headers.get("Idempotency-Key")
        if key:
            self.idempotency[(scope, key)] = value

    async def create_report(self, request: web.Request) -> web.Response:
        body = await json_object(request)
        replayed = self._replay("create", request, body)
        if replayed:
            return web.json_response(self.reports[replayed], headers={"Idempotent-Replayed": "true"})
        for name in ("title", "description"):
            if not isinstance(body.get(name), str) or not body[name].strip():
                raise bad_request(f"{name} is required", 422)
        report = self._blank(
            title=body["title"],
            description=body["description"],
            location=str(body.get("location") or ""),
            at=self.clock.now(),
        )
        for name in ("category", "subcategory", "incidentDate", "externalRef", "reporter"):
            if name in body:
                report[name] = body[name]
        if "channel" in body:
            if body["channel"] not in CHANNELS:
                raise bad_request(f"channel must be one of {CHANNELS}", 422)
            report["channel"] = body["channel"]
        if body.get("priority") in ("LOW", "MEDIUM", "HIGH"):
            report["priority"] = body["priority"]
        self.reports[report["id"]] = report
        self._order = None
        self._remember("create", request, report["id"])
        return web.json_response(report, status=201)

    async def set_status(self, request: web.Request) -> web.Response:
        report = self._report(request)
        body = await json_object(request)
        status, opd_status = body.get("status"), body.get("opdStatus")
        if status is None and opd_status is None:
            raise bad_request("status or opdStatus is required", 422)
        for value in (status, opd_status):
            if value is not None and value not in STATUSES:
                raise bad_request(f"status must be one of {STATUSES}", 422)
        opd = body.get("opdId")
        if opd and opd not in OPD_IDS.values():
            # Like the real app, whose opdId is a key of its own OPD table: a registry id
            # such as "16.01-pupr" is not one of them.
            raise bad_request(f"opdId must be one of {sorted(OPD_IDS.values())}", 422)
        now = iso(self.clock.now())
        if status is not None:
            report["bupatiStatus"] = status
            report["bupatiReason"] = body.get("reason", report["bupatiReason"])
        if body.get("opdId"):
            report["opdId"], report["assignedAt"] = (
                body["opdId"],
                report["assignedAt"] or now,
            )
            report["opdStatus"] = report["opdStatus"] or "PENDING"
        if opd_status is not None:
            report["opdStatus"] = opd_status
            report["opdReason"] = body.get("reason", report["opdReason"])
        report["updatedAt"] = now
        self._order = None
        return web.json_response(report)

    async def add_comment(self, request: web.Request) -> web.Response:
        report = self._report(request)
        body = await json_object(request)
        scope = f"comment:{report['id']}"
        replayed = self._replay(scope, request, body)
        if replayed:
            comment = next(c for c in report["comments"] if c["id"] == replayed)
            return web.json_response(comment, headers={"Idempotent-Replayed": "true"})
        text = body.get("comment")
        if not isinstance(text, str) or not text.strip():
            raise bad_request("comment is required", 422)
        now = self.clock.now()
        role = str(body["role"]) if body.get("role") in ("OPD", "PELAPOR") else "OPD"
        comment = self._comment(report["id"], str(body.get("userId") or "usr_gateway"), text, now, role=role)
        report["comments"].append(comment)
        if body.get("role") == "OPD":  # the OPD's first answer marks the report as responded
            report["respondedAt"] = report["respondedAt"] or iso(now)
            report["opdStatus"] = "PROSES" if report["opdStatus"] in (None, "PENDING") else report["opdStatus"]
        report["updatedAt"] = iso(now)
        self._order = None
        self._remember(scope, request, comment["id"])
        return web.json_response(comment, status=201)


def _upload(owner_id: str, n: int, f: SeedFile, at: datetime) -> dict[str, Any]:
    """A row of the app's upload table: named after its owner, served from the app's host."""
    upload_id = f"att_{owner_id[4:]}_{n}"
    extension = f.name.rsplit(".", 1)[-1]
    return {
        "id": upload_id,
        "fileName": f.name,
        "mimeType": f.media_type,
        "fileSize": f.size,
        "url": f"/uploads/{owner_id}/{upload_id}.{extension}",
        "createdAt": iso(at),
    }
