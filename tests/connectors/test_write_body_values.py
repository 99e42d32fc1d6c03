"""Write bodies that speak a source's own dialect: a default for absent or unmapped values,
`when_unmapped` (fail, default or omit), an UnmappedValue that says what to add (never quoting
a reporter's data), date patterns in the source's zone, yes/no words, and paths and keys
refused at load."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from connectors.protocol import UnmappedValue, Unsupported
from connectors.spec import SourceSpec, SpecError, load_spec
from connectors.write_body import build_body
from schema.canonical import Classification, Status
from schema.regions import WIT

SOURCE = "73.71-kota-makassar"

MAPPING = """
[source]
name = "73.71-kota-makassar"
kode_wilayah = "73.71"
time_zone = "WITA"

[fields]
source_id = "id"
content = "isi"
status = { const = "BELUM_TERVERIFIKASI" }
created_at = { path = "dibuat", cast = "datetime" }

[create]
path = "/laporan"
id = "data.id"
body = { isi = "content", jenis = { value = "classification", map = "jenis_out", default = "1" }, kategori = { value = "category_code", map = "kategori_out", when_unmapped = "omit" }, saluran = { value = "agency_id", default = "pemkot" }, pelapor = { value = "reporter_name", map = "nama_out" }, tgl_lapor = { value = "created_at", cast = "datetime", format = "%d/%m/%Y %H:%M" }, tgl_kejadian = { value = "incident_date", cast = "date", format = "%d/%m/%Y" }, hari = { value = "created_at", cast = "date", format = "%d/%m/%Y" }, rahasia = { value = "is_secret", cast = "bool", true = "Y", false = "T" }, anonim = { value = "is_anonymous", cast = "bool" } }

[change_status]
path = "/laporan/{id}/status"
body = { status = { value = "status", map = "status_out" } }

[maps.jenis_out]
PENGADUAN = "1"
ASPIRASI = "3"

[maps.kategori_out]
"42" = "JALAN"

[maps.nama_out]
"Tuan Contoh" = "X"

