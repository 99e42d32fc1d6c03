"""HttpSource beyond GET-and-JSON, over real loopback HTTP and real files: a GraphQL source
(cursor pagination through variables, errors, partial data), a CSV export read from a
file:// base URL, and a POST list whose token travels in the form body."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from aiohttp import web

from connectors.errors import DecodeError, UpstreamRejected
from connectors.http import Policy, UpstreamClient
from connectors.loader import build_source
from connectors.protocol import Batch, NewComplaint
from connectors.source import HttpSource
from connectors.spec import load_spec
from schema.canonical import Status
from tests.loopback import serve_app

FAST = Policy(total_timeout=2.0, connect_timeout=1.0, attempts=3, backoff_base=0.01, backoff_max=0.02)
SECRET = "rahasia-uji-123"


def source(
    mapping: str, session: aiohttp.ClientSession, base_url: str, secret: str | None = SECRET, policy: Policy = FAST
) -> HttpSource:
    spec = load_spec(mapping)
    return build_source(spec, UpstreamClient(spec.name, session, policy), base_url, secret=secret)


async def batches(connector: HttpSource, since: str | None = None) -> list[Batch]:
    return [batch async for batch in connector.changes(since)]


# -- GraphQL --------------------------------------------------------------------------

GRAPHQL_MAPPING = '''
[source]
name = "16.03-muara-enim"
kode_wilayah = "16.03"
time_zone = "WIB"

[records]
path = "data.reports.nodes"

[request]
path = "/graphql"
format = "graphql"
query = """
query Reports($after: String, $first: Int, $since: String) {
  reports(after: $after, first: $first, updatedSince: $since) {
    nodes { id judul isi status kategori dibuat diubah }
    pageInfo { endCursor }
  }
}"""
since_param = "since"
pagination = { style = "cursor", cursor_param = "after", next = "data.reports.pageInfo.endCursor", size_param = "first", size = 2 }
auth = { kind = "bearer" }

[fields]
source_id = "id"
title = "judul"
content = "isi"
status = { path = "status", map = "status" }
category_code = { path = "kategori", optional = true }
created_at = { path = "dibuat", cast = "datetime" }
updated_at = { path = "diubah", cast = "datetime" }

[maps.status]
BARU = "BELUM_TERVERIFIKASI"
PROSES = "DIDISPOSISIKAN"
SELESAI = "SELESAI"
'''


def report(n: int) -> dict[str, Any]:
    return {
        "id": f"me-{n}",
        "judul": f"Laporan nomor {n}",
        "isi": f"Isi laporan nomor {n} tentang jalan kabupaten.",
        "status": ("BARU", "PROSES", "SELESAI")[n % 3],
        "kategori": f"K{n}",
        "dibuat": f"2026-03-0{n}T08:00:00+07:00",
        "diubah": f"2026-03-0{n}T10:00:00+07:00",
    }


REPORTS = [report(n) for n in range(1, 6)]


@dataclass
class GraphQLServer:
    """A GraphQL-shaped endpoint: POST {"query", "variables"}, 200 with data and/or errors.

    Variables are checked as a GraphQL server coerces them: `first` must be an Int and
    `after` a String, else the answer is a request error with data null.
    """

    mode: str = "ok"  # ok, errors, partial, null_item, numeric_cursor
    seen: list[dict[str, Any]] = field(default_factory=list)

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_post("/graphql", self.handle)
        return app

    def _cursor(self, offset: int) -> str:
        return str(offset) if self.mode == "numeric_cursor" else f"YWZ0ZXI6{offset}x"

    def _offset(self, cursor: str) -> int:
        return int(cursor) if self.mode == "numeric_cursor" else int(cursor.removeprefix("YWZ0ZXI6").removesuffix("x"))

    async def handle(self, request: web.Request) -> web.Response:
        payload = await request.json()
        self.seen.append(
            {
                "payload": payload,
                "query_string": request.query_string,
                "authorization": request.headers.get("Authorization"),
                "content_type": request.content_type,
            }
        )
        if request.headers.get("Authorization") != f"Bearer {SECRET}":
            return web.json_response({"errors": [{"message": "unauthenticated"}]}, status=401)
        if not isinstance(payload.get("query"), str) or "reports" not in payload["query"]:
            return web.json_response({"errors": [{"message": "Must provide query string."}], "data": None})
        variables = payload.get("variables") or {}
        first, after = variables.get("first"), variables.get("after")
        if not isinstance(first, int) or isinstance(first, bool):
            return _request_error(f'Variable "$first" got invalid value {first!r}; Int cannot represent it.')
        if after is not None and not isinstance(after, str):
            return _request_error(
                f'Variable "$after" got invalid value {after!r}; String cannot represent a non string value.'
            )
        if self.mode == "errors":
            return web.json_response(
                {
                    "errors": [
                        {
                            "message": 'Cannot query field "judul" on type "Report".',
                            "locations": [{"line": 4, "column": 13}],
                        },
                        {"message": 'Cannot query field "kategori" on type "Report".'},
                    ],
                    "data": None,
                }
            )
        if self.mode == "partial":
            nodes = [REPORTS[0], {**REPORTS[1], "kategori": None}]
            return web.json_response(
                {
                    "data": {"reports": {"nodes": nodes, "pageInfo": {"endCursor": None}}},
                    "errors": [
                        {
                            "message": "kategori: layanan referensi tidak tersedia",
                            "path": ["reports", "nodes", 1, "kategori"],
                        }
                    ],
                }
            )
        if self.mode == "null_item":
            return web.json_response(
                {
                    "data": {"reports": {"nodes": [REPORTS[0], None, REPORTS[2]], "pageInfo": {"endCursor": None}}},
                    "errors": [{"message": "report me-2: akses ditolak", "path": ["reports", "nodes", 1]}],
                }
            )
        start = self._offset(after) if after is not None else 0
        nodes = REPORTS[start : start + first]
        end = start + len(nodes)
        cursor = self._cursor(end) if end < len(REPORTS) else None
        return web.json_response({"data": {"reports": {"nodes": nodes, "pageInfo": {"endCursor": cursor}}}})


def _request_error(message: str) -> web.Response:
    return web.json_response({"errors": [{"message": message}], "data": None})


@pytest.fixture
async def graphql() -> AsyncIterator[tuple[GraphQLServer, str]]:
    server = GraphQLServer()
    async with serve_app(server.app()) as url:
        yield server, url


async def test_graphql_pages_through_cursor_variables(
    graphql: tuple[GraphQLServer, str], session: aiohttp.ClientSession
) -> None:
    server, url = graphql
    got = await batches(source(GRAPHQL_MAPPING, session, url))
    assert [[r.source_id for r in b.records] for b in got] == [["me-1", "me-2"], ["me-3", "me-4"], ["me-5"]]
    assert all(not b.rejected for b in got)
    variables = [s["payload"]["variables"] for s in server.seen]
    assert variables == [{"first": 2}, {"first": 2, "after": "YWZ0ZXI62x"}, {"first": 2, "after": "YWZ0ZXI64x"}]
    first = server.seen[0]
    assert first["payload"]["query"] == load_spec(GRAPHQL_MAPPING).request.query  # the document, verbatim
    assert first["content_type"] == "application/json" and first["query_string"] == ""
    assert first["authorization"] == f"Bearer {SECRET}"
    record = got[0].records[0]
    assert (record.status, record.category_code) == (Status.DIDISPOSISIKAN, "K1")
    assert record.created_at == datetime(2026, 3, 1, 1, 0, tzinfo=UTC)
    # The resume cursor is the newest updated_at seen so far, in UTC.
    assert got[-1].cursor == "2026-03-05T03:00:00+00:00"


async def test_graphql_passes_since_as_a_variable(
    graphql: tuple[GraphQLServer, str], session: aiohttp.ClientSession
) -> None:
    server, url = graphql
    await batches(source(GRAPHQL_MAPPING, session, url), since="2026-03-01T00:00:00+00:00")
    assert all(s["payload"]["variables"]["since"] == "2026-03-01T00:00:00+00:00" for s in server.seen)


async def test_graphql_errors_without_data_are_a_rejection_with_the_first_message(
    graphql: tuple[GraphQLServer, str], session: aiohttp.ClientSession
) -> None:
    server, url = graphql
    server.mode = "errors"
    with pytest.raises(UpstreamRejected) as info:
        await batches(source(GRAPHQL_MAPPING, session, url))
    assert info.value.message == 'the GraphQL query failed: Cannot query field "judul" on type "Report".'
    assert "kategori" not in info.value.message  # only the first error
    assert len(server.seen) == 1  # a refused query is not retried


async def test_graphql_partial_data_uses_the_records_that_came(
    graphql: tuple[GraphQLServer, str], session: aiohttp.ClientSession
) -> None:
    server, url = graphql
    server.mode = "partial"
    (batch,) = await batches(source(GRAPHQL_MAPPING, session, url))
    assert [r.source_id for r in batch.records] == ["me-1", "me-2"] and batch.raw_count == 2
    assert [r.category_code for r in batch.records] == ["K1", None]


async def test_graphql_partial_data_with_a_nulled_item_keeps_the_others(
    graphql: tuple[GraphQLServer, str], session: aiohttp.ClientSession
) -> None:
    server, url = graphql
    server.mode = "null_item"
    got = await batches(source(GRAPHQL_MAPPING, session, url))
    assert [r.source_id for b in got for r in b.records] == ["me-1", "me-3"]


async def test_graphql_numeric_looking_cursors_stay_strings(
    graphql: tuple[GraphQLServer, str], session: aiohttp.ClientSession
) -> None:
    server, url = graphql
    server.mode = "numeric_cursor"
    got = await batches(source(GRAPHQL_MAPPING, session, url))
    assert [r.source_id for b in got for r in b.records] == [r["id"] for r in REPORTS]


async def test_graphql_with_a_wrong_token_is_rejected(
    graphql: tuple[GraphQLServer, str], session: aiohttp.ClientSession
) -> None:
    _, url = graphql
    with pytest.raises(UpstreamRejected) as info:
        await batches(source(GRAPHQL_MAPPING, session, url, secret="salah"))
    assert info.value.status == 401


# -- a CSV export from a file:// base URL ----------------------------------------------

CSV_MAPPING = """
[source]
name = "16.09-ogan-komering-ulu-selatan"
kode_wilayah = "16.09"
time_zone = "WIB"
encoding = "latin-1"

