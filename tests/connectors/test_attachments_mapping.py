"""The `[attachments]` table: a malformed one is refused when the mapping is loaded (path,
expected, found); a file that cannot be read is left out and said without its name or link;
a source that lists no files says nothing about them."""

from __future__ import annotations

import pytest

from connectors.mapping import Mapper
from connectors.spec import load_spec
from connectors.spec_errors import SpecError

BASE = """
[source]
name = "16.05-uji-lampiran"
kode_wilayah = "16.05"

[fields]
source_id = "id"
content = "isi"
status = { const = "BELUM_TERVERIFIKASI" }
created_at = { path = "dibuat", cast = "date" }
"""
FILES = """
[attachments]
path = "lampiran"
name = "nama"
media_type = "jenis"
size = { path = "ukuran", cast = "int" }
url = { path = "tautan", optional = true }
sha256 = { path = "sha256", optional = true }
"""
DIGEST = "ab" * 32


def record(*files: dict[str, object], **more: object) -> dict[str, object]:
    return {
        "id": "A-1",
        "isi": "Jalan berlubang di depan pasar.",
        "dibuat": "2026-03-02",
        "lampiran": list(files),
        **more,
    }


@pytest.mark.parametrize(
    ("section", "message"),
    [
        ('attachments = "lampiran"\n' + BASE, "attachments: expected an [attachments] table; found 'lampiran'"),
        (
            '[attachments]\npath = "lampiran"\njenis = "x"\nname = "nama"\n',
            "attachments: expected only the keys path, follow_ups, name, media_type, size, url, sha256; found 'jenis'",
        ),
        (
            '[attachments]\npath = "lampiran"\nsize = { path = "ukuran", cast = "int" }\n',
            "attachments: expected a name field (the file's name); found 'no name'",
        ),
        (
            '[attachments]\npath = "lampiran"\nname = "nama"\nsize = "ukuran"\n',
            "attachments.size.cast: expected int (or no cast); found 'str'",
        ),
        (
            '[attachments]\npath = "lampiran"\nname = "nama"\nurl = { path = "tautan", cast = "int" }\n',
            "attachments.url.cast: expected str (or no cast); found 'int'",
        ),
        (
            '[attachments]\npath = ""\nname = "nama"\n',
            "attachments.path: expected a dotted path to the list of files; found ''",
        ),
        (
            '[attachments]\npath = "lampiran"\nname = "nama"\nfollow_ups = "berkas"\n',
            "attachments.follow_ups: expected nothing unless the mapping has a [follow_ups] table; found 'berkas'",
        ),
        (
            '[attachments]\npath = "lampiran"\nname = { path = "nama", map = "jenis" }\n',
            "attachments.name.map: expected a table defined under [maps]",
        ),
        (
            '[attachments]\npath = "lampiran"\nname = { path = "nama", kind = "x" }\n',
            "attachments.name: expected only the keys",
        ),
    ],
)
def test_a_malformed_attachments_table_is_refused_naming_the_key(section: str, message: str) -> None:
    text = section if section.startswith("attachments =") else BASE + section
    with pytest.raises(SpecError) as info:
        load_spec(text)
    assert message in str(info.value)
    assert info.value.code == "BAD_MAPPING"


def test_each_file_is_read_with_its_link_and_digest() -> None:
    mapper = Mapper(load_spec(BASE + FILES))
    got = mapper.map(
        record(
            {
                "nama": "jalan-1.jpg",
                "jenis": "IMAGE/JPEG",
                "ukuran": "2048",
                "tautan": "https://aduan.example.id/f/1",
                "sha256": DIGEST.upper(),
            },
            {"nama": "surat.pdf", "jenis": "application/pdf", "ukuran": 90_000, "tautan": "/unduh/2"},
        )
    )
    assert [(a.name, a.media_type, a.size, a.url, a.sha256) for a in got.attachments or ()] == [
        ("jalan-1.jpg", "image/jpeg", 2048, "https://aduan.example.id/f/1", DIGEST),
        ("surat.pdf", "application/pdf", 90_000, "/unduh/2", None),
    ]
    assert got.warnings == ()


