"""wa_bot_mongo: x-api-key, ObjectIds, epoch ms, cursor pagination, tindakan updates, 409 on sessionId."""

from __future__ import annotations

import re

import aiohttp

from connectors.sandbox import Simulator
from connectors.sandbox.wa_bot_mongo import STATUSES

KEY = {"x-api-key": "sandbox-wa-bot-mongo-key"}


def _base(sims: dict[str, Simulator]) -> str:
    return f"{sims['wa_bot_mongo'].base_url}/reports"


async def test_bad_key_is_401(sims: dict[str, Simulator], http: aiohttp.ClientSession) -> None:
    for headers in ({}, {"x-api-key": "nope"}):
        async with http.get(_base(sims), headers=headers) as resp:
            assert resp.status == 401


async def test_cursor_walks_everything_exactly_once(sims: dict[str, Simulator], http: aiohttp.ClientSession) -> None:
    seen: list[str] = []
    params: dict[str, str | int] = {"limit": 5}
    pages = 0
    while True:
        async with http.get(_base(sims), headers=KEY, params=params) as resp:
            body = await resp.json()
        pages += 1
        seen += [r["_id"] for r in body["items"]]
        if body["nextCursor"] is None:
            break
        params = {"limit": 5, "cursor": body["nextCursor"]}
    assert pages == 3
    assert len(seen) == len(set(seen)) == 12
    assert all(re.fullmatch(r"[0-9a-f]{24}", i) for i in seen)


async def test_shape_and_vocabulary(sims: dict[str, Simulator], http: aiohttp.ClientSession) -> None:
    async with http.get(_base(sims), headers=KEY, params={"limit": 100}) as resp:
        items = (await resp.json())["items"]
    first = items[0]
    assert isinstance(first["createdAt"], int) and first["createdAt"] > 10**12
    assert set(first["location"]) == {
        "type",
        "latitude",
        "longitude",
        "description",
        "desa",
        "kecamatan",
        "kabupaten",
    }
    assert {r["tindakan"]["status"] for r in items} <= set(STATUSES)
    assert any(isinstance(r["tindakan"]["trackingId"], int) for r in items)
    assert any(len(r["tindakan"]["opd"]) > 1 for r in items)
    async with http.get(_base(sims), headers=KEY, params={"cursor": "!!bad"}) as resp:
        assert resp.status == 400


async def test_create_duplicate_session_and_tindakan(sims: dict[str, Simulator], http: aiohttp.ClientSession) -> None:
    payload = {"sessionId": "gw-1000001", "message": "Jalan rusak", "from": "628123"}
    async with http.post(_base(sims), headers=KEY, json=payload) as resp:
        assert resp.status == 201
        rid = (await resp.json())["_id"]
    async with http.post(_base(sims), headers=KEY, json=payload) as resp:
        assert resp.status == 409 and (await resp.json())["_id"] == rid
    patch = {
        "status": "Proses OPD Terkait",
        "opd": ["Dinas PUPR"],
        "trackingId": 1000001,
        "kesimpulan": "Diteruskan",
    }
    async with http.patch(f"{_base(sims)}/{rid}/tindakan", headers=KEY, json=patch) as resp:
        t = (await resp.json())["tindakan"]
    assert t["status"] == "Proses OPD Terkait" and t["trackingId"] == 1000001 and len(t["kesimpulan"]) == 1
    async with http.patch(f"{_base(sims)}/{rid}/tindakan", headers=KEY, json={"status": "Beres"}) as resp:
        assert resp.status == 422
    async with http.get(f"{_base(sims)}/{rid}", headers=KEY) as resp:
        assert (await resp.json())["tindakan"]["opd"] == ["Dinas PUPR"]
