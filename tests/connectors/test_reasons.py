"""An upstream's reason read from the body of its refusal, whatever shape it has, masked
and bounded (connectors/reasons.py)."""

from __future__ import annotations

import json

import pytest

from connectors.errors import UpstreamRejected, UpstreamUnavailable
from connectors.reasons import upstream_reason


@pytest.mark.parametrize(
    ("body", "said"),
    [
        (
            {
                "status": "gagal",
                "pesan": "Validasi gagal",
                "galat": {"kode_opd": ["harus kosong bila dari = 'pelapor'"]},
            },
            "Validasi gagal | kode_opd: harus kosong bila dari = 'pelapor'",
        ),
        ({"error": "status must be one of (a, b)"}, "status must be one of (a, b)"),
        (
            {"message": "Unprocessable", "errors": {"title": ["is required", "too short"]}},
            "Unprocessable | title: is required, too short",
        ),
        (
            {
                "errors": [
                    {"status": "422", "detail": "must not be blank", "source": {"pointer": "/data/attributes/judul"}}
                ]
            },
            "/data/attributes/judul: must not be blank",
        ),
        ({"error": {"code": "E42", "message": "kategori tidak dikenal"}}, "kategori tidak dikenal"),
        ({"ok": False}, '{"ok": false}'),
    ],
)
def test_the_reason_is_read_from_the_usual_places(body: dict[str, object], said: str) -> None:
    assert upstream_reason(json.dumps(body).encode()) == said


def test_a_plain_or_html_page_is_read_as_text() -> None:
    assert upstream_reason(b"<html><body><h1>422</h1><p>Tanggal  salah</p></body></html>") == "422 Tanggal salah"
    assert upstream_reason(b"bad date\n") == "bad date"


def test_nothing_said_is_none() -> None:
    assert upstream_reason(b"") is None
    assert upstream_reason(b"  \n ") is None


def test_personal_data_is_masked_before_it_is_cut() -> None:
    said = upstream_reason(
        json.dumps({"pesan": "pelapor Budi Santoso NIK 7306012345678901 telepon 081234567890 budi@contoh.id"}).encode(),
        limit=60,
    )
    assert said is not None and len(said) <= 60
    for private in ("Budi", "Santoso", "7306012345678901", "0812", "budi@contoh.id"):
        assert private not in said, said


def test_the_error_describes_itself_with_the_reason_and_never_puts_it_in_the_message() -> None:
    refused = UpstreamRejected("x", "PUT /a answered 422", status=422, body=b'{"pesan": "status tidak boleh mundur"}')
    assert refused.message == "PUT /a answered 422"  # the message is what gets logged
    assert refused.described == "PUT /a answered 422; it said: status tidak boleh mundur"
    assert UpstreamRejected("x", "PUT /a answered 404", status=404).described == "PUT /a answered 404"
    assert UpstreamUnavailable("x", "GET /a answered 500", body=b"sejak: format salah").reason == "sejak: format salah"