[request]
path = "/ekspor/pengaduan.csv"
format = "csv"
delimiter = ";"

[fields]
source_id = "id_pengaduan"
title = { path = "judul", optional = true }
content = "isi_laporan"
status = { path = "status", map = "status" }
created_at = { path = "tgl_masuk", cast = "date" }

[maps.status]
"0" = "BELUM_TERVERIFIKASI"
"1" = "DIDISPOSISIKAN"
selesai = "SELESAI"
"""

CSV_TEXT = (
    "id_pengaduan;judul;isi_laporan;status;tgl_masuk\r\n"
    '101;Jalan rusak;"Jalan; berlubang di Muaradua";0;2026-03-02\r\n'
    "102;;Warung Café buang limbah ke sungai;selesai;2026-03-03\r\n"
    "103;Lampu;Lampu padam;dibatalkan;2026-03-04\r\n"
)


def write_export(directory: Path, text: str = CSV_TEXT) -> None:
    (directory / "ekspor").mkdir(parents=True)
    (directory / "ekspor" / "pengaduan.csv").write_bytes(text.encode("latin-1"))


async def test_a_csv_export_is_read_from_a_file_url(tmp_path: Path, session: aiohttp.ClientSession) -> None:
    write_export(tmp_path)
    (batch,) = await batches(source(CSV_MAPPING, session, tmp_path.as_uri(), secret=None))
    assert batch.raw_count == 3
    assert [(r.source_id, r.status) for r in batch.records] == [
        ("101", Status.BELUM_TERVERIFIKASI),
        ("102", Status.SELESAI),
    ]
    first, second = batch.records
    assert first.content == "Jalan; berlubang di Muaradua"  # the quoted separator stayed in
    assert second.content == "Warung Café buang limbah ke sungai"  # decoded as Latin-1
    assert second.title == second.content  # no title of its own: the content's start
    assert first.created_at == datetime(2026, 3, 1, 17, 0, tzinfo=UTC)  # midnight WIB
    (rejected,) = batch.rejected
    assert (rejected.record_ref, rejected.field) == ("103", "status")  # type: ignore[attr-defined]


async def test_a_missing_export_file_is_a_rejection(tmp_path: Path, session: aiohttp.ClientSession) -> None:
    with pytest.raises(UpstreamRejected, match=r"cannot read the export file \(No such file or directory\)"):
        await batches(source(CSV_MAPPING, session, tmp_path.as_uri(), secret=None))


async def test_an_export_without_a_required_column_is_a_decode_error(
    tmp_path: Path, session: aiohttp.ClientSession
) -> None:
    write_export(tmp_path, CSV_TEXT.replace("isi_laporan", "isi"))
    with pytest.raises(DecodeError, match="CSV header lacks the column 'isi_laporan'"):
        await batches(source(CSV_MAPPING, session, tmp_path.as_uri(), secret=None))


async def test_an_oversized_export_file_is_refused(tmp_path: Path, session: aiohttp.ClientSession) -> None:
    write_export(tmp_path)
    small = Policy(max_body_bytes=64)
    with pytest.raises(DecodeError, match="file larger than 64 bytes"):
        await batches(source(CSV_MAPPING, session, tmp_path.as_uri(), secret=None, policy=small))


async def test_a_file_url_with_an_escaped_space_is_read(tmp_path: Path, session: aiohttp.ClientSession) -> None:
    directory = tmp_path / "ekspor harian"
    write_export(directory)
    assert "%20" in directory.as_uri()
    (batch,) = await batches(source(CSV_MAPPING, session, directory.as_uri(), secret=None))
    assert batch.raw_count == 3


# -- a POST list with the token in the form body --------------------------------------

POST_MAPPING = """
[source]
name = "16.11-empat-lawang"
kode_wilayah = "16.11"

