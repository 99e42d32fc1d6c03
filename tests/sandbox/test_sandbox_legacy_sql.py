"""legacy_sql: key= auth, Latin-1 `;` CSV with CRLF rows and quoted separators, form imports."""

from __future__ import annotations

import csv
import io

import aiohttp

from connectors.sandbox import Simulator
from connectors.sandbox.legacy_sql import FORMULA_ROW

KEY = {"key": "sandbox-legacy-sql-key"}


def _url(sims: dict[str, Simulator], path: str) -> str:
    return f"{sims['legacy_sql'].base_url}{path}"


async def test_bad_key_is_401(sims: dict[str, Simulator], http: aiohttp.ClientSession) -> None:
    for params in ({}, {"key": "wrong"}):
        async with http.get(_url(sims, "/export/pengaduan.csv"), params=params) as resp:
            assert resp.status == 401


async def test_pengaduan_csv_is_latin1_with_crlf_and_quoted_separators(
    sims: dict[str, Simulator], http: aiohttp.ClientSession
) -> None:
    async with http.get(_url(sims, "/export/pengaduan.csv"), params=KEY) as resp:
        assert resp.headers["Content-Type"] == "text/csv; charset=ISO-8859-1"
        raw = await resp.read()
    assert b"\r\n" in raw and b"\n" in raw.replace(b"\r\n", b"")
    assert b"\xb1" in raw  # '±' in Latin-1, not UTF-8
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        pass
    else:
        raise AssertionError("expected Latin-1 bytes that are not valid UTF-8")
    rows = list(csv.reader(io.StringIO(raw.decode("latin-1"), newline=""), delimiter=";"))
    assert rows[0] == [
        "id_pengaduan",
        "tgl_pengaduan",
        "nik",
        "isi_laporan",
        "foto",
        "status",
        "id_kategori",
        "tgl_kejadian",
        "kode_opd",
    ]
    body = rows[1:]
    assert [int(r[0]) for r in body] == list(range(1, 13))
    assert {r[5] for r in body} == {"0", "proses", "selesai"}
    assert any(";" in r[3] and '"' in r[3] and "\n" in r[3] for r in body)
    assert any(r[3] == FORMULA_ROW for r in body)
    assert all(len(r[1]) == 10 for r in body)  # date only


async def test_since_and_tanggapan(sims: dict[str, Simulator], http: aiohttp.ClientSession) -> None:
    async with http.get(_url(sims, "/export/pengaduan.csv"), params=KEY | {"since": "2025-05-27"}) as resp:
        rows = list(
            csv.reader(
                io.StringIO((await resp.read()).decode("latin-1"), newline=""),
                delimiter=";",
            )
        )
    assert 1 < len(rows) < 13 and all(r[1] >= "2025-05-27" for r in rows[1:])
    async with http.get(_url(sims, "/export/pengaduan.csv"), params=KEY | {"since": "27/05/2025"}) as resp:
        assert resp.status == 400
    async with http.get(_url(sims, "/export/tanggapan.csv"), params=KEY) as resp:
        text = (await resp.read()).decode("latin-1")
    assert text.startswith("id_tanggapan;id_pengaduan;tgl_tanggapan;tanggapan;id_petugas")


async def test_form_imports_are_not_idempotent(sims: dict[str, Simulator], http: aiohttp.ClientSession) -> None:
    form = {"nik": "1605000000000001", "isi_laporan": "Jalan rusak"}
    ids = []
    for _ in range(2):
        async with http.post(_url(sims, "/import/pengaduan"), params=KEY, data=form) as resp:
            ids.append((await resp.json())["id_pengaduan"])
    assert ids == [
        13,
        14,
    ]  # a retry is a duplicate: the connector must look before re-sending
    async with http.post(
        _url(sims, "/import/tanggapan"),
        params=KEY,
        data={"id_pengaduan": "13", "tanggapan": "Ok"},
    ) as resp:
        assert (await resp.json())["status"] == "ok"
    async with http.post(
        _url(sims, "/import/status"),
        params=KEY,
        data={"id_pengaduan": "13", "status": "selesai"},
    ) as resp:
        assert resp.status == 200
    async with http.post(
        _url(sims, "/import/status"),
        params=KEY,
        data={"id_pengaduan": "13", "status": "done"},
    ) as resp:
        assert resp.status == 422
