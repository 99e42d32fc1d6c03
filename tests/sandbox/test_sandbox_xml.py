"""addstream on xml_stream and lapor_national: token, tracking ids, duplicates counted, XXE refused."""

from __future__ import annotations

import re

import aiohttp
import pytest
from defusedxml.ElementTree import fromstring

from connectors.sandbox import LaporNational, Simulator, XmlStream
from connectors.sandbox.lapor_national import DEFAULT_XML_TOKEN
from connectors.sandbox.xml_stream import DEFAULT_TOKEN

HEADERS = {"Content-Type": "text/xml; charset=UTF8"}


def document(token: str, isi: str = "Jalan rusak di Tugumulyo") -> str:
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<lapor token="{token}"><pelapor><email>a@example.id</email>'
        "<telpon>0812</telpon><namadepan>Budi</namadepan><namabelakang>_</namabelakang></pelapor>"
        f'<laporan rahasia="1" anonim="1"><isi>{isi}</isi></laporan></lapor>'
    )


TARGETS = [("xml_stream", DEFAULT_TOKEN), ("lapor_national", DEFAULT_XML_TOKEN)]


@pytest.mark.parametrize(("name", "token"), TARGETS)
async def test_addstream_answers_tracking_and_transaction(
    sims: dict[str, Simulator], http: aiohttp.ClientSession, name: str, token: str
) -> None:
    url = f"{sims[name].base_url}/api/stream/addstream"
    ids = []
    for _ in range(2):  # no idempotency in the legacy API: the retry is a second laporan
        async with http.post(url, data=document(token), headers=HEADERS) as resp:
            assert resp.status == 200
            root = fromstring(await resp.read())
        assert root.tag == "response"
        ids.append(root.findtext("trackingid"))
        assert re.fullmatch(r"[0-9a-f]{32}", root.findtext("transaksiid") or "")
    assert all(re.fullmatch(r"\d{7}", i or "") for i in ids) and ids[0] != ids[1]
    sim = sims[name]
    assert isinstance(sim, XmlStream | LaporNational)
    assert len(sim.submissions) == 2 and sim.submissions[0][1].rahasia and sim.submissions[0][1].anonim
    async with http.get(f"{sim.base_url}/_sandbox/received", params={"path": "/api/stream/addstream"}) as resp:
        assert (await resp.json())["count"] == 2


@pytest.mark.parametrize(("name", "token"), TARGETS)
async def test_addstream_bad_token_is_401(
    sims: dict[str, Simulator], http: aiohttp.ClientSession, name: str, token: str
) -> None:
    async with http.post(
        f"{sims[name].base_url}/api/stream/addstream",
        data=document("{WRONG}"),
        headers=HEADERS,
    ) as resp:
        assert resp.status == 401


ATTACKS = [
    '<?xml version="1.0"?><!DOCTYPE lapor [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
    '<lapor token="{T}"><laporan><isi>&x;</isi></laporan></lapor>',
    '<?xml version="1.0"?><!DOCTYPE lapor [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;">]>'
    '<lapor token="{T}"><laporan><isi>&b;</isi></laporan></lapor>',
    '<?xml version="1.0"?><!DOCTYPE lapor SYSTEM "http://example.invalid/x.dtd"><lapor token="{T}"/>',
    '<lapor token="{T}"><laporan><isi>truncated',
    '<other token="{T}"/>',
]


@pytest.mark.parametrize("attack", ATTACKS)
@pytest.mark.parametrize(("name", "token"), TARGETS)
async def test_dtds_entities_and_garbage_are_400(
    sims: dict[str, Simulator],
    http: aiohttp.ClientSession,
    name: str,
    token: str,
    attack: str,
) -> None:
    body = attack.replace("{T}", token)
    async with http.post(f"{sims[name].base_url}/api/stream/addstream", data=body, headers=HEADERS) as resp:
        assert resp.status == 400
        assert b"<error>" in await resp.read()
    sim = sims[name]
    assert isinstance(sim, XmlStream | LaporNational) and sim.submissions == []


@pytest.mark.parametrize(("name", "token"), TARGETS)
async def test_accepted_lists_every_submission_beyond_the_received_bound(
    sims: dict[str, Simulator], http: aiohttp.ClientSession, name: str, token: str
) -> None:
    # A long run's received log keeps only the latest requests; what the system holds is
    # its own store, and a soak checks every write against it.
    sim = sims[name]
    sim.received.keep = 2
    try:
        url = f"{sim.base_url}/api/stream/addstream"
        for n in range(5):
            async with http.post(url, data=document(token, isi=f"Laporan nomor {n}"), headers=HEADERS) as resp:
                assert resp.status == 200
        async with http.get(f"{sim.base_url}/_sandbox/accepted") as resp:
            items = (await resp.json())["items"]
    finally:
        sim.received.keep = None  # the shared sandbox keeps every request for other tests
    assert [i["isi"] for i in items] == [f"Laporan nomor {n}" for n in range(5)]
    assert all(set(i) == {"tracking_id", "isi"} for i in items)  # no reporter fields
    assert len(sim.received.entries) == 2
