"""Validation of submitted complaints: every error names the field and what was expected."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from schema.canonical import Attachment, Classification, Location, Reporter
from schema.validation import (
    CONTENT_MAX,
    TITLE_MAX,
    ComplaintDraft,
    ValidationFailed,
    validate_draft,
)

TODAY = date(2026, 3, 13)
GOOD = ComplaintDraft(
    classification=Classification.PENGADUAN,
    title="Jalan rusak di Tuah Negeri",
    content="Jalan poros desa berlubang dan tergenang setiap hujan.",
    location=Location(kode_wilayah="16.05.01", address="Jl. Poros Desa"),
    reporter=Reporter(name="Budi", nik="1605010101900001", phone="0812-3456-7890", email="budi@example.id"),
)


def errors_of(draft: ComplaintDraft, **kw: object) -> dict[str, tuple[str, str]]:
    with pytest.raises(ValidationFailed) as info:
        validate_draft(draft, today=TODAY, **kw)  # type: ignore[arg-type]
    return {e.field: (e.message, e.expected) for e in info.value.errors}


def test_a_good_draft_is_normalised() -> None:
    clean = validate_draft(
        replace(GOOD, title="  Jalan rusak di Tuah Negeri  ", tags=("Jalan", "jalan", "banjir")),
        today=TODAY,
    )
    assert clean.title == "Jalan rusak di Tuah Negeri"
    assert clean.tags == ("jalan", "banjir")
    assert clean.reporter is not None and clean.reporter.phone == "+6281234567890"


@pytest.mark.parametrize(
    ("code", "message"),
    [
        pytest.param("1605", "'1605' is not a kode wilayah", id="bps-style-code"),
        pytest.param("16.1", "'16.1' is not a kode wilayah", id="number-mangled-code"),
        pytest.param("16.99", "'16.99' names no region", id="unknown-regency"),
        pytest.param("", "'' is not a kode wilayah", id="empty"),
    ],
)
def test_bad_kode_wilayah(code: str, message: str) -> None:
    errors = errors_of(replace(GOOD, location=Location(kode_wilayah=code)))
    assert errors["location.kodeWilayah"][0] == message
    assert "Kemendagri" in errors["location.kodeWilayah"][1]


@pytest.mark.parametrize(
    ("nik", "message"),
    [
        pytest.param("160501010190000", "does not have 16 digits", id="15-digits"),
        pytest.param("16050101019000AB", "does not have 16 digits", id="letters"),
        pytest.param("1605010101900000", "has serial number 0000", id="serial-zero"),
        pytest.param("1605019901900001", "impossible birth date", id="impossible-birth-date"),
        pytest.param("1699010101900001", "kecamatan code that does not exist", id="unknown-kecamatan"),
    ],
)
def test_bad_nik_is_named_but_never_echoed(nik: str, message: str) -> None:
    errors = errors_of(replace(GOOD, reporter=Reporter(nik=nik)))
    text, expected = errors["reporter.nik"]
    assert message in text
    assert "16-digit NIK" in expected
    assert nik not in text and nik not in expected


def test_over_long_title_and_content_report_their_lengths() -> None:
    errors = errors_of(replace(GOOD, title="x" * (TITLE_MAX + 1), content="y" * (CONTENT_MAX + 5)))
    assert errors["title"] == (f"is {TITLE_MAX + 1} characters long", f"at most {TITLE_MAX} characters")
    assert errors["content"] == (
        f"is {CONTENT_MAX + 5} characters long",
        f"at most {CONTENT_MAX} characters",
    )


def test_length_is_counted_after_unicode_normalisation() -> None:
    # 'e' + combining acute (2 code points) is one character once composed (NFC).
    decomposed = "e\u0301" * TITLE_MAX
    clean = validate_draft(replace(GOOD, title=decomposed), today=TODAY)
    assert len(clean.title) == TITLE_MAX


def test_every_problem_is_reported_at_once() -> None:
    errors = errors_of(
        replace(
            GOOD,
            title="",
            content="pendek",
            incident_date=date(2026, 3, 14),
            location=Location(kode_wilayah="16.05", latitude=40.0),
            tags=("ok", "<script>"),
            attachments=(Attachment(name="a.exe", media_type="application/x-msdownload", size=0, sha256="zz"),),
            reporter=Reporter(phone="12345", email="not-an-address"),
            category_id="no-such-category",
            suggested_agency_id="no-such-agency",
        ),
        categories={"kesehatan"},
        agencies={"pemkab-16.05"},
    )
    assert set(errors) == {
        "title",
        "content",
        "incidentDate",
        "location",
        "location.latitude",
        "tags[1]",
        "attachments[0].mediaType",
        "attachments[0].size",
        "attachments[0].sha256",
        "reporter.phone",
        "reporter.email",
        "categoryId",
        "suggestedAgencyId",
    }
    assert errors["incidentDate"] == ("2026-03-14 is in the future", "a date on or before 2026-03-13")
    # Personal data is never echoed.
    assert "12345" not in str(errors) and "not-an-address" not in str(errors)


def test_control_characters_are_refused() -> None:
    errors = errors_of(replace(GOOD, content="Jalan rusak\x00 sekali di desa kami"))
    assert errors["content"] == ("contains control characters", "printable text")


def test_invisible_only_text_is_empty() -> None:
    errors = errors_of(replace(GOOD, title="\u200b" * 6, content="\u200b\u200d " * 11))
    assert errors["title"][0] == "is empty"
    assert errors["content"][0] == "is empty"


def test_compatibility_forms_are_folded() -> None:
    fullwidth_rusak = (
        "\uff52\uff55\uff53\uff41\uff4b"  # "rusak" in fullwidth letters, escaped: typed, it would look like ASCII
    )
    clean = validate_draft(replace(GOOD, title=f"Jalan {fullwidth_rusak} di desa"), today=TODAY)
    assert clean.title == "Jalan rusak di desa"


def test_attachment_names_are_plain_file_names() -> None:
    bad = Attachment(name="../../etc/passwd", media_type="image/jpeg", size=10, sha256="a" * 64)
    errors = errors_of(replace(GOOD, attachments=(bad,)))
    assert errors["attachments[0].name"] == ("looks like a path", "a plain file name such as foto-jalan.jpg")


def test_nik_problems_are_in_words() -> None:
    errors = errors_of(replace(GOOD, reporter=Reporter(nik="1605019901900001")))
    assert errors["reporter.nik"][0] == "has an impossible birth date"


def test_a_category_while_the_category_registry_is_empty_says_how_to_fill_it() -> None:
    # A production store before `penghubung reference load`: no category exists at all.
    errors = errors_of(replace(GOOD, category_id="infrastruktur.jalan"), categories=set())
    message, expected = errors["categoryId"]
    assert message == "cannot be set: the category registry is empty"
    assert "penghubung reference load FILE" in expected
    errors = errors_of(replace(GOOD, suggested_agency_id="pemkab-16.05"), agencies=set())
    assert errors["suggestedAgencyId"][0] == "'pemkab-16.05' is not in the agency registry"
