"""One rule for a follow-up that does not map, wherever follow-ups come from (nested in the
record, a list per record over loopback HTTP, a separate export list): the record is kept
with its status, the bad follow-up is left out, and a `follow_ups` gap names the record, the
follow-up and the reason, never its text."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from connectors.http import Policy, UpstreamClient
from connectors.loader import build_source
from connectors.mapping import Mapper
from connectors.spec import load_spec
from schema.canonical import Status
from tests.connectors.jsonapi_system import API_KEY, JsonApiSystem, Tanggapan, serve
from tests.connectors.whole_record import RECORD, SPEC

FAST = Policy(total_timeout=2.0, connect_timeout=1.0, attempts=1, backoff_base=0.01, backoff_max=0.02)
JSONAPI = (Path(__file__).parent / "fixtures" / "jsonapi.toml").read_text()


def follow_up_gaps(record: Any) -> list[str]:
    return [g.message for g in record.warnings if g.field == "follow_ups"]


def test_a_nested_follow_up_with_an_unknown_author_word_is_left_out_and_the_record_kept() -> None:
    comments = [
        *RECORD["comments"],
        {"id": "c4", "comment": "Terima kasih, Pak Budi.", "createdAt": "2026-03-17T09:00:00+07:00", "role": "CAMAT"},
    ]  # type: ignore[list-item]
    c = Mapper(load_spec(SPEC)).map({**RECORD, "comments": comments})
    assert c.status is Status.DIDISPOSISIKAN  # its status still travels
    assert [f.source_id for f in c.follow_ups] == ["c1", "c2", "c3"]
    [gap] = follow_up_gaps(c)
    assert gap.startswith("record rep_1: follow_ups[3].author: the value 'CAMAT' is not in [maps.penulis]"), gap
    assert "(follow-up 'c4') (the follow-up is left out)" in gap
    assert "Pak Budi" not in gap


def test_nested_follow_ups_that_are_not_a_list_are_a_gap_not_a_rejection() -> None:
    c = Mapper(load_spec(SPEC)).map({**RECORD, "comments": {"id": "c1"}})
    assert c.follow_ups == ()
    assert follow_up_gaps(c) == ["record rep_1: follow_ups: expected a list at 'comments' (stored without them)"]


@pytest.fixture
async def jsonapi() -> AsyncIterator[tuple[JsonApiSystem, str]]:
    simulated = JsonApiSystem()
    async with serve(simulated) as url:
        yield simulated, url


async def test_a_follow_up_from_a_records_endpoint_that_does_not_map_is_left_out(jsonapi) -> None:  # type: ignore[no-untyped-def]
    simulated, url = jsonapi
    plain = simulated._tanggapan

    def odd(t: Tanggapan) -> dict[str, Any]:
        shaped = plain(t)
        if t.id == "T-2":
            shaped["attributes"]["dari_pelapor"] = "?"  # a word [maps.penulis] does not have
        return shaped

    simulated._tanggapan = odd  # type: ignore[method-assign]
    spec = load_spec(JSONAPI)
    async with aiohttp.ClientSession() as session:
        source = build_source(spec, UpstreamClient(spec.name, session, FAST), url, secret=API_KEY)
        batches = [b async for b in source.changes()]
    assert not [e for b in batches for e in b.rejected]
    records = {r.source_id: r for b in batches for r in b.records}
    first = records["LPR-0001"]
    assert [f.source_id for f in first.follow_ups] == ["T-1"]
    [gap] = follow_up_gaps(first)
    assert gap.startswith("record LPR-0001: follow_ups[1].author: the value '?' is not in [maps.penulis]"), gap
    assert gap.endswith("(follow-up 'T-2') (the follow-up is left out)")


EXPORT_MAPPING = """
[source]
name = "16.09-oku-selatan"
kode_wilayah = "16.09"
time_zone = "WIB"

[request]
path = "/export/pengaduan.csv"
format = "csv"

[fields]
source_id = "id_pengaduan"
content = "isi"
status = { path = "status", map = "status" }
created_at = { path = "tgl", cast = "date" }

[maps.status]
"1" = "DIDISPOSISIKAN"

[follow_ups]
list = "/export/tanggapan.csv"
record_id = "id_pengaduan"
id = "id_tanggapan"
text = "tanggapan"
at = { path = "tgl_tanggapan", cast = "date" }
"""


async def test_a_bad_row_of_a_separate_follow_up_list_is_reported_on_its_record(tmp_path: Path) -> None:
    (tmp_path / "export").mkdir()
    (tmp_path / "export" / "pengaduan.csv").write_text("id_pengaduan,isi,status,tgl\n7,Jalan rusak,1,2026-03-02\n")
    (tmp_path / "export" / "tanggapan.csv").write_text(
        "id_tanggapan,id_pengaduan,tanggapan,tgl_tanggapan\n"
        "t1,7,Sudah ditinjau,2026-03-03\n"
        "t2,7,Hubungi Ibu Sari,3 Maret\n"
    )
    spec = load_spec(EXPORT_MAPPING)
    async with aiohttp.ClientSession() as session:
        source = build_source(spec, UpstreamClient(spec.name, session, FAST), tmp_path.as_uri())
        (batch,) = [b async for b in source.changes()]
    (record,) = batch.records
    assert [f.source_id for f in record.follow_ups] == ["t1"]
    [gap] = follow_up_gaps(record)
    assert gap.startswith("record 7: follow_ups[1].at: the value '3 Maret' is not a date"), gap
    assert gap.endswith("(follow-up 't2') (the follow-up is left out)")
    assert "Sari" not in gap
