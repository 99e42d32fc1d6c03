"""The mapping carries the whole complaint: category (through the source's own codes),
incident date, the OPD disposition and reporter replies; a code with no entry is a warning,
not a rejection; a create body sends the registry's category in the source's code."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime

import pytest

from connectors.mapping import Mapper
from connectors.records import content_version
from connectors.spec import SpecError, load_spec
from connectors.write_body import build_body
from schema.regions import WIB
from tests.connectors.whole_record import RECORD, SPEC


def test_category_incident_date_disposition_and_replies_are_mapped() -> None:
    c = Mapper(load_spec(SPEC)).map(RECORD)
    assert c.category_id == "infrastruktur.jalan"
    # The day the reporter named, not the UTC day of its midnight in WIB (the 9th).
    assert c.incident_date == date(2026, 3, 10)
    # One mapping for every kab/kota: the OPD id names this source's regency.
    assert c.disposed_to == "16.01-pupr"
    assert c.disposed_at == datetime(2026, 3, 13, 3, 0, tzinfo=UTC)
    assert [(f.source_id, f.by_reporter) for f in c.follow_ups] == [("c1", False), ("c2", True), ("c3", False)]
    assert c.warnings == ()


def test_a_code_without_an_entry_is_a_warning_and_the_record_is_kept() -> None:
    mapped, rejected = Mapper(load_spec(SPEC)).map_all([RECORD | {"category": "BARU", "opdId": "opd_entah"}])
    assert rejected == []
    (c,) = mapped
    assert (c.category_id, c.disposed_to, c.incident_date) == (None, None, date(2026, 3, 10))
    assert len(c.warnings) == 2
    assert [w.field for w in c.warnings] == ["category_id", "disposed_to"]
    assert str(c.warnings[0]).startswith("record rep_1: category_id: the value 'BARU' is not in [maps.kategori]")
    assert "disposed_to: the value 'opd_entah' is not in [maps.opd]" in str(c.warnings[1])
    assert all("1601014101900001" not in str(w) for w in c.warnings)


def test_a_catch_all_word_mapped_to_nothing_is_no_value_and_no_warning() -> None:
    spec = SPEC.replace('JALAN = "infrastruktur.jalan"', 'JALAN = "infrastruktur.jalan"\nLAINNYA = ""')
    c = Mapper(load_spec(spec)).map(RECORD | {"category": "LAINNYA"})
    assert c.category_id is None
    assert c.warnings == ()


def test_a_status_word_mapped_to_nothing_is_refused_when_the_mapping_loads() -> None:
    status_table = SPEC[SPEC.index("[maps.status]") :].split("\n\n")[0]
    with pytest.raises(SpecError, match=r"maps\.status\.KOSONG: expected one of SUBMITTED"):
        load_spec(SPEC.replace(status_table, status_table + '\nKOSONG = ""'))


def test_a_status_word_without_an_entry_still_rejects() -> None:
    mapped, rejected = Mapper(load_spec(SPEC)).map_all([RECORD | {"status": "ENTAH"}])
    assert mapped == [] and rejected[0].field == "status"


def test_a_changed_category_opd_or_reply_is_a_new_version() -> None:
    c = Mapper(load_spec(SPEC)).map(RECORD)
    base = content_version(c)
    assert content_version(replace(c, category_id="energi.pju")) != base
    assert content_version(replace(c, incident_date=date(2026, 3, 11))) != base
    assert content_version(replace(c, disposed_to="16.01-dinkes")) != base
    reply = replace(c.follow_ups[0], by_reporter=True)
    assert content_version(replace(c, follow_ups=(reply, *c.follow_ups[1:]))) != base


def test_an_author_map_must_land_on_agency_or_reporter() -> None:
    with pytest.raises(SpecError) as caught:
        load_spec(SPEC.replace('PELAPOR = "REPORTER"', 'PELAPOR = "WARGA"'))
    assert str(caught.value) == "maps.penulis.PELAPOR: expected one of AGENCY, REPORTER; found 'WARGA'"


def test_a_create_sends_category_in_the_sources_code_and_the_incident_date() -> None:
    spec = load_spec(SPEC)
    assert spec.writes.create is not None

    def body(category: str) -> dict[str, object]:
        values = {"content": "Jalan rusak.", "category_code": category, "incident_date": date(2026, 3, 10)}
        return build_body(spec.name, spec.writes.create, values, spec.maps, WIB)  # type: ignore[arg-type]

    assert body("infrastruktur.jalan") == {
        "description": "Jalan rusak.",
        "category": "JALAN",
        "incidentDate": "2026-03-10",
    }
    # A category the source has no code for goes under its catch-all word.
    assert body("kesehatan.jkn")["category"] == "UMUM"
