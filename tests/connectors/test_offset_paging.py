"""`pagination = { style = "offset" }`: how many records to skip, `size` more each page, until
a page comes back empty; `size_param` is required, so that the system's page size and ours
agree (else offsets skip or repeat records)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import aiohttp
import pytest
from aiohttp import web

from connectors.http import Policy, UpstreamClient
from connectors.loader import build_source
from connectors.paginators import PAGINATORS
from connectors.spec import SpecError, load_spec
from connectors.spec_types import RequestSpec

FAST = Policy(total_timeout=2.0, connect_timeout=1.0, attempts=2, backoff_base=0.01, backoff_max=0.02)
RECORDS = [
    {"id": f"r{n}", "isi": f"Jalan rusak di gang {n}, mohon diperbaiki.", "status": "BARU", "dibuat": "2026-03-02"}
    for n in range(12)
]
MAPPING = """
[source]
name = "16.11-uji"
kode_wilayah = "16.11"

[request]
path = "/laporan"
pagination = {PAGING}

[records]
path = "items"

[fields]
source_id = "id"
content = "isi"
status = { path = "status", map = "status" }
created_at = { path = "dibuat", cast = "date" }
kode_wilayah = { const = "16.11" }

[maps.status]
BARU = "BELUM_TERVERIFIKASI"
"""


def mapping(paging: str) -> str:
    return MAPPING.replace("{PAGING}", paging)


@pytest.fixture
async def system() -> AsyncIterator[tuple[str, list[dict[str, str]]]]:
    """A system paging its list by offset and limit; yields its URL and the queries it got."""
    asked: list[dict[str, str]] = []

    async def laporan(request: web.Request) -> web.Response:
        asked.append(dict(request.query))
        start, limit = int(request.query.get("offset", "0")), int(request.query.get("limit", "3"))
        return web.json_response({"items": RECORDS[start : start + limit]})

    app = web.Application()
    app.router.add_get("/laporan", laporan)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    host, port = runner.addresses[0][:2]
    try:
        yield f"http://{host}:{port}", asked
    finally:
        await runner.cleanup()


def test_the_offset_is_the_records_before_the_page() -> None:
    request = RequestSpec(pagination="offset", offset_param="skip", size=25)
    assert PAGINATORS["offset"].params(request, 1, None) == {"skip": "0"}
    assert PAGINATORS["offset"].params(request, 3, None) == {"skip": "50"}


async def test_a_pull_steps_by_the_page_size_and_reads_each_record_once(
    system: tuple[str, list[dict[str, str]]],
) -> None:
    url, asked = system
    spec = load_spec(mapping('{ style = "offset", size_param = "limit", size = 5 }'))
    ids: list[str] = []
    async with aiohttp.ClientSession() as session:
        source = build_source(spec, UpstreamClient(spec.name, session, FAST), url)
        async for batch in source.changes():
            ids += [r.source_id for r in batch.records]
    assert ids == [r["id"] for r in RECORDS]
    assert [q["offset"] for q in asked] == ["0", "5", "10", "15"]
    assert all(q["limit"] == "5" for q in asked)


def test_offset_paging_without_a_size_param_is_refused() -> None:
    with pytest.raises(SpecError, match=r"^request\.pagination\.size_param: expected"):
        load_spec(mapping('{ style = "offset", size = 5 }'))


def test_an_offset_param_is_not_a_fixed_param() -> None:
    text = mapping('{ style = "offset", size_param = "limit" }\nparams = { offset = "3" }')
    with pytest.raises(SpecError, match=r"^request\.params\.offset: expected"):
        load_spec(text)
