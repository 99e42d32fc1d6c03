"""Fixed query parameters (`[request] params`) reach the source on every list page, and a
query or fragment written into a mapping path is refused at load (it swallowed the since
parameter: `...?urut=asc?sejak=...`)."""

from __future__ import annotations

from urllib.parse import quote

import aiohttp
import pytest
from aiohttp import web

from connectors.http import Policy, UpstreamClient
from connectors.loader import build_source
from connectors.spec import SpecError, load_spec
from tests.loopback import serve_app

FAST = Policy(total_timeout=2.0, connect_timeout=1.0, attempts=2, backoff_base=0.01, backoff_max=0.02)

MAPPING = """
[source]
name = "63.03-kabupaten-banjar"
kode_wilayah = "63.03"
time_zone = "WITA"

[records]
path = "data"

[request]
path = "PATH"
since_param = "diubah_sejak"
EXTRA

[fields]
source_id = "id"
content = "isi"
status = { const = "BELUM_TERVERIFIKASI" }
created_at = { path = "dibuat", cast = "datetime" }
updated_at = { path = "dibuat", cast = "datetime" }
"""

ROWS = [{"id": str(n), "isi": f"Laporan {n}.", "dibuat": f"2026-03-1{n}T08:00:00+08:00"} for n in range(1, 5)]


def upstream(seen: list[dict[str, str]]) -> web.Application:
    """Lists two rows a page, oldest first only when asked `urut=asc` (500 otherwise); its
    next link carries the page alone, as some systems write it."""

    async def list_(request: web.Request) -> web.Response:
        seen.append(dict(request.query))
        if request.query.get("urut") != "asc" or "diubah_sejak" not in request.query:
            return web.json_response({"error": "urut=asc and diubah_sejak required"}, status=500)
        page = int(request.query.get("hal", "1"))
        rows = ROWS[(page - 1) * 2 : page * 2]
        nxt = (
            f"/api/v2/pengaduan?hal={page + 1}&diubah_sejak={quote(request.query['diubah_sejak'])}"
            if page * 2 < len(ROWS)
            else None
        )
        return web.json_response({"data": rows, "links": {"next": nxt}})

    app = web.Application()
    app.router.add_get("/api/v2/pengaduan", list_)
    return app


async def test_fixed_params_go_on_every_page_beside_the_since() -> None:
    seen: list[dict[str, str]] = []
    extra = 'params = { urut = "asc" }\npagination = { style = "next_link", next = "links.next" }'
    spec = load_spec(MAPPING.replace("PATH", "/api/v2/pengaduan").replace("EXTRA", extra))
    assert dict(spec.request.params) == {"urut": "asc"}
    async with serve_app(upstream(seen)) as base, aiohttp.ClientSession() as session:
        source = build_source(spec, UpstreamClient(spec.name, session, FAST), base)
        records = [r async for b in source.changes(since="2026-03-01T00:00:00+00:00") for r in b.records]
    assert [r.source_id for r in records] == ["1", "2", "3", "4"]
    assert [q.get("urut") for q in seen] == ["asc", "asc"]
    assert all(q["diubah_sejak"] == "2026-03-01T00:00:00+00:00" for q in seen)


@pytest.mark.parametrize(
    ("path", "extra", "where"),
    [
        ("/api/v2/pengaduan?urut=asc", "", "request.path"),
        ("/api/v2/pengaduan#top", "", "request.path"),
        ("/api/v2/pengaduan", '[read_one]\npath = "/api/v2/pengaduan/{id}?lengkap=1"', "read_one.path"),
        (
            "/api/v2/pengaduan",
            '[follow_ups]\nlist = "/api/v2/tanggapan?urut=asc"\nrecord_id = "id_pengaduan"\nid = "id"\ntext = "isi"\nat = { path = "tgl", cast = "datetime" }',
            "follow_ups.list",
        ),
        (
            "/api/v2/pengaduan",
            '[follow_ups]\nendpoint = "/api/v2/pengaduan/{id}/tanggapan?urut=asc"\nid = "id"\ntext = "isi"\nat = { path = "tgl", cast = "datetime" }',
            "follow_ups.endpoint",
        ),
    ],
)
def test_a_query_in_a_mapping_path_is_refused_at_load(path: str, extra: str, where: str) -> None:
    text = MAPPING.replace("PATH", path).replace("EXTRA", "")
    with pytest.raises(SpecError) as refused:
        load_spec(text + "\n" + extra)
    message = str(refused.value)
    assert message.startswith(f"{where}: expected a path without a query: put fixed parameters in [request] params")


@pytest.mark.parametrize(
    ("params", "where"),
    [("params = { urut = 1 }", "request.params"), ('params = { diubah_sejak = "x" }', "request.params.diubah_sejak")],
)
def test_wrong_fixed_params_are_refused(params: str, where: str) -> None:
    with pytest.raises(SpecError, match=f"^{where}: expected"):
        load_spec(MAPPING.replace("PATH", "/api/v2/pengaduan").replace("EXTRA", params))
