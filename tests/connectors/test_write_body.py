"""build_body: canonical values into a write body as a mapping's write section says (nesting,
omission, out-maps and casts in the source's time zone)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from connectors.protocol import Unsupported
from connectors.spec import SourceSpec, load_spec
from connectors.write_body import build_body
from connectors.write_spec import BodyValue, WriteSpec
from schema.canonical import Classification, Status
from schema.regions import WIB, WIT

SOURCE = "16.74-kota-prabumulih"

MAPPING = """
[source]
name = "16.74-kota-prabumulih"
kode_wilayah = "16.74"
time_zone = "WIB"

[fields]
source_id = "id"
content = "isi"
status = { path = "status", map = "status" }
created_at = { path = "dibuat", cast = "datetime" }

[maps.status]
BARU = "BELUM_TERVERIFIKASI"

[create]
path = "/laporan"
id = "id"
encoding = "ENCODING"
body = { judul = "title", isi = "content", jenis = "classification", "pelapor.nama" = "reporter_name", "pelapor.kontak.hp" = "reporter_phone", "pelapor.kontak.surel" = "reporter_email", "lokasi.lat" = { value = "latitude", cast = "float" }, "lokasi.lng" = { value = "longitude", cast = "float" }, anonim = { value = "is_anonymous", cast = "bool01" }, rahasia = { value = "is_secret", cast = "bool" }, kategori = { value = "category_code", cast = "int" }, tanggal = { value = "incident_date", cast = "date" }, dibuat = { value = "created_at", cast = "datetime" }, hari = { value = "created_at", cast = "date" }, ms = { value = "created_at", cast = "epoch_ms" }, teks = "created_at", sumber = { const = "penghubung" } }

[change_status]
path = "/laporan/{id}/status"
encoding = "form"
body = { status = { value = "status", map = "status_out" }, kode = { value = "status", map = "status_code", cast = "int" }, alasan = "reason" }

[maps.status_out]
BELUM_TERVERIFIKASI = "BARU"
DIDISPOSISIKAN = "PROSES"
SELESAI = "SELESAI"

