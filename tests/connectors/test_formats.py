"""Format plug-ins: JSON, XML (hostile input refused) and CSV (Latin-1, CRLF, quoting)."""

from __future__ import annotations

import pytest

from connectors.errors import DecodeError
from connectors.formats import decode_csv, decode_json, decode_xml

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>
<lapor><laporan>&lol2;</laporan></lapor>"""
XXE = b"""<?xml version="1.0"?>
<!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><lapor><isi>&xxe;</isi></lapor>"""


def test_json_records_at_a_path() -> None:
    assert decode_json("s", b'{"data": {"items": [{"id": 1}]}}', "data.items") == [{"id": 1}]


@pytest.mark.parametrize(
    "body",
    [b'{"data": [1, 2', b"<html>Maintenance</html>", b'{"data": {"id": 1}}', b'{"data": [1]}', b"[" * 100_000],
    ids=["truncated", "html-with-200", "wrong-shape", "not-objects", "deep-nesting"],
)
def test_json_garbage_is_a_decode_error(body: bytes) -> None:
    with pytest.raises(DecodeError):
        decode_json("s", body, "data")


def test_xml_to_records() -> None:
    body = b'<feed><laporan id="1" anonim="1"><isi>Jalan rusak</isi></laporan><laporan id="2"><isi>Air</isi></laporan></feed>'
    assert decode_xml("s", body, "laporan") == [
        {"@id": "1", "@anonim": "1", "isi": "Jalan rusak"},
        {"@id": "2", "isi": "Air"},
    ]


@pytest.mark.parametrize("body", [BILLION_LAUGHS, XXE], ids=["billion-laughs", "xxe"])
def test_xml_entities_and_dtds_are_refused(body: bytes) -> None:
    with pytest.raises(DecodeError, match="DTD or entities"):
        decode_xml("s", body)


def test_csv_latin1_crlf_and_quoted_separators() -> None:
    body = 'id_pengaduan;isi_laporan;status\r\n1;"Jalan; rusak di Muara Beliti";0\r\n2;Café ditutup;selesai\r\n'.encode(
        "latin-1"
    )
    assert decode_csv("s", body, encoding="latin-1", delimiter=";") == [
        {"id_pengaduan": "1", "isi_laporan": "Jalan; rusak di Muara Beliti", "status": "0"},
        {"id_pengaduan": "2", "isi_laporan": "Café ditutup", "status": "selesai"},
    ]
    with pytest.raises(DecodeError, match="line 2 has 2 cells"):
        decode_csv("s", b"a,b,c\n1,2\n")
    with pytest.raises(DecodeError, match="not utf-8"):
        decode_csv("s", "é".encode("latin-1"))
