"""The declarative mapping: strict spec errors that name the key, and the mapper's casts."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from connectors.mapping import Mapper, MappingError
from connectors.paths import get_path
from connectors.spec import SpecError, load_spec
from schema.canonical import Status

SPEC = """
[source]
name = "16.05-musi-rawas"
kode_wilayah = "16.05"
time_zone = "WIB"

[records]
path = "data"

[fields]
source_id = "id"
title = "title"
content = "description"
created_at = { path = "createdAt", cast = "datetime" }
updated_at = { path = "updatedAt", cast = "datetime", optional = true }
status = { path = "bupatiStatus", map = "status" }
latitude = { path = "location.lat", cast = "float", optional = true }
is_anonymous = { path = "@anonim", cast = "bool", default = "0" }
reporter_nik = { path = "user.nik", optional = true }

[maps.status]
PENDING = "BELUM_TERVERIFIKASI"
PROSES = "DIDISPOSISIKAN"
SELESAI = "SELESAI"
DITOLAK = "ARSIP"
"""

RECORD = {
    "id": "rep_1",
    "title": "  Jalan rusak  ",
    "description": "Jalan desa rusak parah sejak bulan lalu.",
    "createdAt": "2026-03-13T09:00:00",
    "bupatiStatus": "PROSES",
    "location": {"lat": "-3,21"},
    "@anonim": "1",
    "user": {"nik": "1605014101900001"},
}


def test_a_good_record_maps_to_canonical_values() -> None:
    c = Mapper(load_spec(SPEC)).map(RECORD)
    assert (c.source, c.source_id, c.title, c.status) == (
        "16.05-musi-rawas",
        "rep_1",
        "Jalan rusak",
        Status.DIDISPOSISIKAN,
    )
    # No offset in the source: read as WIB (UTC+7), stored in UTC.
    assert c.created_at == datetime(2026, 3, 13, 2, 0, tzinfo=UTC)
    assert c.updated_at == c.created_at and c.version == c.created_at.isoformat()
    assert c.latitude == -3.21 and c.is_anonymous is True and c.kode_wilayah == "16.05"
    assert c.reporter is not None and c.reporter.nik == "1605014101900001"


@pytest.mark.parametrize(
    ("change", "field", "reason"),
    [
        ({"bupatiStatus": "BARU"}, "status", "the value 'BARU' is not in [maps.status]"),
        ({"createdAt": "kemarin"}, "created_at", "the value 'kemarin' is not a datetime"),
        ({"description": None}, "content", "nothing at 'description'"),
        ({"location": {"lat": "utara"}}, "latitude", "the value 'utara' is not a float"),
        ({"location": {"lat": "40.5"}}, "latitude", "40.5 is outside Indonesia"),
    ],
)
def test_a_bad_record_names_its_field(change: dict[str, object], field: str, reason: str) -> None:
    with pytest.raises(MappingError) as info:
        Mapper(load_spec(SPEC)).map({**RECORD, **change})
    assert (info.value.record_ref, info.value.field) == ("rep_1", field)
    assert reason in info.value.reason


def test_personal_values_are_never_quoted() -> None:
    spec = load_spec(
        SPEC.replace(
            'reporter_nik = { path = "user.nik", optional = true }',
            'reporter_nik = { path = "user.nik", cast = "int" }',
        )
    )
    with pytest.raises(MappingError) as info:
        Mapper(spec).map({**RECORD, "user": {"nik": "16050141019O0001"}})
    assert "16050141019O0001" not in str(info.value)


def test_one_bad_record_does_not_stop_the_batch() -> None:
    mapped, rejected = Mapper(load_spec(SPEC)).map_all(
        [RECORD, {**RECORD, "id": "rep_2", "bupatiStatus": "?"}, {**RECORD, "id": "rep_3"}]
    )
    assert [c.source_id for c in mapped] == ["rep_1", "rep_3"]
    assert [e.record_ref for e in rejected] == ["rep_2"]


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            'cast = "datetime" }',
            'cast = "datetme" }',
            "fields.created_at.cast: expected one of bool, date, datetime, epoch_ms, epoch_s, float, int, str; found 'datetme'",
        ),
        ('DITOLAK = "ARSIP"', 'DITOLAK = "REJECTED"', "maps.status.DITOLAK: expected one of SUBMITTED"),
        (
            'map = "status"',
            'map = "statuses"',
            "fields.status.map: expected a table defined under [maps] (status); found 'statuses'",
        ),
        ('title = "title"', 'titel = "title"', "fields: expected only the keys"),
        (
            'kode_wilayah = "16.05"',
            "kode_wilayah = 16.05",
            'source.kode_wilayah: expected a Kemendagri code as a string, like "16.05"; found 16.05',
        ),
        (
            'time_zone = "WIB"',
            'time_zone = "Asia/Jakarta"',
            "source.time_zone: expected one of WIB, WITA, WIT; found 'Asia/Jakarta'",
        ),
        (
            'source_id = "id"',
            'source_id = { path = "id", const = "x" }',
            "fields.source_id: expected exactly one of path or const",
        ),
        (
            'content = "description"',
            "",
            "fields: expected the required fields source_id, content, status, created_at; found 'no content'",
        ),
        (
            "[records]",
            "[record]",
            "(top level): expected only the keys source, records, request, fields, maps, follow_ups, attachments, read_one, create, change_status, follow_up; found 'record'",
        ),
        (
            'status = { path = "bupatiStatus", map = "status" }',
            'status = { path = "bupatiStatus", map = "status", optional = true }',
            "fields.status.optional: expected false: status is required",
        ),
    ],
)
def test_a_broken_mapping_points_at_the_key(old: str, new: str, message: str) -> None:
    with pytest.raises(SpecError) as info:
        load_spec(SPEC.replace(old, new))
    assert message in str(info.value)


def test_toml_syntax_errors_are_spec_errors() -> None:
    with pytest.raises(SpecError, match="expected valid TOML"):
        load_spec("[source\nname = 1")


def test_paths() -> None:
    doc = {"a": {"b": [{"c": 1}, {"c": 2}]}, "@x": "y"}
    assert get_path(doc, "a.b[1].c") == 2
    assert get_path(doc, "@x") == "y"
    assert get_path(doc, "a.b[5].c") is get_path(doc, "nope")


def test_enum_and_region_problems_name_their_own_field() -> None:
    spec = load_spec(
        SPEC.replace(
            'status = { path = "bupatiStatus", map = "status" }',
            'status = { path = "bupatiStatus", map = "status" }\nchannel = { const = "FAX" }',
        )
    )
    with pytest.raises(MappingError) as info:
        Mapper(spec).map(RECORD)
    assert info.value.field == "channel" and "not one of WEB" in info.value.reason
    nowhere = load_spec(SPEC.replace('kode_wilayah = "16.05"', 'kode_wilayah = "16.99"'))
    with pytest.raises(MappingError) as info:
        Mapper(nowhere).map(RECORD)
    assert (info.value.field, info.value.reason) == ("kode_wilayah", "'16.99' names no region")


def test_flags_through_a_map_are_cast_so_false_stays_false() -> None:
    # A Y/T flag mapped to "true"/"false": the mapped word must still be cast, or the string
    # "false" is truthy and every complaint reads as secret.
    flags = (
        SPEC.replace(
            'is_anonymous = { path = "@anonim", cast = "bool", default = "0" }',
            'is_anonymous = { path = "@anonim", map = "flag", cast = "bool" }\nis_secret = { path = "rahasia", map = "flag", cast = "bool" }',
        )
        + '\n[maps.flag]\nY = "true"\nT = "false"\n'
    )
    mapper = Mapper(load_spec(flags))
    quiet = mapper.map({**RECORD, "@anonim": "T", "rahasia": "T"})
    assert (quiet.is_secret, quiet.is_anonymous) == (False, False)
    loud = mapper.map({**RECORD, "@anonim": "Y", "rahasia": "Y"})
    assert (loud.is_secret, loud.is_anonymous) == (True, True)
