"""A JSON:API-style system connected with a TOML mapping only (issue #13): next-link and
Link-header paging, a cursor or link that repeats, follow-ups listed per record, the
JSON:API envelopes of reads and writes; over real loopback HTTP (tests/connectors/jsonapi_system.py)."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import aiohttp
import pytest

from connectors.check import check_source
from connectors.errors import DecodeError, UpstreamUnavailable
from connectors.http import Policy, UpstreamClient
from connectors.loader import build_source
from connectors.protocol import Batch, FollowUp, NewComplaint, StatusChange
from connectors.source import HttpSource
from connectors.spec import SpecError, load_spec
from schema.canonical import Status
from tests.connectors.jsonapi_system import API_KEY, JsonApiSystem, serve

FAST = Policy(total_timeout=2.0, connect_timeout=1.0, attempts=2, backoff_base=0.01, backoff_max=0.02)
MAPPING = (Path(__file__).parent / "fixtures" / "jsonapi.toml").read_text()
ALL_IDS = [f"LPR-000{n}" for n in range(1, 8)]


@pytest.fixture
async def system() -> AsyncIterator[tuple[JsonApiSystem, str]]:
    simulated = JsonApiSystem()
    async with serve(simulated) as url:
        yield simulated, url


def connect(session: aiohttp.ClientSession, url: str, mapping: str = MAPPING) -> HttpSource:
    spec = load_spec(mapping)
    return build_source(spec, UpstreamClient(spec.name, session, FAST), url, secret=API_KEY)


def with_pagination(pagination: str) -> str:
    old = 'pagination = { style = "next_link", next = "links.next", size_param = "page[size]", size = 3 }'
    assert old in MAPPING
    return MAPPING.replace(old, f"pagination = {pagination}")


async def read_all(source: HttpSource) -> list[Batch]:
    return [batch async for batch in source.changes()]


def ids(batches: list[Batch]) -> list[str]:
    return [r.source_id for b in batches for r in b.records]


# -- paging ----------------------------------------------------------------------------


@pytest.mark.parametrize("paging", ["relative", "absolute"])
async def test_every_page_is_read_by_following_next_links(paging: str, system, session) -> None:
    simulated, url = system
    simulated.paging = paging
    batches = await read_all(connect(session, url))
    assert ids(batches) == ALL_IDS and [b.raw_count for b in batches] == [3, 3, 1]
    assert not any(b.rejected for b in batches)
    # The secret went with every page, though the links do not carry it.
    assert simulated.keys_seen and all(key == API_KEY for key in simulated.keys_seen)
    # The links' own parameters were kept: the page size asked for on the first page.
    assert [call.get("page[size]") for call in simulated.list_calls] == ["3", "3", "3"]


async def test_every_page_is_read_by_following_the_link_header(system, session) -> None:
    simulated, url = system
    simulated.paging = "header"
    source = connect(session, url, with_pagination('{ style = "link_header", size_param = "page[size]", size = 3 }'))
    batches = await read_all(source)
    assert ids(batches) == ALL_IDS and len(simulated.list_calls) == 3


async def test_a_next_link_to_another_host_is_refused_not_followed(system, session) -> None:
    simulated, url = system
    simulated.paging = "foreign"
    with pytest.raises(
        DecodeError, match=r"points to http://198\.51\.100\.7:\d+, not to the source's own http://127\.0\.0\.1"
    ) as caught:
        await read_all(connect(session, url))
    assert API_KEY not in str(caught.value)
    assert len(simulated.list_calls) == 1


async def test_a_next_link_read_as_a_cursor_is_a_repeat_that_names_the_right_style(system, session) -> None:
    """The issue's endless loop: `links.next` declared as a cursor is sent back as
    ?cursor=..., which the system ignores; the same link comes back."""
    simulated, url = system
    source = connect(
        session, url, with_pagination('{ style = "cursor", next = "links.next", size_param = "page[size]", size = 3 }')
    )
    with pytest.raises(DecodeError) as caught:
        await read_all(source)
    message = str(caught.value)
    assert "the cursor at 'links.next' repeated" in message
    assert 'if it is a next-page URL use style = "next_link"' in message
    assert len(simulated.list_calls) == 2


async def test_next_links_that_loop_are_an_error_not_ten_thousand_pages(system, session) -> None:
    simulated, url = system
    simulated.paging = "loop"
    seen: list[str] = []
    with pytest.raises(DecodeError, match=r"the next link at 'links\.next' repeated"):
        async for batch in connect(session, url).changes():
            seen.extend(r.source_id for r in batch.records)
    # Pages 1 and 2, then page 1 again, whose next link (page 2) was already followed: the
    # repeated page is not handed on.
    assert seen == ALL_IDS[:6] and len(simulated.list_calls) == 3


async def test_a_full_first_page_without_the_declared_cursor_fails_the_check(system, session) -> None:
    """The issue's silent one-page read: a cursor path the answers never have."""
    _simulated, url = system
    source = connect(
        session, url, with_pagination('{ style = "cursor", next = "meta.cursor", size_param = "page[size]", size = 3 }')
    )
    batches = await read_all(source)
    assert ids(batches) == ALL_IDS[:3]
    assert batches[0].notes and "nothing at 'meta.cursor'" in batches[0].notes[0]
    report = await check_source(source, kode_wilayah="16.05", writes=False)
    assert not report.passed and "paging: the first page is full" in report.render()


