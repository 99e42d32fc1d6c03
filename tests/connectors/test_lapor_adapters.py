"""The national LAPOR! adapters against the sandbox simulators over loopback HTTP: the legacy
addstream push (LaporNational and an xml_stream regency) and the old topic list."""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator, Callable
from datetime import UTC, date, datetime

import aiohttp
import pytest
from defusedxml.ElementTree import fromstring

from connectors.errors import DecodeError, UpstreamRejected, UpstreamUnavailable
from connectors.http import OBSERVERS, CallRecord, Policy, UpstreamClient
from connectors.lapor import AddstreamConnector, Topic, fetch_topics
from connectors.lapor.addstream import ADDSTREAM_PATH
from connectors.lapor.topics import GETTOPICS_PATH
from connectors.protocol import (
    Capability,
    FollowUp,
    NewComplaint,
    StatusChange,
    Unsupported,
)
from connectors.sandbox.lapor_national import (
    DEFAULT_KEYTOKEN,
    DEFAULT_XML_TOKEN,
    LaporNational,
)
from connectors.sandbox.runner import serve
from connectors.sandbox.topics import TOPICS
from connectors.sandbox.xml_stream import DEFAULT_TOKEN, XmlStream
from schema.canonical import Reporter, Status

# Retries allowed by the policy: a create must still go out once.
POLICY = Policy(total_timeout=1.0, connect_timeout=0.5, attempts=3, backoff_base=0.01, backoff_max=0.02)

Sim = LaporNational | XmlStream
# name -> (simulator factory, its token, the first tracking id an addstream gets)
TARGETS: dict[str, tuple[Callable[[], Sim], str, str]] = {
    "lapor_national": (LaporNational, DEFAULT_XML_TOKEN, "1000009"),  # 8 seeded laporan come first
    "xml_stream": (XmlStream, DEFAULT_TOKEN, "2000001"),
}


@pytest.fixture(params=sorted(TARGETS))
async def target(request: pytest.FixtureRequest) -> AsyncIterator[tuple[Sim, str, str, str]]:
    """(simulator, base URL, token, first tracking id), served fresh for each test."""
    factory, token, first_id = TARGETS[request.param]
    sim = factory()
    async with serve(sim) as url:
        yield sim, url, token, first_id


def connector(session: aiohttp.ClientSession, url: str, token: str, policy: Policy = POLICY) -> AddstreamConnector:
    return AddstreamConnector("lapor-test", UpstreamClient("lapor-test", session, policy), url, token=token)


def complaint(**changes: object) -> NewComplaint:
    values: dict[str, object] = {
        "external_ref": "gw-0001",
        "title": "Jalan rusak",
        "content": "Jalan desa rusak parah sejak bulan lalu.",
        "kode_wilayah": "16.07",
        "created_at": datetime(2026, 3, 13, 2, 0, tzinfo=UTC),
        **changes,
    }
    return NewComplaint(**values)  # type: ignore[arg-type]


def pushes(sim: Sim) -> int:
    return len(sim.received.matching("POST", ADDSTREAM_PATH))


async def test_a_create_returns_the_tracking_and_transaction_ids(
    target: tuple[Sim, str, str, str], session: aiohttp.ClientSession
) -> None:
    sim, url, token, first_id = target
    push = connector(session, url, token)
    created = await push.create(complaint())
    assert re.fullmatch(r"\d{7}", created.source_id) and created.source_id == first_id
    assert created.tracking_id == created.source_id and not created.replayed
    assert created.transaction_id is not None and re.fullmatch(r"[0-9a-f]{32}", created.transaction_id)
    assert [tid for tid, _ in sim.submissions] == [first_id]
    again = await push.create(complaint(external_ref="gw-0002"))
    assert int(again.source_id) == int(first_id) + 1 and again.transaction_id != created.transaction_id


async def test_the_title_travels_as_the_first_line_of_isi(
    target: tuple[Sim, str, str, str], session: aiohttp.ClientSession
) -> None:
    sim, url, token, _ = target
    push = connector(session, url, token)
    await push.create(complaint())
    await push.create(complaint(title="Jalan desa rusak"))  # the content already starts with it
    assert [s.isi for _, s in sim.submissions] == [
        "Jalan rusak\n\nJalan desa rusak parah sejak bulan lalu.",
        "Jalan desa rusak parah sejak bulan lalu.",
    ]


