"""File names shown to the public have numbers (a NIK, a phone) and e-mail addresses
masked, also where they run between underscores and dashes; short numbers and the
extension stay."""

from __future__ import annotations

import pytest

from schema.privacy import mask_contacts, mask_file_name


@pytest.mark.parametrize(
    ("name", "shown"),
    [
        ("KTP_1673014101900001.jpg", "KTP_[NUMBER].jpg"),
        ("bukti wa 0812 3456 7890.png", "bukti wa [NUMBER].png"),
        ("wa-0812-3456-7890.jpg", "wa-[NUMBER].jpg"),
        ("rina.kartika@example.com.pdf", "[EMAIL].pdf"),
        ("sesudah_081234567890", "sesudah_[NUMBER]"),
        ("IMG-20250508-WA0001.jpg", "IMG-20250508-WA0001.jpg"),
        ("foto_3.jpg", "foto_3.jpg"),
    ],
)
def test_numbers_and_addresses_in_file_names_are_masked(name: str, shown: str) -> None:
    assert mask_file_name(name) == shown


def test_the_free_text_rule_alone_would_show_them() -> None:
    # Why file names have their own rule: inside a word, the text rule leaves digits alone.
    assert mask_contacts("KTP_1673014101900001.jpg") == "KTP_1673014101900001.jpg"