def test_a_file_that_cannot_be_read_is_left_out_and_said_without_its_name() -> None:
    mapper = Mapper(load_spec(BASE + FILES))
    got = mapper.map(
        record(
            {"nama": "KTP_1673014101900001.jpg", "jenis": "image/jpeg", "ukuran": "besar"},
            {"nama": "ok.jpg", "jenis": "image/jpeg", "ukuran": 10, "tautan": "javascript:alert(1)"},
            {"nama": "ok.jpg", "jenis": "image/jpeg", "ukuran": 10, "sha256": "xyz"},
            {"jenis": "image/jpeg", "ukuran": 10},
            "foto.jpg",
            {"nama": "baik.jpg", "jenis": "image/jpeg", "ukuran": 10},
        )
    )
    assert [a.name for a in got.attachments or ()] == ["baik.jpg"]
    notes = [str(g) for g in got.warnings]
    assert notes == [
        "record A-1: lampiran[0].size: the value 'besar' is not a int (the file is left out)",
        "record A-1: lampiran[1].url: expected an http(s) URL or a path starting with / (the file is left out)",
        "record A-1: lampiran[2].sha256: expected 64 hex digits (a SHA-256 digest) (the file is left out)",
        "record A-1: lampiran[3].name: nothing at 'nama' (the file is left out)",
        "record A-1: lampiran[4].(item): expected an object with the file's fields (the file is left out)",
    ]
    assert all(g.field == "attachments" for g in got.warnings)
    assert not any("1673014101900001" in n or "javascript" in n for n in notes)


def test_files_not_in_a_list_are_said_and_the_record_kept() -> None:
    got = Mapper(load_spec(BASE + FILES)).map(record(lampiran={"nama": "a.jpg"}))
    assert got.attachments == ()
    assert [str(g) for g in got.warnings] == ["record A-1: lampiran: expected a list of files (stored without them)"]


def test_a_mapping_without_the_table_says_nothing_about_files() -> None:
    got = Mapper(load_spec(BASE)).map(record({"nama": "a.jpg", "jenis": "image/jpeg", "ukuran": 1}))
    assert got.attachments is None  # not "no files": the index keeps what it has


def test_a_record_with_one_file_column_is_its_one_file_and_its_type_is_guessed() -> None:
    mapper = Mapper(load_spec(BASE + '[attachments]\nname = { path = "foto", optional = true }\n'))
    assert [(a.name, a.media_type, a.size) for a in mapper.map(record(foto="foto_3.jpg")).attachments or ()] == [
        ("foto_3.jpg", "image/jpeg", None)
    ]
    assert mapper.map(record(foto="")).attachments == ()
    assert mapper.map(record()).attachments == ()
    unknown = mapper.map(record(foto="rekaman.xyz1")).attachments or ()
    assert [a.media_type for a in unknown] == ["application/octet-stream"]


def test_files_inside_follow_ups_are_read_the_same_way() -> None:
    follow_ups = """
[follow_ups]
path = "tanggapan"
id = "id"
text = "isi"
at = { path = "waktu", cast = "datetime" }
"""
    mapper = Mapper(load_spec(BASE + follow_ups + FILES + 'follow_ups = "berkas"\n'))
    got = mapper.map(
        record(
            tanggapan=[
                {
                    "id": "T-1",
                    "isi": "Sudah diperbaiki.",
                    "waktu": "2026-03-05T10:00:00+07:00",
                    "berkas": [{"nama": "sesudah.jpg", "jenis": "image/jpeg", "ukuran": 4000}],
                },
                {
                    "id": "T-2",
                    "isi": "Dicek ulang.",
                    "waktu": "2026-03-06T10:00:00+07:00",
                    "berkas": [{"nama": "x.jpg", "jenis": "image/jpeg", "ukuran": -1}],
                },
            ]
        )
    )
    first, second = got.follow_ups
    assert [(a.name, a.size) for a in first.attachments] == [("sesudah.jpg", 4000)]
    assert second.attachments == ()
    assert second.gap is not None and "follow_ups[1].berkas[0].size" in second.gap.message