async def test_xml_special_characters_arrive_intact(
    target: tuple[Sim, str, str, str], session: aiohttp.ClientSession
) -> None:
    sim, url, token, _ = target
    title = 'Jalan "Merdeka" & <Gang 3>'
    content = "Lubang > 1 m & air 'menggenang'; tanda <bahaya/> tidak ada ]]> sama sekali."
    reporter = Reporter(name="Warga O'Contoh & Rekan", email="warga+uji@example.invalid", phone="+62 800-0000")
    created = await connector(session, url, token).create(complaint(title=title, content=content, reporter=reporter))
    ((tracking_id, submission),) = sim.submissions
    assert tracking_id == created.tracking_id
    assert submission.isi == f"{title}\n\n{content}"
    assert (submission.namadepan, submission.namabelakang) == ("Warga", "O'Contoh & Rekan")
    assert (submission.email, submission.telpon) == ("warga+uji@example.invalid", "+62 800-0000")
    (entry,) = sim.received.matching("POST", ADDSTREAM_PATH)
    assert "&amp;" in entry.body and "&lt;Gang 3&gt;" in entry.body  # escaped on the wire
    fromstring(entry.body.encode())  # and well-formed
    if isinstance(sim, LaporNational):
        assert sim.laporan[tracking_id]["content"] == f"{title}\n\n{content}"


async def test_characters_xml_cannot_carry_do_not_break_the_push(
    target: tuple[Sim, str, str, str], session: aiohttp.ClientSession
) -> None:
    sim, url, token, _ = target
    await connector(session, url, token).create(complaint(content="Halaman satu.\x0cHalaman dua.\x0bSelesai."))
    ((_, submission),) = sim.submissions
    assert "Halaman satu." in submission.isi and "Halaman dua." in submission.isi


async def test_an_anonymous_complaint_without_a_reporter_has_empty_pelapor_fields(
    target: tuple[Sim, str, str, str], session: aiohttp.ClientSession
) -> None:
    sim, url, token, _ = target
    created = await connector(session, url, token).create(complaint(is_anonymous=True, reporter=None))
    ((_, submission),) = sim.submissions
    assert submission.anonim and not submission.rahasia
    assert (submission.email, submission.telpon, submission.namadepan) == ("", "", "")
    assert submission.namabelakang == "_"  # what the legacy client sends for no family name
    (entry,) = sim.received.matching("POST", ADDSTREAM_PATH)
    pelapor = fromstring(entry.body.encode()).find("pelapor")
    assert pelapor is not None and [child.tag for child in pelapor] == ["email", "telpon", "namadepan", "namabelakang"]
    if isinstance(sim, LaporNational):
        assert sim.reporters[created.source_id] == {"email": "", "telpon": "", "namadepan": "", "namabelakang": "_"}
        assert sim.laporan[created.source_id]["is_anonymous"] is True


async def test_a_secret_complaint_sets_rahasia(
    target: tuple[Sim, str, str, str], session: aiohttp.ClientSession
) -> None:
    sim, url, token, _ = target
    await connector(session, url, token).create(complaint(is_secret=True))
    ((_, submission),) = sim.submissions
    assert submission.rahasia and not submission.anonim


async def test_a_wrong_token_is_rejected_with_the_simulators_error(
    target: tuple[Sim, str, str, str], session: aiohttp.ClientSession
) -> None:
    sim, url, _, _ = target
    with pytest.raises(UpstreamRejected) as info:
        await connector(session, url, "{00000000-0000-4000-8000-000000000000}").create(complaint())
    assert info.value.status == 401
    assert info.value.message == "POST /api/stream/addstream answered 401: invalid token"
    assert sim.submissions == [] and pushes(sim) == 1


@pytest.mark.parametrize(
    "fault", [{"down": "503"}, {"down": "close"}, {"error_rate": 1.0}], ids=["503", "close", "500s"]
)
async def test_a_create_is_sent_once_even_when_the_source_fails(
    fault: dict[str, object], target: tuple[Sim, str, str, str], session: aiohttp.ClientSession
) -> None:
    sim, url, token, _ = target
    sim.faults.set(**fault)
    with pytest.raises(UpstreamUnavailable):
        await connector(session, url, token).create(complaint())
    assert pushes(sim) == 1 and len(sim.received.entries) == 1
    assert sim.submissions == []
    sim.faults.clear()
    await connector(session, url, token).create(complaint())
    assert len(sim.submissions) == 1 and pushes(sim) == 2


