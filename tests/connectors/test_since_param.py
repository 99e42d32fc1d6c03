"""The since parameter written the way a source reads it: a local pattern in the source's zone
(over real loopback HTTP, against a system that answers 500 to anything else), local ISO time
without an offset, epoch seconds, and the UTC ISO time `datetime` has always meant."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import aiohttp
import pytest
from aiohttp import web

from connectors.errors import UpstreamUnavailable
from connectors.http import Policy, UpstreamClient
from connectors.loader import build_source
from connectors.source import HttpSource
from connectors.spec import SpecError, load_spec
from tests.loopback import serve_app

FAST = Policy(total_timeout=2.0, connect_timeout=1.0, attempts=2, backoff_base=0.01, backoff_max=0.02)
LOCAL = "%d/%m/%Y %H:%M"

MAPPING = """
[source]
name = "35.07-kabupaten-malang"
kode_wilayah = "35.07"
time_zone = "WIB"

[records]
path = "data"

[request]
path = "/api/laporan"
since_param = "sejak"
SINCE

[fields]
source_id = "id"
content = "attributes.isi"
status = { const = "BELUM_TERVERIFIKASI" }
created_at = { path = "attributes.tgl_lapor", cast = "datetime", format = "%d/%m/%Y %H:%M" }
updated_at = { path = "attributes.tgl_ubah", cast = "datetime", format = "%d/%m/%Y %H:%M" }
"""

# Local (WIB) times, as the system keeps them.
ROWS = [
    {
        "id": "1",
        "attributes": {"isi": "Jalan berlubang.", "tgl_lapor": "12/03/2026 08:00", "tgl_ubah": "12/03/2026 08:00"},
    },
    {
        "id": "2",
        "attributes": {"isi": "Sampah menumpuk.", "tgl_lapor": "13/03/2026 08:00", "tgl_ubah": "13/03/2026 09:30"},
    },
    {"id": "3", "attributes": {"isi": "Lampu padam.", "tgl_lapor": "13/03/2026 10:00", "tgl_ubah": "14/03/2026 07:05"}},
]


def upstream(seen: list[str], rows: list[dict[str, object]]) -> web.Application:
    """A system that wants `sejak` as local dd/mm/yyyy HH:MM and answers 500 to anything else;
    it keeps minutes only, and lists what changed strictly after `sejak`."""

    async def list_(request: web.Request) -> web.Response:
        since = request.query.get("sejak")
        if since is None:
            return web.json_response({"data": rows})
        seen.append(since)
        if not re.fullmatch(r"\d{2}/\d{2}/\d{4} \d{2}:\d{2}", since):
            return web.json_response({"errors": [{"status": "500", "title": "Internal Server Error"}]}, status=500)
        after = datetime.strptime(since, LOCAL)
        newer = [r for r in rows if datetime.strptime(r["attributes"]["tgl_ubah"], LOCAL) > after]  # type: ignore[index]
        return web.json_response({"data": newer})

    app = web.Application()
    app.router.add_get("/api/laporan", list_)
    return app


# The base URL, the since parameters the system saw, and its rows (a test may add one).
Served = tuple[str, list[str], list[dict[str, object]]]


@pytest.fixture
async def served() -> AsyncIterator[Served]:
    seen: list[str] = []
    rows: list[dict[str, object]] = list(ROWS)
    async with serve_app(upstream(seen, rows)) as base:
        yield base, seen, rows


def source(since: str, session: aiohttp.ClientSession, base: str) -> HttpSource:
    spec = load_spec(MAPPING.replace("SINCE", since))
    return build_source(spec, UpstreamClient(spec.name, session, FAST), base)


async def test_a_local_since_pattern_asks_for_newer_records_only(served: Served) -> None:
    base, seen, rows = served
    async with aiohttp.ClientSession() as session:
        connector = source(f'since_format = "{LOCAL}"', session, base)
        # 02:00 UTC is 09:00 WIB; asked from one minute earlier (the pattern's step), so a
        # system comparing whole minutes still lists what changed at 09:00. Record 1 (08:00
        # on the 12th) is older.
        since = connector.cursor_for(datetime(2026, 3, 13, 2, 0, tzinfo=UTC))
        assert since == "13/03/2026 08:59"
        batches = [b async for b in connector.changes(since=since)]
        assert seen == ["13/03/2026 08:59"]
        assert [r.source_id for b in batches for r in b.records] == ["2", "3"]
        assert [r.updated_at for b in batches for r in b.records] == [
            datetime(2026, 3, 13, 2, 30, tzinfo=UTC),
            datetime(2026, 3, 14, 0, 5, tzinfo=UTC),
        ]
        # The next pull resumes at the newest record (07:05 WIB), in the same local pattern.
        assert batches[-1].cursor == "14/03/2026 07:04"
        first = {r.source_id: r.version for b in batches for r in b.records}
        # A record changed later in that same minute is not missed; the newest one is read
        # again with its version unchanged (the ingest skips it).
        rows.append(
            {
                "id": "4",
                "attributes": {
                    "isi": "Pohon tumbang.",
                    "tgl_lapor": "14/03/2026 07:05",
                    "tgl_ubah": "14/03/2026 07:05",
                },
            }
        )
        again = [r async for b in connector.changes(since=batches[-1].cursor) for r in b.records]
        assert [r.source_id for r in again] == ["3", "4"]
        assert again[0].version == first["3"]


async def test_the_old_utc_since_is_what_this_system_refuses(served: Served) -> None:
    base, seen, _ = served
    async with aiohttp.ClientSession() as session:
        connector = source("", session, base)  # since_cast = "datetime": UTC ISO 8601
        since = connector.cursor_for(datetime(2026, 3, 13, 2, 0, tzinfo=UTC))
        assert since == "2026-03-13T02:00:00+00:00"
        with pytest.raises(UpstreamUnavailable):
            [b async for b in connector.changes(since=since)]
        assert seen and seen[0] == since


async def test_a_date_cursor_misses_nothing_changed_later_that_day_under_an_exclusive_filter() -> None:
    """A system that lists what changed on a later day than `sejak` (yyyy-mm-dd, local)."""
    seen: list[str] = []
    rows: list[dict[str, object]] = [ROWS[0], ROWS[1]]

    async def list_(request: web.Request) -> web.Response:
        since = request.query.get("sejak")
        if since is None:
            return web.json_response({"data": rows})
        seen.append(since)
        day = datetime.strptime(since, "%Y-%m-%d").date()
        later = [r for r in rows if datetime.strptime(r["attributes"]["tgl_ubah"], LOCAL).date() > day]  # type: ignore[index]
        return web.json_response({"data": later})

    app = web.Application()
    app.router.add_get("/api/laporan", list_)
    async with serve_app(app) as base, aiohttp.ClientSession() as session:
        connector = source('since_cast = "date"', session, base)
        first = [b async for b in connector.changes()]
        cursor = first[-1].cursor  # the newest change: record 2, 13/03 09:30 WIB
        assert cursor == "2026-03-12"
        versions = {r.source_id: r.version for b in first for r in b.records}
        # Changed later on the cursor's own day: a cursor of 13/03 would never list it.
        rows.append(
            {
                "id": "4",
                "attributes": {
                    "isi": "Pohon tumbang.",
                    "tgl_lapor": "13/03/2026 15:00",
                    "tgl_ubah": "13/03/2026 15:00",
                },
            }
        )
        again = [r async for b in connector.changes(since=cursor) for r in b.records]
        assert seen == ["2026-03-12"]
        assert [r.source_id for r in again] == ["2", "4"]
        assert again[0].version == versions["2"]  # read again unchanged: the ingest skips it


@pytest.mark.parametrize(
    ("since", "cursor"),
    [
        ('since_cast = "datetime"', "2026-03-13T02:00:30.500000+00:00"),
        ('since_cast = "local_datetime"', "2026-03-13T09:00:29"),  # one second early, whole seconds
        ('since_cast = "date"', "2026-03-12"),  # a day early: a date's step
        ('since_cast = "epoch_s"', "1773367229"),
        ('since_cast = "epoch_ms"', "1773367230500"),
        ('since_format = "%Y%m%d%H%M%S"', "20260313090029"),
        ('since_format = "%d/%m/%Y"', "12/03/2026"),  # a day early: the pattern's step
    ],
)
async def test_each_since_cast_writes_the_cursor_its_way(since: str, cursor: str) -> None:
    async with aiohttp.ClientSession() as session:
        connector = source(since, session, "http://127.0.0.1:9")
        assert connector.cursor_for(datetime(2026, 3, 13, 2, 0, 30, 500000, tzinfo=UTC)) == cursor


@pytest.mark.parametrize(
    ("since", "message"),
    [
        ('since_format = "%H:%M"', "request.since_format: expected a strptime pattern with a date"),
        ('since_format = "%d.%m.%Y %k"', "%k is not one of them"),
        (
            'since_cast = "date"\nsince_format = "%d/%m/%Y"',
            "request.since_cast: expected no since_cast beside since_format (the pattern says how); found 'date'",
        ),
        (
            'since_cast = "local"',
            "request.since_cast: expected one of datetime, local_datetime, date, epoch_s, epoch_ms; found 'local'",
        ),
    ],
)
def test_a_wrong_since_is_refused_at_load(since: str, message: str) -> None:
    with pytest.raises(SpecError) as info:
        load_spec(MAPPING.replace("SINCE", since))
    assert message in str(info.value)