async def test_a_full_first_page_without_a_link_header_fails_the_check(system, session) -> None:
    _simulated, url = system  # its links are in the body, not in a header
    source = connect(session, url, with_pagination('{ style = "link_header", size_param = "page[size]", size = 3 }'))
    batches = await read_all(source)
    assert ids(batches) == ALL_IDS[:3] and "has no Link header" in batches[0].notes[0]


async def test_a_last_page_without_a_next_link_is_no_note(system, session) -> None:
    _simulated, url = system
    source = connect(session, url, with_pagination('{ style = "next_link", size_param = "page[size]", size = 10 }'))
    batches = await read_all(source)
    assert ids(batches) == ALL_IDS and batches[0].notes == ()


# -- follow-ups per record -------------------------------------------------------------


async def test_follow_ups_are_read_from_each_records_own_endpoint(system, session) -> None:
    simulated, url = system
    records = {r.source_id: r for b in await read_all(connect(session, url)) for r in b.records}
    first = records["LPR-0001"]
    assert [(f.source_id, f.by_reporter) for f in first.follow_ups] == [("T-1", False), ("T-2", True)]
    assert first.follow_ups[0].text == "Sudah dijadwalkan perbaikan."
    assert first.follow_ups[0].at == datetime(2026, 3, 4, 3, 15, tzinfo=UTC)  # 10:15 WIB
    # A 404 from the endpoint means the record has none.
    assert records["LPR-0002"].follow_ups == ()
    assert simulated.tanggapan_calls == 7
    assert all(key == API_KEY for key in simulated.keys_seen)


async def test_follow_up_lists_are_fetched_a_few_at_a_time(system, session) -> None:
    simulated, url = system
    source = connect(session, url, with_pagination('{ style = "next_link", size_param = "page[size]", size = 10 }'))
    await read_all(source)
    assert simulated.tanggapan_calls == 7 and 1 < simulated.tanggapan_most_at_once <= 4


async def test_a_failing_follow_up_list_fails_the_page(system, session) -> None:
    simulated, url = system
    simulated.fail_tanggapan = True
    got: list[Batch] = []
    with pytest.raises(UpstreamUnavailable, match="tanggapan answered 500"):
        async for batch in connect(session, url).changes():
            got.append(batch)
    assert got == []


async def test_read_one_unwraps_data_and_fetches_its_follow_ups(system, session) -> None:
    _simulated, url = system
    source = connect(session, url)
    record = await source.read_one("LPR-0005")
    assert record is not None and record.status is Status.DITINDAKLANJUTI and record.disposed_to is None
    assert [g.field for g in record.warnings] == ["disposed_to"] and "PDAM" in str(record.warnings[0])
    assert [f.text for f in record.follow_ups] == ["Pipa sedang dibersihkan."]
    assert await source.read_one("LPR-9999") is None


# -- JSON:API envelopes ----------------------------------------------------------------


async def test_jsonapi_attributes_relationships_and_flags_map(system, session) -> None:
    _simulated, url = system
    records = {r.source_id: r for b in await read_all(connect(session, url)) for r in b.records}
    secret = records["LPR-0003"]
    assert (secret.title, secret.status, secret.disposed_to) == (
        "Pungutan liar",
        Status.DIDISPOSISIKAN,
        "16.05-inspektorat",
    )
    assert secret.is_secret and secret.is_anonymous
    plain = records["LPR-0002"]
    assert not plain.is_secret and not plain.is_anonymous and plain.disposed_to is None
    assert plain.created_at == datetime(2026, 3, 3, 0, 15, tzinfo=UTC)  # 07:15 WIB