async def test_a_create_whose_answer_is_lost_is_not_sent_again(
    target: tuple[Sim, str, str, str], session: aiohttp.ClientSession
) -> None:
    """The source accepts after the client gave up: one laporan, not two."""
    sim, url, token, _ = target
    sim.faults.set(latency_ms=300)
    slow = Policy(total_timeout=0.1, connect_timeout=0.1, attempts=3, backoff_base=0.01, backoff_max=0.02)
    with pytest.raises(UpstreamUnavailable, match="timed out"):
        await connector(session, url, token, slow).create(complaint())
    for _ in range(100):  # the simulator finishes the request on its own
        if sim.submissions:
            break
        await asyncio.sleep(0.01)
    assert len(sim.submissions) == 1 and pushes(sim) == 1


@pytest.mark.parametrize("garbage", ["html", "xml_entities"])
async def test_a_hostile_or_garbage_answer_is_a_decode_error(
    garbage: str, target: tuple[Sim, str, str, str], session: aiohttp.ClientSession
) -> None:
    sim, url, token, _ = target
    sim.faults.set(garbage=garbage)
    seen: list[CallRecord] = []
    OBSERVERS.append(seen.append)
    try:
        with pytest.raises(DecodeError):
            await connector(session, url, token).create(complaint())
    finally:
        OBSERVERS.remove(seen.append)
    assert pushes(sim) == 1
    assert [c.outcome for c in seen] == ["ok", "unreadable"]  # the metrics count it as an error


async def test_addstream_declares_create_only(session: aiohttp.ClientSession) -> None:
    push = connector(session, "http://127.0.0.1:9", DEFAULT_TOKEN)
    assert push.capabilities == {Capability.CREATE} and push.repeat_safe == frozenset()
    at = datetime(2026, 3, 13, tzinfo=UTC)
    with pytest.raises(Unsupported, match="create only"):
        await push.read_one("1000001")
    with pytest.raises(Unsupported, match="create only"):
        await push.change_status("1000001", StatusChange(external_ref="s-1", status=Status.SELESAI))
    with pytest.raises(Unsupported, match="create only"):
        await push.add_follow_up("1000001", FollowUp(external_ref="f-1", text="Sudah diperbaiki.", at=at))
    with pytest.raises(Unsupported, match="create only"):
        async for _ in push.changes():
            pass


# -- the topic list ----------------------------------------------------------------------


@pytest.fixture
async def national() -> AsyncIterator[tuple[LaporNational, str]]:
    sim = LaporNational()
    async with serve(sim) as url:
        yield sim, url


async def test_topics_have_string_ids_and_roots_without_parent(
    national: tuple[LaporNational, str], session: aiohttp.ClientSession
) -> None:
    sim, url = national
    topics = await fetch_topics(UpstreamClient("lapor", session, POLICY), url, keytoken=DEFAULT_KEYTOKEN)
    assert len(topics) == len(TOPICS)
    assert all(isinstance(t.id, str) and (t.parent is None or isinstance(t.parent, str)) for t in topics)
    roots = [t for t in topics if t.parent is None]
    assert [t.id for t in roots] == ["1", "2", "3", "4", "5", "6", "7"]
    assert Topic(id="13", parent="3", name="Teknologi Informasi dan Komunikasi") in topics
    ids = {t.id for t in topics}
    assert all(t.parent in ids for t in topics if t.parent is not None)
    (entry,) = sim.received.matching("POST", GETTOPICS_PATH)
    assert f"KEYTOKEN={DEFAULT_KEYTOKEN}" in entry.body and entry.query == {}  # a form field, not the URL


async def test_a_wrong_keytoken_is_rejected(
    national: tuple[LaporNational, str], session: aiohttp.ClientSession
) -> None:
    sim, url = national
    with pytest.raises(UpstreamRejected) as info:
        await fetch_topics(UpstreamClient("lapor", session, POLICY), url, keytoken="salah")
    assert info.value.status == 401 and info.value.source == "lapor"
    assert len(sim.received.matching("POST", GETTOPICS_PATH)) == 1  # a refusal is not retried


async def test_incident_date_and_category_travel_as_the_last_lines_of_isi(
    target: tuple[Sim, str, str, str], session: aiohttp.ClientSession
) -> None:
    sim, url, token, _ = target
    await connector(session, url, token).create(
        complaint(incident_date=date(2026, 3, 10), category_code="infrastruktur.jalan")
    )
    ((_, submission),) = sim.submissions
    assert submission.isi == (
        "Jalan rusak\n\nJalan desa rusak parah sejak bulan lalu.\n\n"
        "Tanggal kejadian: 2026-03-10\nKategori: infrastruktur.jalan"
    )