[records]
path = "data"

[request]
path = "/api/pengaduan/list"
method = "POST"
since_param = "sejak"
pagination = { style = "page", page_param = "hal", size_param = "jumlah", size = 2 }
auth = { kind = "body", name = "api_token" }

[fields]
source_id = "id"
content = "isi"
status = { path = "status", map = "status" }
created_at = { path = "dibuat", cast = "datetime" }

[maps.status]
baru = "BELUM_TERVERIFIKASI"
selesai = "SELESAI"

[create]
path = "/api/pengaduan"
encoding = "form"
id = "data.id"
body = { isi = "content", judul = "title" }
"""

ROWS = [
    {
        "id": f"el-{n}",
        "isi": f"Pengaduan ke-{n} dari Tebing Tinggi",
        "status": "baru",
        "dibuat": f"2026-02-1{n}T09:00:00",
    }
    for n in range(1, 4)
]


@dataclass
class FormServer:
    """A legacy PHP-style endpoint: parameters and the token in an urlencoded POST body."""

    seen: list[dict[str, Any]] = field(default_factory=list)

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_post("/api/pengaduan/list", self.list)
        app.router.add_post("/api/pengaduan", self.create)
        return app

    async def _authorised(self, request: web.Request) -> dict[str, str] | None:
        form = {k: str(v) for k, v in (await request.post()).items()}
        self.seen.append(
            {
                "path": request.path,
                "url": str(request.url),
                "form": form,
                "headers": dict(request.headers),
                "content_type": request.content_type,
            }
        )
        return form if form.get("api_token") == SECRET else None

    async def list(self, request: web.Request) -> web.Response:
        form = await self._authorised(request)
        if form is None:
            return web.json_response({"error": "token tidak valid"}, status=401)
        page, size = int(form["hal"]), int(form["jumlah"])
        return web.json_response({"data": ROWS[(page - 1) * size : page * size]})

    async def create(self, request: web.Request) -> web.Response:
        form = await self._authorised(request)
        if form is None:
            return web.json_response({"error": "token tidak valid"}, status=401)
        return web.json_response({"data": {"id": "el-99"}})


@pytest.fixture
async def form_server() -> AsyncIterator[tuple[FormServer, str]]:
    server = FormServer()
    async with serve_app(server.app()) as url:
        yield server, url


def _nowhere_but_the_body(seen: dict[str, Any]) -> None:
    assert seen["form"]["api_token"] == SECRET
    assert SECRET not in seen["url"]
    assert not any(SECRET in value for value in seen["headers"].values())


async def test_a_post_list_carries_the_token_in_the_body_not_the_url(
    form_server: tuple[FormServer, str], session: aiohttp.ClientSession
) -> None:
    server, url = form_server
    got = await batches(source(POST_MAPPING, session, url), since="2026-02-01T00:00:00+00:00")
    assert [r.source_id for b in got for r in b.records] == ["el-1", "el-2", "el-3"]
    assert [s["form"]["hal"] for s in server.seen] == ["1", "2", "3"]  # the empty third page ends it
    for seen in server.seen:
        assert seen["content_type"] == "application/x-www-form-urlencoded"
        assert seen["form"]["jumlah"] == "2" and seen["form"]["sejak"] == "2026-02-01T00:00:00+00:00"
        _nowhere_but_the_body(seen)


async def test_a_form_create_carries_the_token_in_the_body_too(
    form_server: tuple[FormServer, str], session: aiohttp.ClientSession
) -> None:
    server, url = form_server
    complaint = NewComplaint(
        external_ref="gw-el-1",
        title="Sampah menumpuk",
        content="Sampah menumpuk di pasar.",
        kode_wilayah="16.11",
        created_at=datetime(2026, 3, 1, tzinfo=UTC),
    )
    created = await source(POST_MAPPING, session, url).create(complaint)
    assert created.source_id == "el-99"
    (seen,) = server.seen
    assert seen["form"] == {"isi": "Sampah menumpuk di pasar.", "judul": "Sampah menumpuk", "api_token": SECRET}
    _nowhere_but_the_body(seen)


async def test_a_post_list_with_a_wrong_token_is_rejected(
    form_server: tuple[FormServer, str], session: aiohttp.ClientSession
) -> None:
    server, url = form_server
    with pytest.raises(UpstreamRejected) as info:
        await batches(source(POST_MAPPING, session, url, secret="salah"))
    assert info.value.status == 401
    assert json.loads(info.value.body) == {"error": "token tidak valid"}
    assert len(server.seen) == 1  # a 401 is not retried
