"""The check counts each record once, however often paging gives it back: oldest-first
paging asks again from the newest change it read (a since parameter in whole minutes,
inclusive, gives those records back), and a record changed while paging comes again."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from datetime import datetime, timedelta

import aiohttp
from aiohttp import web

from connectors.check import check_source
from connectors.http import Policy, UpstreamClient
from connectors.loader import build_source
from connectors.spec import load_spec

FORMAT = "%d-%m-%Y %H.%M"
MAPPING = """
[source]
name = "73.06-uji-halaman"
kode_wilayah = "73.06"
time_zone = "WITA"

[records]
path = "data"

[request]
path = "/laporan"
params = { urutan = "terlama" }
since_param = "diubah_sejak"
since_format = "%d-%m-%Y %H.%M"
pagination = { style = "page", page_param = "halaman", size_param = "per_halaman", size = 5, oldest_first = true }

[fields]
source_id = "id"
title = "judul"
content = "isi"
created_at = { path = "dibuat", cast = "datetime", format = "%d-%m-%Y %H.%M" }
updated_at = { path = "diubah", cast = "datetime", format = "%d-%m-%Y %H.%M" }
status = { path = "status", map = "status" }

[maps.status]
baru = "BELUM_TERVERIFIKASI"
selesai = "SELESAI"
"""
RECORDS = 17


class Paged:
    """A list ordered oldest change first, filtered by a since parameter in whole minutes
    (inclusive), three records to a minute; record 1 changes after the first page is read."""

    def __init__(self) -> None:
        base = datetime(2026, 11, 2, 9, 0)
        self.records = {
            str(n): {
                "id": str(n),
                "judul": f"Laporan {n}",
                "isi": f"Jalan rusak di dusun {n}",
                "dibuat": (base + timedelta(minutes=n // 3)).strftime(FORMAT),
                "diubah": (base + timedelta(minutes=n // 3)).strftime(FORMAT),
                "status": "baru",
            }
            for n in range(1, RECORDS + 1)
        }
        self.pages = 0

    async def list(self, request: web.Request) -> web.Response:
        self.pages += 1
        if self.pages == 2:  # changed while the gateway pages: it moves to the end
            self.records["1"]["diubah"], self.records["1"]["status"] = (
                datetime(2026, 11, 2, 10, 0).strftime(FORMAT),
                "selesai",
            )
        rows = sorted(
            self.records.values(), key=lambda r: (datetime.strptime(str(r["diubah"]), FORMAT), int(str(r["id"])))
        )
        since = request.query.get("diubah_sejak")
        if since is not None:
            rows = [r for r in rows if datetime.strptime(str(r["diubah"]), FORMAT) >= datetime.strptime(since, FORMAT)]
        size, page = int(request.query["per_halaman"]), int(request.query["halaman"])
        return web.json_response({"data": rows[(page - 1) * size : page * size]})


@contextlib.asynccontextmanager
async def serving(system: Paged) -> AsyncIterator[str]:
    app = web.Application()
    app.router.add_get("/laporan", system.list)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    try:
        yield f"http://127.0.0.1:{runner.addresses[0][1]}"
    finally:
        await runner.cleanup()


async def test_oldest_first_paging_counts_each_record_once() -> None:
    system = Paged()
    spec = load_spec(MAPPING)
    async with serving(system) as url, aiohttp.ClientSession() as session:
        client = UpstreamClient(spec.name, session, Policy(total_timeout=5, attempts=1))
        report = await check_source(build_source(spec, client, url), kode_wilayah="73.06", writes=False)
    assert system.pages > RECORDS // 5 + 1  # the pages did give records back again
    assert (report.read, report.mapped, len(report.rejected)) == (RECORDS, RECORDS, 0), report.render()
    assert report.render().splitlines()[0].endswith(f"{RECORDS} records read, {RECORDS} mapped, 0 not mapped")
    # Each record as last read: record 1 changed to selesai while the check paged.
    assert report.statuses == {"BELUM_TERVERIFIKASI": RECORDS - 1, "SELESAI": 1}
