"""Declarative values a regency system writes its own way: local date patterns in the source's
zone (or a field's own), yes/no words, mapped values that are still cast, and paths checked at
load time. Each is read from records, and each mistake is refused when the mapping loads."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from connectors.mapping import Mapper, MappingError
from connectors.spec import SpecError, load_spec

SPEC = """
[source]
name = "73.71-kota-makassar"
kode_wilayah = "73.71"
time_zone = "WITA"

[records]
path = "data"

[fields]
source_id = "id"
content = "attributes.isi"
status = { const = "BELUM_TERVERIFIKASI" }
created_at = { path = "attributes.tgl_lapor", cast = "datetime", format = "%d/%m/%Y %H:%M" }
updated_at = { path = "attributes.tgl_ubah", cast = "datetime", format = "%d-%m-%Y %H.%M.%S", zone = "WIB", optional = true }
is_secret = { path = "attributes.rahasia", cast = "bool", true = ["Y", "ya"], false = ["T", "tidak"] }
is_anonymous = { path = "attributes.anonim", map = "flag", cast = "bool" }

[maps.flag]
Y = "true"
T = "false"

[follow_ups]
path = "attributes.tanggapan"
text = "isi"
at = { path = "tanggal", cast = "date", format = "%d/%m/%Y" }
"""

RECORD = {
    "id": "L-1",
    "attributes": {
        "isi": "Saluran air tersumbat di depan pasar.",
        "tgl_lapor": "13/03/2026 09:30",
        "tgl_ubah": "14-03-2026 08.15.00",
        "rahasia": "t",
        "anonim": "T",
        "tanggapan": [{"isi": "Sudah diteruskan ke dinas.", "tanggal": "15/03/2026"}],
    },
}


def mapped(change: dict[str, object] | None = None, spec: str = SPEC):  # type: ignore[no-untyped-def]
    return Mapper(load_spec(spec)).map({**RECORD, "attributes": {**RECORD["attributes"], **(change or {})}})  # type: ignore[dict-item]


def refused(old: str, new: str) -> str:
    assert SPEC.count(old) == 1, old
    with pytest.raises(SpecError) as info:
        load_spec(SPEC.replace(old, new))
    return str(info.value)


# -- dates and times in the source's own pattern and zone ------------------------------


def test_a_local_pattern_is_read_in_the_source_zone_and_stored_in_utc() -> None:
    c = mapped()
    assert c.created_at == datetime(2026, 3, 13, 1, 30, tzinfo=UTC)  # 09:30 WITA (UTC+8)
    assert c.updated_at == datetime(2026, 3, 14, 1, 15, tzinfo=UTC)  # 08:15 WIB: the field's own zone
    # A date-only follow-up is the start of that day in the source's zone.
    assert c.follow_ups[0].at == datetime(2026, 3, 14, 16, 0, tzinfo=UTC)


def test_an_offset_in_the_value_wins_over_the_zone() -> None:
    spec = SPEC.replace('format = "%d/%m/%Y %H:%M" }', 'format = "%d/%m/%Y %H:%M %z" }')
    assert mapped({"tgl_lapor": "13/03/2026 09:30 +0900"}, spec).created_at == datetime(2026, 3, 13, 0, 30, tzinfo=UTC)


def test_a_value_the_pattern_cannot_read_names_the_field_the_value_and_the_pattern() -> None:
    with pytest.raises(MappingError) as info:
        mapped({"tgl_lapor": "2026-03-13T09:30"})
    assert (info.value.record_ref, info.value.field) == ("L-1", "created_at")
    assert info.value.reason == "the value '2026-03-13T09:30' does not match the format %d/%m/%Y %H:%M"


def test_a_follow_up_date_the_pattern_cannot_read_names_the_follow_up() -> None:
    # The follow-up is left out and said so; the record (and its status) is kept.
    c = mapped({"tanggapan": [{"isi": "x", "tanggal": "15 Maret 2026"}, {"isi": "y", "tanggal": "16/03/2026"}]})
    assert [f.text for f in c.follow_ups] == ["y"]
    [gap] = [g for g in c.warnings if g.field == "follow_ups"]
    assert "follow_ups[0].at: the value '15 Maret 2026' does not match the format %d/%m/%Y" in gap.message
    assert gap.message.endswith("(the follow-up is left out)")


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        pytest.param(
            'format = "%d/%m/%Y %H:%M" }',
            'format = "%d/%m/%Y %H:%M:%Q" }',
            'fields.created_at.format: expected a strptime pattern with a date, like "%d/%m/%Y %H:%M" '
            "(directives: %d %m %Y %y %j %H %I %M %S %f %p %z %%); %Q is not one of them; found '%d/%m/%Y %H:%M:%Q'",
            id="unknown-directive",
        ),
        pytest.param(
            'format = "%d/%m/%Y %H:%M" }', 'format = "%H:%M" }', "it has no date directive; found '%H:%M'", id="no-date"
        ),
        pytest.param(
            'format = "%d/%m/%Y %H:%M" }',
            'format = "%d %B %Y" }',
            "%B is not one of them; found '%d %B %Y'",
            id="month-names",
        ),
        pytest.param(
            'format = "%d/%m/%Y %H:%M" }',
            'format = "%d/%m/%Y %d" }',
            "that reads back what it writes; found '%d/%m/%Y %d'",
            id="directive-twice",
        ),
        pytest.param('format = "%d/%m/%Y %H:%M" }', "format = 13 }", "found 13", id="not-text"),
        pytest.param(
            'zone = "WIB"',
            'zone = "Asia/Jakarta"',
            "fields.updated_at.zone: expected one of WIB, WITA, WIT, UTC; found 'Asia/Jakarta'",
            id="zone",
        ),
        pytest.param(
            'content = "attributes.isi"',
            'content = { path = "attributes.isi", format = "%d/%m/%Y" }',
            'fields.content.format: expected no format unless cast = "date" or "datetime" (the cast is str); '
            "found '%d/%m/%Y'",
            id="format-on-a-string",
        ),
        pytest.param(
            'at = { path = "tanggal", cast = "date", format = "%d/%m/%Y" }',
            'at = { path = "tanggal", cast = "date", format = "%m/%Q" }',
            "follow_ups.at.format: expected a strptime pattern",
            id="follow-up-format",
        ),
    ],
)
def test_a_bad_pattern_or_zone_is_refused_at_load(old: str, new: str, message: str) -> None:
    assert message in refused(old, new)


# -- booleans from the source's words ---------------------------------------------------


@pytest.mark.parametrize(
    ("word", "secret"), [("Y", True), ("ya", True), ("YA", True), ("T", False), (" tidak ", False)]
)
def test_a_bool_field_reads_its_own_words_in_any_case(word: str, secret: bool) -> None:
    assert mapped({"rahasia": word}).is_secret is secret


def test_a_word_in_neither_list_is_an_error_never_a_guess() -> None:
    with pytest.raises(MappingError) as info:
        mapped({"rahasia": "true"})  # a built-in word, but this field has its own
    assert info.value.field == "is_secret"
    assert info.value.reason == "the value 'true' is not a yes/no word (true: Y, ya; false: T, tidak)"
    builtin = SPEC.replace(', true = ["Y", "ya"], false = ["T", "tidak"]', "")
    with pytest.raises(MappingError) as info:
        mapped({"rahasia": "mungkin"}, builtin)
    assert (
        info.value.reason
        == "the value 'mungkin' is not a yes/no word (true: 1, true, yes, ya, y; false: 0, false, no, tidak, n)"
    )


@pytest.mark.parametrize(("flag", "anonymous"), [("Y", True), ("T", False)])
def test_a_mapped_value_is_still_cast(flag: str, anonymous: bool) -> None:
    # Through [maps.flag] "T" becomes "false", which must be False (a non-empty string is truthy).
    c = mapped({"anonim": flag, "rahasia": "T"})
    assert c.is_anonymous is anonymous and c.is_secret is False


def test_secret_and_anonymous_through_a_map_are_not_always_true() -> None:
    spec = SPEC.replace(
        'is_secret = { path = "attributes.rahasia", cast = "bool", true = ["Y", "ya"], false = ["T", "tidak"] }',
        'is_secret = { path = "attributes.rahasia", map = "flag", cast = "bool" }',
    )
    c = mapped({"rahasia": "T", "anonim": "T"}, spec)
    assert (c.is_secret, c.is_anonymous) == (False, False)


def test_a_mapped_number_is_cast_too() -> None:
    spec = SPEC.replace(
        "[maps.flag]",
        'latitude = { path = "attributes.wilayah", map = "lat", cast = "float" }\n\n[maps.lat]\nUTARA = "-5,1"\n\n[maps.flag]',
    )
    assert mapped({"wilayah": "UTARA"}, spec).latitude == -5.1


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        pytest.param(
            'T = "false"',
            'T = "tidak benar"',
            "maps.flag.T: expected a value that casts to bool (fields.is_anonymous casts it); found 'tidak benar'",
            id="map-value-not-a-bool",
        ),
        pytest.param(
            'T = "false"',
            'T = "T"',
            "maps.flag.T: expected a value that casts to bool",
            id="map-value-not-a-builtin-word",
        ),
        pytest.param(
            'false = ["T", "tidak"] }',
            'false = ["T", "tidak"], default = "0" }',
            "fields.is_secret.default: expected a value that casts to bool; found '0'",
            id="default-not-a-word",
        ),
        pytest.param(
            'map = "flag", cast = "bool" }',
            'map = "flag", cast = "bool", default = "N" }',
            "fields.is_anonymous.default: expected a word of [maps.flag] (Y, T); found 'N'",
            id="default-not-in-map",
        ),
        pytest.param(
            'true = ["Y", "ya"]',
            "true = []",
            "fields.is_secret.true: expected a word or a list of words",
            id="empty-words",
        ),
        pytest.param('true = ["Y", "ya"]', 'true = ["Y", 1]', "found ['Y', 1]", id="not-words"),
        pytest.param(
            'true = ["Y", "ya"]',
            'true = ["Y", "t"]',
            "fields.is_secret.false: expected words that are not also true words; found 't'",
            id="a-word-in-both",
        ),
        pytest.param(
            'content = "attributes.isi"',
            'content = { path = "attributes.isi", true = "Y" }',
            "fields.content.true: expected no yes/no words unless cast = \"bool\" (the cast is str); found 'Y'",
            id="words-on-a-string",
        ),
    ],
)
def test_bad_words_and_uncastable_maps_are_refused_at_load(old: str, new: str, message: str) -> None:
    assert message in refused(old, new)


def test_a_default_is_read_like_a_value() -> None:
    spec = SPEC.replace('false = ["T", "tidak"] }', 'false = ["T", "tidak"], default = "T" }')
    attributes = {k: v for k, v in RECORD["attributes"].items() if k != "rahasia"}  # type: ignore[union-attr]
    assert Mapper(load_spec(spec)).map({**RECORD, "attributes": attributes}).is_secret is False


def test_map_values_are_checked_against_the_fields_own_words() -> None:
    # With the field's own words, the map may give them.
    spec = SPEC.replace(
        'is_anonymous = { path = "attributes.anonim", map = "flag", cast = "bool" }',
        'is_anonymous = { path = "attributes.anonim", map = "flag", cast = "bool", true = "benar", false = "salah" }',
    )
    spec = spec.replace('Y = "true"\nT = "false"', 'Y = "benar"\nT = "salah"')
    assert mapped({"anonim": "Y"}, spec).is_anonymous is True


# -- paths --------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["data[-1].id", "a..b", "a[x]", ".a", "a.", "a[0", "a]", " a"])
def test_a_path_the_engine_cannot_follow_is_refused_with_where_and_what(path: str) -> None:
    message = refused('source_id = "id"', f'source_id = "{path}"')
    assert message == (
        "fields.source_id.path: expected a dotted path like a.b, a[0].b or @attr (keys joined by dots, "
        f"list items as [n]); found {path!r}"
    )


@pytest.mark.parametrize(
    ("old", "new", "where"),
    [
        ('path = "data"', 'path = "data[-1]"', "records.path"),
        ('path = "attributes.tanggapan"', 'path = "attributes..tanggapan"', "follow_ups.path"),
        ('text = "isi"', 'text = "isi[first]"', "follow_ups.text.path"),
        ('at = { path = "tanggal", cast', 'at = { path = "tgl[]", cast', "follow_ups.at.path"),
    ],
)
def test_every_path_of_the_read_mapping_is_checked(old: str, new: str, where: str) -> None:
    assert refused(old, new).startswith(f"{where}: expected a dotted path like a.b")


@pytest.mark.parametrize("path", ["a.b", "a[0].b", "@attr", "data[0][1].x", "attributes.tgl lapor", "[0].id"])
def test_the_paths_the_engine_follows_load(path: str) -> None:
    assert load_spec(SPEC.replace('source_id = "id"', f'source_id = "{path}"')).fields["source_id"].path == path