[maps.status_out]
DIDISPOSISIKAN = "PROSES"
"""

# 16:30 UTC on 13 March is 00:30 WITA on 14 March: the day differs by zone.
CREATED = datetime(2026, 3, 13, 16, 30, tzinfo=UTC)
VALUES: dict[str, object] = {
    "content": "Lampu jalan padam.",
    "classification": Classification.PENGADUAN,
    "category_code": "42",
    "agency_id": None,
    "reporter_name": None,
    "created_at": CREATED,
    "incident_date": date(2026, 3, 10),
    "is_secret": True,
    "is_anonymous": False,
}


def spec(text: str = MAPPING) -> SourceSpec:
    return load_spec(text)


def create(values: dict[str, object], text: str = MAPPING, zone=None):  # type: ignore[no-untyped-def]
    s = spec(text)
    assert s.writes.create is not None
    from connectors.time_formats import ZONES

    return build_body(SOURCE, s.writes.create, values, s.maps, zone or ZONES[s.time_zone])


def test_patterns_are_written_in_the_source_zone() -> None:
    body = create(VALUES)
    assert body["tgl_lapor"] == "14/03/2026 00:30" and body["hari"] == "14/03/2026"
    assert body["tgl_kejadian"] == "10/03/2026"  # a day stays that day
    assert create(VALUES, zone=WIT)["tgl_lapor"] == "14/03/2026 01:30"


def test_yes_no_words_are_the_sources() -> None:
    assert (create(VALUES)["rahasia"], create({**VALUES, "is_secret": False})["rahasia"]) == ("Y", "T")
    assert create(VALUES)["anonim"] is False  # without words, a JSON boolean as before


def test_a_default_is_sent_for_an_absent_value_and_for_one_the_map_lacks() -> None:
    assert create(VALUES)["saluran"] == "pemkot"  # agency_id absent
    assert create({**VALUES, "agency_id": "pemkot-73.71"})["saluran"] == "pemkot-73.71"
    assert create(VALUES)["jenis"] == "1"
    assert create({**VALUES, "classification": Classification.ASPIRASI})["jenis"] == "3"
    # PERMINTAAN_INFORMASI has no word in [maps.jenis_out]: a default means "send the default".
    assert create({**VALUES, "classification": Classification.PERMINTAAN_INFORMASI})["jenis"] == "1"
    assert create({**VALUES, "classification": None})["jenis"] == "1"


def test_omit_leaves_the_key_out() -> None:
    assert create(VALUES)["kategori"] == "JALAN"
    assert "kategori" not in create({**VALUES, "category_code": "77"})


def test_an_unmapped_value_without_a_default_fails_saying_what_to_add() -> None:
    s = spec()
    assert s.writes.change_status is not None
    values = {"source_id": "9", "external_ref": "gw-1", "status": Status.SELESAI, "reason": None, "unit": None}
    with pytest.raises(UnmappedValue) as info:
        build_body(SOURCE, s.writes.change_status, values, s.maps, WIT)
    error = info.value
    assert isinstance(error, Unsupported) and error.code == "UNMAPPED_VALUE" and error.source == SOURCE
    assert (error.action, error.key, error.value_name, error.value, error.table) == (
        "change_status",
        "status",
        "status",
        "SELESAI",
        "status_out",
    )
    assert error.message == (
        "change_status.body.status: [maps.status_out] has no word for status 'SELESAI'; "
        'add SELESAI = "<your word>" under [maps.status_out], or give change_status.body.status a default '
        '(with when_unmapped = "default") or when_unmapped = "omit"'
    )


def test_an_unmapped_personal_value_is_never_quoted() -> None:
    with pytest.raises(UnmappedValue) as info:
        create({**VALUES, "reporter_name": "Siti Pelapor"})
    assert info.value.value is None and "Siti" not in str(info.value)
    assert "[maps.nama_out] has no word for this reporter_name (personal data, not shown)" in info.value.message


def test_a_default_with_fail_is_only_for_absent_values() -> None:
    text = MAPPING.replace('default = "1" }', 'default = "1", when_unmapped = "fail" }')
    assert create({**VALUES, "classification": None}, text)["jenis"] == "1"
    with pytest.raises(UnmappedValue, match="add PERMINTAAN_INFORMASI ="):
        create({**VALUES, "classification": Classification.PERMINTAAN_INFORMASI}, text)


def test_a_mapped_zero_is_no_in_a_bool01_body() -> None:
    text = MAPPING.replace(
        'anonim = { value = "is_anonymous", cast = "bool" }',
        'anonim = { value = "is_anonymous", map = "flag_out", cast = "bool01" }',
    )
    text += '\n[maps.flag_out]\nTrue = "ya"\nFalse = "tidak"\n'
    assert create(VALUES, text)["anonim"] == "0"
    assert create({**VALUES, "is_anonymous": True}, text)["anonim"] == "1"


def test_a_mapped_yes_no_word_is_cast_not_taken_as_truthy() -> None:
    text = MAPPING.replace(
        'anonim = { value = "is_anonymous", cast = "bool" }',
        'anonim = { value = "is_anonymous", map = "flag_out", cast = "bool" }',
    )
    text += '\n[maps.flag_out]\nTrue = "true"\nFalse = "false"\n'
    assert create(VALUES, text)["anonim"] is False


LOAD_CASES = [
    pytest.param(
        'when_unmapped = "omit"',
        'when_unmapped = "skip"',
        "create.body.kategori.when_unmapped: expected one of fail, default, omit; found 'skip'",
        id="when-unmapped",
    ),
    pytest.param(
        'kategori = { value = "category_code", map = "kategori_out", when_unmapped = "omit" }',
        'kategori = { value = "category_code", map = "kategori_out", when_unmapped = "default" }',
        'create.body.kategori.default: expected a default to send (when_unmapped = "default"); found None',
        id="default-without-a-default",
    ),
    pytest.param(
        'saluran = { value = "agency_id", default = "pemkot" }',
        'saluran = { value = "agency_id", when_unmapped = "omit" }',
        "create.body.saluran.when_unmapped: expected no when_unmapped without a map (only a map can lack a word); "
        "found 'omit'",
        id="when-unmapped-without-map",
    ),
    pytest.param(
        'saluran = { value = "agency_id", default = "pemkot" }',
        'saluran = { const = "x", default = "pemkot" }',
        "create.body.saluran.default: expected no default beside const or template",
        id="default-beside-const",
    ),
    pytest.param(
        'saluran = { value = "agency_id", default = "pemkot" }',
        'saluran = { value = "agency_id", default = { a = 1 } }',
        "create.body.saluran.default: expected a string, number or true/false, sent as written",
        id="default-table",
    ),
    pytest.param(
        'format = "%d/%m/%Y %H:%M" }',
        'format = "%d/%m/%Y %H:%M:%K" }',
        "create.body.tgl_lapor.format: expected a strptime pattern with a date",
        id="format",
    ),
    pytest.param(
        'isi = "content"',
        'isi = { value = "content", format = "%d/%m/%Y" }',
        'create.body.isi.format: expected no format unless cast = "date" or "datetime" (the cast is str)',
        id="format-on-a-string",
    ),
    pytest.param(
        'true = "Y", false = "T"',
        'true = "Y"',
        "create.body.rahasia.false: expected the word sent for each of true and false",
        id="one-word",
    ),
    pytest.param(
        'true = "Y", false = "T"',
        'true = "Y", false = "Y"',
        "create.body.rahasia.false: expected a word other than the true word; found 'Y'",
        id="same-word",
    ),
    pytest.param(
        'anonim = { value = "is_anonymous", cast = "bool" }',
        'anonim = { value = "is_anonymous", true = "Y", false = "T" }',
        'create.body.anonim.true: expected no yes/no words unless cast = "bool" (the cast is str)',
        id="words-on-str",
    ),
    pytest.param(
        'id = "data.id"',
        'id = "data[-1].id"',
        "create.id: expected a dotted path like a.b, a[0].b or @attr",
        id="create-id-path",
    ),
    pytest.param(
        'id = "data.id"',
        'id = "data.id"\ntracking_id = "data..lapor"',
        "create.tracking_id: expected a dotted path",
        id="tracking-id-path",
    ),
    pytest.param(
        'isi = "content"',
        '"isi..teks" = "content"',
        "create.body: expected keys with no empty part (dots nest objects: a.b); found 'isi..teks'",
        id="body-key",
    ),
    pytest.param(
        'body = { status = { value = "status", map = "status_out" } }',
        'body = { kode = { value = "status", map = "kode_out", cast = "int" } }\n\n[maps.kode_out]\nDIDISPOSISIKAN = "dua"',
        "maps.kode_out.DIDISPOSISIKAN: expected a value that casts to int (change_status.body.kode casts it); "
        "found 'dua'",
        id="out-map-word-not-an-int",
    ),
    pytest.param(
        'anonim = { value = "is_anonymous", cast = "bool" }',
        'anonim = { value = "is_anonymous", map = "nama_out", cast = "bool01" }',
        "maps.nama_out.Tuan Contoh: expected a value that casts to bool01",
        id="out-map-word-not-yes-no",
    ),
    pytest.param(
        'tgl_kejadian = { value = "incident_date", cast = "date", format = "%d/%m/%Y" }',
        'tgl_kejadian = { value = "incident_date", cast = "date", map = "jenis_out" }',
        "create.body.tgl_kejadian.map: expected no map with cast = \"date\" (a map gives words, not times); found 'jenis_out'",
        id="map-with-a-date",
    ),
    pytest.param(
        "[change_status]",
        '[read_one]\npath = "/laporan/{id}"\nrecord = "data[x]"\n\n[change_status]',
        "read_one.record: expected a dotted path",
        id="read-one-record",
    ),
]


@pytest.mark.parametrize(("old", "new", "message"), LOAD_CASES)
def test_a_wrong_write_key_is_refused_at_load(old: str, new: str, message: str) -> None:
    assert MAPPING.count(old) == 1, old
    with pytest.raises(SpecError) as info:
        load_spec(MAPPING.replace(old, new))
    assert message in str(info.value)


def _loads(text: str) -> bool:
    try:
        spec(text)
    except SpecError:
        return False
    return True


@pytest.mark.parametrize("word", ["0,5", "1.5", " 2 ", "dua"])
def test_a_map_word_is_judged_alike_on_the_read_and_the_write_side(word: str) -> None:
    # One cast decides both: a word a field reads through a map is a word a body can send.
    read = MAPPING.replace(
        'content = "isi"',
        'content = "isi"\nlatitude = { path = "lat", map = "bobot", cast = "float", optional = true }',
    )
    read += f'\n[maps.bobot]\nA = "{word}"\n'
    write = MAPPING.replace(
        'saluran = { value = "agency_id", default = "pemkot" }',
        'saluran = { value = "agency_id", map = "bobot_out", cast = "float" }',
    )
    write += f'\n[maps.bobot_out]\nA = "{word}"\n'
    assert _loads(read) == _loads(write), (word, _loads(read), _loads(write))
    if _loads(write):
        sent = create({**VALUES, "agency_id": "A"}, write)["saluran"]
        assert sent == float(word.strip().replace(",", "."))


def test_an_out_map_key_names_the_sources_own_region() -> None:
    # One bundled mapping serves every kab/kota: its reverse OPD map is keyed like the read
    # map's values, "{kode_wilayah}-pupr", filled with the source's region.
    text = MAPPING.replace(
        'body = { status = { value = "status", map = "status_out" } }',
        'body = { status = { value = "status", map = "status_out" }, opd = { value = "unit", map = "opd_out" } }',
    )
    text += '\n[maps.opd_out]\n"{kode_wilayah}-pupr" = "PU"\n'
    s = spec(text)
    assert s.writes.change_status is not None
    values = {"status": Status.DIDISPOSISIKAN, "unit": "73.71-pupr"}
    body = build_body(SOURCE, s.writes.change_status, values, s.maps, WIT, kode_wilayah=s.kode_wilayah)
    assert body["opd"] == "PU"
    with pytest.raises(UnmappedValue):  # another regency's unit is not this one's
        build_body(
            SOURCE, s.writes.change_status, {**values, "unit": "16.01-pupr"}, s.maps, WIT, kode_wilayah=s.kode_wilayah
        )


def test_a_category_parent_in_the_out_map_covers_its_children() -> None:
    # Nine coarse codes cover a registry tree: "infrastruktur.jalan" goes as infrastruktur's word.
    text = MAPPING.replace(
        '[maps.kategori_out]\n"42" = "JALAN"',
        '[maps.kategori_out]\ninfrastruktur = "K01"\n"infrastruktur.jembatan" = "K10"',
    )
    text = text.replace('map = "kategori_out", when_unmapped = "omit"', 'map = "kategori_out"')
    assert create({**VALUES, "category_code": "infrastruktur.jalan.berlubang"}, text)["kategori"] == "K01"
    assert create({**VALUES, "category_code": "infrastruktur.jembatan"}, text)["kategori"] == "K10"
    with pytest.raises(UnmappedValue, match=r"'kesehatan\.puskesmas'"):
        create({**VALUES, "category_code": "kesehatan.puskesmas"}, text)
