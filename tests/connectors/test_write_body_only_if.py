"""`only_if`: a write-body key sent only while other values of the same write hold, e.g. an OPD
code on an agency's answer and never on the reporter's reply; bad conditions are refused at
load with the key, what was expected and what was found."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from connectors.protocol import UnmappedValue
from connectors.spec import SpecError, load_spec
from connectors.time_formats import ZONES
from connectors.write_body import build_body
from schema.canonical import Status

HEAD = """
[source]
name = "73.06-uji"
kode_wilayah = "73.06"
time_zone = "WITA"

[fields]
source_id = "id"
content = "isi"
status = { const = "BELUM_TERVERIFIKASI" }
created_at = { path = "dibuat", cast = "datetime" }

[maps.opd_out]
"{kode_wilayah}-pupr" = "DPUPR"

[maps.status_out]
TERVERIFIKASI = "diverifikasi"
DIDISPOSISIKAN = "didisposisikan"
"""
FOLLOW_UP = """
[follow_up]
path = "/laporan/{id}/tanggapan"
body = { isi = "text", dari = { value = "from_reporter", cast = "bool", true = "pelapor", false = "opd" }, kode_opd = { value = "author_agency", map = "opd_out", only_if = CONDITION } }
"""
STATUS = """
[change_status]
path = "/laporan/{id}/status"
body = { status = { value = "status", map = "status_out" }, kode_opd = { value = "unit", map = "opd_out", only_if = { status = "DIDISPOSISIKAN" } } }
"""
AT = datetime(2026, 12, 1, 2, 0, tzinfo=UTC)


def _body(section: str, values: dict[str, object], condition: str = "{ from_reporter = false }") -> dict[str, object]:
    spec = load_spec(HEAD + section.replace("CONDITION", condition))
    write = spec.writes.follow_up or spec.writes.change_status
    assert write is not None
    return build_body(spec.name, write, values, spec.maps, ZONES["WITA"], kode_wilayah="73.06")


def test_an_agency_answer_carries_its_opd_and_a_reply_none() -> None:
    answer = _body(
        FOLLOW_UP, {"text": "Sudah diperbaiki.", "at": AT, "author_agency": "73.06-pupr", "from_reporter": False}
    )
    assert answer == {"isi": "Sudah diperbaiki.", "dari": "opd", "kode_opd": "DPUPR"}
    # Even were an agency named on a reply, the key stays out.
    reply = _body(FOLLOW_UP, {"text": "Terima kasih.", "at": AT, "author_agency": "73.06-pupr", "from_reporter": True})
    assert reply == {"isi": "Terima kasih.", "dari": "pelapor"}


def test_an_agency_answer_from_an_opd_without_a_word_still_fails() -> None:
    # only_if decides whether the key is sent, not what an unmapped value does.
    with pytest.raises(UnmappedValue) as info:
        _body(FOLLOW_UP, {"text": "Sudah.", "at": AT, "author_agency": "73.06-dishub", "from_reporter": False})
    assert "kode_opd" in str(info.value) and "opd_out" in str(info.value)


def test_a_status_condition_sends_the_opd_only_with_the_disposition() -> None:
    disposed = _body(STATUS, {"status": Status.DIDISPOSISIKAN, "unit": "73.06-pupr"})
    assert disposed == {"status": "didisposisikan", "kode_opd": "DPUPR"}
    assert _body(STATUS, {"status": Status.TERVERIFIKASI, "unit": "73.06-pupr"}) == {"status": "diverifikasi"}


@pytest.mark.parametrize(
    ("condition", "message"),
    [
        ("{ dari = false }", "follow_up.body.kode_opd.only_if.dari: expected one of source_id, external_ref, text"),
        ('{ from_reporter = "tidak" }', "follow_up.body.kode_opd.only_if.from_reporter: expected true or false"),
        ("{ text = [1] }", "follow_up.body.kode_opd.only_if.text: expected a string, number or true/false"),
        ('"opd"', "follow_up.body.kode_opd.only_if: expected a table like { from_reporter = false }"),
    ],
)
def test_a_bad_condition_is_refused_naming_key_expected_and_found(condition: str, message: str) -> None:
    with pytest.raises(SpecError) as info:
        _body(FOLLOW_UP, {}, condition)
    assert str(info.value).startswith(message), str(info.value)
    assert info.value.code == "BAD_MAPPING"


def test_a_status_condition_must_name_a_canonical_status() -> None:
    with pytest.raises(
        SpecError, match=r"^change_status\.body\.kode_opd\.only_if\.status: expected a canonical status"
    ):
        _body(STATUS.replace('status = "DIDISPOSISIKAN" }', 'status = "didisposisikan" }'), {})