async def test_writes_send_jsonapi_bodies_and_read_the_new_id_at_data_id(system, session) -> None:
    simulated, url = system
    source = connect(session, url)
    created = await source.create(
        NewComplaint(
            external_ref="gw-1",
            title="Jembatan retak",
            content="Jembatan desa retak.",
            kode_wilayah="16.05",
            created_at=datetime(2026, 3, 11, tzinfo=UTC),
            is_secret=True,
        )
    )
    assert created.source_id == "LPR-0101" and simulated.records["LPR-0101"].rahasia
    await source.change_status(created.source_id, StatusChange(external_ref="gw-1", status=Status.DIDISPOSISIKAN))
    await source.add_follow_up(
        created.source_id,
        FollowUp(
            external_ref="gw-1-f1",
            text="Mohon segera diperbaiki.",
            at=datetime(2026, 3, 11, tzinfo=UTC),
            from_reporter=True,
        ),
    )
    back = await source.read_one(created.source_id)
    assert back is not None and back.status is Status.DIDISPOSISIKAN
    assert [(f.text, f.by_reporter) for f in back.follow_ups] == [("Mohon segera diperbaiki.", True)]


# -- the mapping refuses what it cannot mean ---------------------------------------------


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            'style = "next_link", next = "links.next"',
            'style = "next_link", cursor_param = "c"',
            'request.pagination.cursor_param: expected no cursor_param with style = "next_link"',
        ),
        (
            'style = "next_link", next = "links.next"',
            'style = "link_header", next = "links.next"',
            'request.pagination.next: expected no next with style = "link_header" (the next page\'s URL is in the Link header)',
        ),
        (
            'style = "next_link", next = "links.next"',
            'style = "next_link", next = 3',
            "request.pagination.next: expected the dotted path of the next page's URL",
        ),
        (
            'path = "/api/v1/pengaduan"\nsince',
            'path = "/api/v1/pengaduan"\nformat = "xml"\nsince',
            'request.pagination.style: expected link_header, page, cursor or none (a next link in the body needs format = "json"',
        ),
        (
            'endpoint = "/api/v1/pengaduan/{id}/tanggapan"',
            'endpoint = "/api/v1/tanggapan"',
            "follow_ups.endpoint: expected a path starting with / holding {id}",
        ),
        (
            'endpoint = "/api/v1/pengaduan/{id}/tanggapan"',
            'path = "tanggapan"',
            "follow_ups.records: expected nothing (only an endpoint's answer has a list to find)",
        ),
        (
            'endpoint = "/api/v1/pengaduan/{id}/tanggapan"',
            'endpoint = "/x/{id}"\npath = "tanggapan"',
            "follow_ups: expected exactly one of path (a list in each record), endpoint (a list per record) or list",
        ),
        ('Y = "REPORTER"', 'Y = "PELAPOR"', "maps.penulis.Y: expected one of AGENCY, REPORTER; found 'PELAPOR'"),
    ],
)
def test_a_wrong_paging_or_follow_up_table_is_refused_with_its_path(old: str, new: str, message: str) -> None:
    assert old in MAPPING
    with pytest.raises(SpecError) as caught:
        load_spec(MAPPING.replace(old, new, 1))
    assert message in str(caught.value)


# -- the system's own forms: dd/mm/yyyy HH:MM local times, Y/T flags, a local since


async def test_the_systems_own_times_flags_and_since_parameter(session) -> None:
    simulated = JsonApiSystem()  # its own dd/mm/yyyy HH:MM local times
    async with serve(simulated) as url:
        source = connect(session, url)
        records = {r.source_id: r for b in await read_all(source) for r in b.records}
        assert sorted(records) == ALL_IDS
        assert records["LPR-0002"].created_at == datetime(2026, 3, 3, 0, 15, tzinfo=UTC)  # 07:15 WIB
        assert records["LPR-0003"].is_secret and not records["LPR-0002"].is_secret
        assert records["LPR-0001"].follow_ups[0].at == datetime(2026, 3, 4, 3, 15, tzinfo=UTC)
        since = source.cursor_for(datetime(2026, 3, 8, 0, 30, tzinfo=UTC))  # 07:30 WIB
        assert since is not None and re.fullmatch(r"08/03/2026 07:[23]\d", since)
        changed = ids([b async for b in source.changes(since)])
        assert changed == ["LPR-0004", "LPR-0005", "LPR-0007"]
        # The next links carried the filter on; every page was asked with it.
        assert [call["filter[sejak]"] for call in simulated.list_calls[-1:]] == [since]
