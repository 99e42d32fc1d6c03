"""rest_json_v1: bearer auth, page-number pagination, idempotent create, status and comments."""

from __future__ import annotations

import re

import aiohttp

from connectors.sandbox import RestJsonV1, Simulator

AUTH = {"Authorization": "Bearer sandbox-rest-json-v1-token"}


def _base(sims: dict[str, Simulator]) -> str:
    assert sims["rest_json_v1"].base_url
    return sims["rest_json_v1"].base_url + "/api/reports"


async def test_bad_or_missing_token_is_401(sims: dict[str, Simulator], http: aiohttp.ClientSession) -> None:
    for headers in (
        {},
        {"Authorization": "Bearer wrong"},
        {"Authorization": "sandbox-rest-json-v1-token"},
    ):
        async with http.get(_base(sims), headers=headers) as resp:
            assert resp.status == 401
            assert resp.headers["WWW-Authenticate"].startswith("Bearer")


async def test_pagination_walks_everything_exactly_once(
    sims: dict[str, Simulator], http: aiohttp.ClientSession
) -> None:
    seen: list[str] = []
    page = 1
    while True:
        async with http.get(_base(sims), headers=AUTH, params={"page": page, "limit": 5}) as resp:
            body = await resp.json()
        assert body["meta"] == {"page": page, "limit": 5, "total": 12}
        if not body["data"]:
            break
        seen += [r["id"] for r in body["data"]]
        page += 1
    assert len(seen) == len(set(seen)) == 12
    assert all(re.fullmatch(r"rep_[0-9a-f-]{36}", i) for i in seen)


async def test_records_have_offsets_and_known_statuses(sims: dict[str, Simulator], http: aiohttp.ClientSession) -> None:
    async with http.get(_base(sims), headers=AUTH, params={"limit": 100}) as resp:
        rows = (await resp.json())["data"]
    assert {r["bupatiStatus"] for r in rows} == {
        "PENDING",
        "PROSES",
        "SELESAI",
        "DITOLAK",
    }
    assert all(r["updatedAt"].endswith("+07:00") for r in rows)
    proses = [r for r in rows if r["bupatiStatus"] == "PROSES"]
    assert {r["respondedAt"] is None for r in proses} == {
        True,
        False,
    }  # disposed vs answered
    assert all(r["assignedAt"] for r in proses)


async def test_updated_since_filters(sims: dict[str, Simulator], http: aiohttp.ClientSession) -> None:
    async with http.get(_base(sims), headers=AUTH, params={"limit": 100}) as resp:
        rows = (await resp.json())["data"]
    cut = rows[6]["updatedAt"]
    async with http.get(_base(sims), headers=AUTH, params={"updatedSince": cut, "limit": 100}) as resp:
        later = (await resp.json())["data"]
    assert [r["id"] for r in later] == [r["id"] for r in rows[6:]]
    async with http.get(_base(sims), headers=AUTH, params={"updatedSince": "yesterday"}) as resp:
        assert resp.status == 400


async def test_create_is_idempotent_by_key_and_external_ref(
    sims: dict[str, Simulator], http: aiohttp.ClientSession
) -> None:
    payload = {
        "title": "Jalan rusak",
        "description": "Berlubang",
        "externalRef": "lapor:1000123",
    }
    headers = AUTH | {"Idempotency-Key": "k-1"}
    async with http.post(_base(sims), headers=headers, json=payload) as resp:
        assert resp.status == 201
        first = await resp.json()
    async with http.post(_base(sims), headers=headers, json=payload) as resp:
        assert resp.status == 200 and resp.headers["Idempotent-Replayed"] == "true"
        assert (await resp.json())["id"] == first["id"]
    async with http.post(_base(sims), headers=AUTH | {"Idempotency-Key": "k-2"}, json=payload) as resp:
        assert (await resp.json())["id"] == first["id"]  # same externalRef
    sim = sims["rest_json_v1"]
    assert isinstance(sim, RestJsonV1) and len(sim.reports) == 13
    async with http.post(_base(sims), headers=AUTH, json={"title": ""}) as resp:
        assert resp.status == 422


async def test_status_and_comments(sims: dict[str, Simulator], http: aiohttp.ClientSession) -> None:
    async with http.post(_base(sims), headers=AUTH, json={"title": "T", "description": "D"}) as resp:
        rid = (await resp.json())["id"]
    url = f"{_base(sims)}/{rid}"
    async with http.post(url + "/status", headers=AUTH, json={"status": "PROSES", "opdId": "opd_x"}) as resp:
        # Its OPD ids are its own: one it does not have (or a registry id) is refused.
        assert resp.status == 422
        assert "opdId must be one of" in (await resp.json())["error"]
    async with http.post(url + "/status", headers=AUTH, json={"status": "PROSES", "opdId": "opd_dlh"}) as resp:
        body = await resp.json()
        assert (
            body["bupatiStatus"] == "PROSES"
            and body["opdId"] == "opd_dlh"
            and body["assignedAt"]
            and body["respondedAt"] is None
        )
    async with http.post(url + "/status", headers=AUTH, json={"status": "DONE"}) as resp:
        assert resp.status == 422
    headers = AUTH | {"Idempotency-Key": "c-1"}
    for _ in range(2):
        async with http.post(
            url + "/comments",
            headers=headers,
            json={"comment": "Ditinjau", "role": "OPD"},
        ) as resp:
            assert resp.status in (200, 201)
    async with http.get(url, headers=AUTH) as resp:
        report = await resp.json()
    assert len(report["comments"]) == 1 and report["comments"][0]["id"].startswith("cmt_")
    assert report["respondedAt"]
    async with http.get(_base(sims) + "/rep_missing", headers=AUTH) as resp:
        assert resp.status == 404


async def test_a_create_keeps_the_channel_it_is_given(sims: dict[str, Simulator], http: aiohttp.ClientSession) -> None:
    report = {"title": "Sampah menumpuk", "description": "Di depan pasar"}
    async with http.post(_base(sims), headers=AUTH, json=report | {"channel": "android"}) as resp:
        assert resp.status == 201 and (await resp.json())["channel"] == "android"
    async with http.post(_base(sims), headers=AUTH, json=report) as resp:
        assert (await resp.json())["channel"] == "web"  # the app's own default
    async with http.post(_base(sims), headers=AUTH, json=report | {"channel": "fax"}) as resp:
        assert resp.status == 422
