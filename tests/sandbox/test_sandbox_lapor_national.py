"""lapor_national: gettopics with KEYTOKEN, the provisional v3 API, secrecy of reporter data."""

from __future__ import annotations

import aiohttp

from connectors.sandbox import Simulator
from connectors.sandbox.lapor_national import DEFAULT_XML_TOKEN

V3 = {"X-Api-Key": "sandbox-lapor-v3-key"}


def _url(sims: dict[str, Simulator], path: str) -> str:
    return f"{sims['lapor_national'].base_url}{path}"


async def test_gettopics_ids_are_strings(sims: dict[str, Simulator], http: aiohttp.ClientSession) -> None:
    async with http.post(
        _url(sims, "/api/services/f01/gettopics"),
        data={"KEYTOKEN": "sandbox-lapor-keytoken"},
    ) as resp:
        topics = await resp.json()
    assert {
        "id": "13",
        "parent": "3",
        "topic_name": "Teknologi Informasi dan Komunikasi",
    } in topics
    assert all(isinstance(t["id"], str) and isinstance(t["parent"], str) for t in topics)
    async with http.post(_url(sims, "/api/services/f01/gettopics"), data={"KEYTOKEN": "x"}) as resp:
        assert resp.status == 401


async def test_v3_is_labelled_provisional_and_needs_a_key(
    sims: dict[str, Simulator], http: aiohttp.ClientSession
) -> None:
    async with http.get(_url(sims, "/api/v3/laporan")) as resp:
        assert resp.status == 401 and resp.headers["X-Provisional-Api"] == "true"
    async with http.get(_url(sims, "/api/v3/laporan"), headers=V3) as resp:
        assert resp.headers["X-Provisional-Api"] == "true"
        assert (await resp.json())["provisional"] is True


async def test_v3_create_idempotent_get_follow_up(sims: dict[str, Simulator], http: aiohttp.ClientSession) -> None:
    payload = {
        "classification_id": 1,
        "title": "Jalan rusak",
        "content": "Berlubang",
        "date_of_incident": "2025-05-30",
        "location_id": "16.05.01",
        "institution_id": "pemkab-16.05",
        "category_id": "11",
        "is_anonymous": False,
        "is_secret": True,
        "latitude": -3.1,
        "longitude": 103.2,
    }
    headers = V3 | {"Idempotency-Key": "create-1"}
    async with http.post(_url(sims, "/api/v3/laporan"), json=payload, headers=headers) as resp:
        assert resp.status == 201
        created = await resp.json()
    async with http.post(_url(sims, "/api/v3/laporan"), json=payload, headers=headers) as resp:
        assert resp.status == 200 and (await resp.json())["tracking_id"] == created["tracking_id"]
    assert created["status"] == "BELUM_TERVERIFIKASI" and len(created["tracking_id"]) == 7
    async with http.post(_url(sims, "/api/v3/laporan"), json=payload | {"bogus": 1}, headers=V3) as resp:
        assert resp.status == 422
    tid = created["tracking_id"]
    for _ in range(2):
        async with http.post(
            _url(sims, f"/api/v3/laporan/{tid}/tindak-lanjut"),
            json={"content": "Diperbaiki"},
            headers=V3 | {"Idempotency-Key": "f-1"},
        ) as resp:
            assert resp.status in (200, 201)
    async with http.get(_url(sims, f"/api/v3/laporan/{tid}"), headers=V3) as resp:
        record = await resp.json()
    assert record["status"] == "DITINDAKLANJUTI" and len(record["tindak_lanjut"]) == 1 and record["is_secret"] is True
    async with http.get(_url(sims, "/api/v3/laporan/0000000"), headers=V3) as resp:
        assert resp.status == 404


async def test_v3_pagination_and_addstream_share_the_store(
    sims: dict[str, Simulator], http: aiohttp.ClientSession
) -> None:
    xml = (
        f'<lapor token="{DEFAULT_XML_TOKEN}"><pelapor><email>rahasia@example.id</email></pelapor>'
        '<laporan rahasia="1" anonim="0"><isi>Lewat addstream</isi></laporan></lapor>'
    )
    async with http.post(
        _url(sims, "/api/stream/addstream"),
        data=xml,
        headers={"Content-Type": "text/xml"},
    ) as resp:
        assert resp.status == 200
    seen: list[str] = []
    page: int | None = 1
    while page:
        async with http.get(
            _url(sims, "/api/v3/laporan"),
            params={"page": page, "per_page": 4},
            headers=V3,
        ) as resp:
            body = await resp.json()
        seen += [r["tracking_id"] for r in body["data"]]
        page = body["next_page"]
        raw = str(body)
        assert "rahasia@example.id" not in raw  # reporter data is never served
    assert len(seen) == len(set(seen)) == 9
    async with http.get(
        _url(sims, "/api/v3/laporan"),
        params={"since": "2100-01-01T00:00:00Z"},
        headers=V3,
    ) as resp:
        assert (await resp.json())["total"] == 0


async def test_v3_tindak_lanjut_keeps_its_author_kind_and_own_time(
    sims: dict[str, Simulator], http: aiohttp.ClientSession
) -> None:
    payload = {"classification_id": 1, "title": "Jalan rusak", "content": "Berlubang besar"}
    async with http.post(_url(sims, "/api/v3/laporan"), json=payload, headers=V3) as resp:
        tid = (await resp.json())["tracking_id"]
    path = _url(sims, f"/api/v3/laporan/{tid}/tindak-lanjut")
    reply = {"content": "Masih rusak", "author_type": "PELAPOR", "created_at": "2026-11-13T10:00:00+07:00"}
    async with http.post(path, json=reply, headers=V3) as resp:
        entry = await resp.json()
    assert (entry["author_type"], entry["created_at"]) == ("PELAPOR", "2026-11-13T03:00:00.000Z")
    async with http.get(_url(sims, f"/api/v3/laporan/{tid}"), headers=V3) as resp:
        assert (await resp.json())["status"] == "BELUM_TERVERIFIKASI"  # a reply moves nothing on
    for bad in (
        {"content": "x", "author_type": "WARGA"},
        {"content": "x", "created_at": "2026-11-13T10:00:00"},
        {"content": "x", "author_type": "PELAPOR", "institution_id": "16.01-pupr"},
    ):
        async with http.post(path, json=bad, headers=V3) as resp:
            assert resp.status == 422, bad