[maps.status_code]
BELUM_TERVERIFIKASI = "0"
DIDISPOSISIKAN = "2"
SELESAI = "9"
"""

# 18:30:15.123 UTC on 13 March is 01:30:15.123 WIB on 14 March: the day differs by zone.
CREATED = datetime(2026, 3, 13, 18, 30, 15, 123456, tzinfo=UTC)
CREATED_MS = 1773426615123

VALUES: dict[str, object] = {
    "external_ref": "gw-0001",
    "title": "Lampu jalan padam",
    "content": "Lampu jalan di Jalan Jenderal Sudirman padam sejak seminggu.",
    "kode_wilayah": "16.74",
    "created_at": CREATED,
    "classification": Classification.PENGADUAN,
    "incident_date": date(2026, 3, 10),
    "category_code": "42",
    "address": None,
    "latitude": -3.4321,
    "longitude": 104.2345,
    "lapor_tracking_id": None,
    "is_anonymous": False,
    "is_secret": True,
    "reporter_name": "Warga Contoh",
    "reporter_nik": None,
    "reporter_phone": "080000000000",
    "reporter_email": None,
}


def spec(encoding: str = "json") -> SourceSpec:
    return load_spec(MAPPING.replace("ENCODING", encoding))


def create_body(values: dict[str, object], *, encoding: str = "json", zone=WIB):  # type: ignore[no-untyped-def]
    s = spec(encoding)
    assert s.writes.create is not None
    return build_body(SOURCE, s.writes.create, values, s.maps, zone)


def status_body(status: Status, reason: str | None = None):  # type: ignore[no-untyped-def]
    s = spec()
    assert s.writes.change_status is not None
    values = {"source_id": "77", "external_ref": "gw-s-1", "status": status, "reason": reason, "unit": None}
    return build_body(SOURCE, s.writes.change_status, values, s.maps, WIB)


def test_dotted_keys_nest_in_a_json_body() -> None:
    body = create_body(VALUES)
    assert body["pelapor"] == {"nama": "Warga Contoh", "kontak": {"hp": "080000000000"}}
    assert body["lokasi"] == {"lat": -3.4321, "lng": 104.2345}
    assert not any("." in key for key in body)


def test_dotted_keys_stay_flat_in_a_form_body() -> None:
    body = create_body(VALUES, encoding="form")
    assert body["pelapor.nama"] == "Warga Contoh" and body["pelapor.kontak.hp"] == "080000000000"
    assert body["lokasi.lat"] == -3.4321
    assert "pelapor" not in body and "lokasi" not in body


def test_absent_values_are_left_out_not_sent_as_null() -> None:
    body = create_body(VALUES)
    assert "surel" not in body["pelapor"]["kontak"]  # reporter_email is None
    bare = {
        **VALUES,
        **{
            k: None
            for k in (
                "reporter_name",
                "reporter_phone",
                "reporter_email",
                "latitude",
                "longitude",
                "category_code",
                "incident_date",
            )
        },
    }
    body = create_body(bare)
    # No empty parents either: a nested object appears only when something goes in it.
    assert "pelapor" not in body and "lokasi" not in body
    assert "kategori" not in body and "tanggal" not in body
    assert None not in body.values()
    form = create_body(bare, encoding="form")
    assert not any(key.startswith(("pelapor.", "lokasi.")) for key in form)


def test_false_is_a_value_not_an_absence() -> None:
    body = create_body(VALUES)
    assert body["anonim"] == "0" and body["rahasia"] is True


def test_constants_and_plain_strings() -> None:
    body = create_body({"title": "Jalan rusak", "content": "Berlubang."})
    assert body == {"judul": "Jalan rusak", "isi": "Berlubang.", "sumber": "penghubung"}
    assert create_body(VALUES)["jenis"] == "PENGADUAN"  # an enum goes as its value


def test_casts_in_the_wib_zone() -> None:
    body = create_body(VALUES)
    assert body["dibuat"] == "2026-03-14T01:30:15.123+07:00"
    assert body["hari"] == "2026-03-14"  # the WIB day, not the UTC one
    assert body["ms"] == CREATED_MS  # an instant: the zone does not change it
    assert body["teks"] == "2026-03-14T01:30:15.123456+07:00"  # str of a datetime, in the zone
    assert body["tanggal"] == "2026-03-10"  # a date stays that date
    assert body["kategori"] == 42
    assert (body["anonim"], create_body({**VALUES, "is_anonymous": True})["anonim"]) == ("0", "1")


def test_the_zone_is_the_one_given() -> None:
    wib, wit = create_body(VALUES), create_body(VALUES, zone=WIT)
    assert wit["dibuat"] == "2026-03-14T03:30:15.123+09:00"
    assert wib["ms"] == wit["ms"] == CREATED_MS
    early = {**VALUES, "created_at": datetime(2026, 3, 13, 16, 30, tzinfo=UTC)}  # 23:30 WIB, 01:30 WIT
    assert (create_body(early)["hari"], create_body(early, zone=WIT)["hari"]) == ("2026-03-13", "2026-03-14")


def test_a_value_that_cannot_be_cast_is_unsupported_naming_the_key() -> None:
    with pytest.raises(Unsupported) as info:
        create_body({**VALUES, "category_code": "A-7"})
    assert info.value.source == SOURCE and info.value.code == "UNSUPPORTED"
    assert info.value.message == "kategori: category_code cannot be cast to int"


@pytest.mark.parametrize("cast", ["datetime", "epoch_ms"])
def test_a_date_where_a_datetime_is_needed_is_unsupported(cast: str) -> None:
    write = WriteSpec(action="create", path="/x", body=(BodyValue(key="waktu", value="incident_date", cast=cast),))
    with pytest.raises(Unsupported, match=f"waktu: incident_date cannot be cast to {cast}"):
        build_body(SOURCE, write, {"incident_date": date(2026, 3, 10)}, {}, WIB)


def test_statuses_go_out_in_the_sources_words() -> None:
    assert status_body(Status.DIDISPOSISIKAN, "ke Dinas PUPR") == {
        "status": "PROSES",
        "kode": 2,
        "alasan": "ke Dinas PUPR",
    }
    assert status_body(Status.SELESAI) == {"status": "SELESAI", "kode": 9}


def test_a_status_without_a_word_in_the_out_map_is_unsupported_naming_the_map() -> None:
    with pytest.raises(Unsupported) as info:
        status_body(Status.TUNDA)
    assert info.value.source == SOURCE
    assert info.value.code == "UNMAPPED_VALUE"
    assert info.value.message == (
        "change_status.body.status: [maps.status_out] has no word for status 'TUNDA'; add TUNDA = \"<your word>\" "
        'under [maps.status_out], or give change_status.body.status a default (with when_unmapped = "default") '
        'or when_unmapped = "omit"'
    )
