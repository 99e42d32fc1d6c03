"""Contact masking is linear in the text's length and masks what the classic patterns
mask: compared with them on generated text, and run over megabyte-long hostile text in
a child process that must finish within a generous limit."""

from __future__ import annotations

import re
import subprocess
import sys
import textwrap

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from schema import privacy
from schema.privacy import mask_contacts

# The patterns masking used before the scan was made linear, the reference for what is
# masked; a number before a sentence's full stop or a file's extension is now masked too.
CLASSIC_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
CLASSIC_DIGITS = re.compile(r"(?<![\w-])(?<!\d:)(?<!\d\.)\+?\d(?:[\d ]|-(?=\d{3}))*\d(?![\w:-]|\.\d)")


def classic_mask(text: str) -> str:
    masked = CLASSIC_EMAIL.sub("[EMAIL]", text)
    return CLASSIC_DIGITS.sub(lambda m: "[NUMBER]" if sum(c.isdigit() for c in m.group()) >= 10 else m.group(), masked)


# Few characters, so that generated text is dense in addresses, numbers and near misses.
TRICKY = st.text(alphabet="ab1234567890 .@+-:_x\u0663é", max_size=80)


@settings(max_examples=3000, deadline=None)
@given(TRICKY)
def test_it_masks_exactly_what_the_classic_patterns_mask(text: str) -> None:
    assert mask_contacts(text) == classic_mask(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("mail rina.kartika@example.com, ok", "mail [EMAIL], ok"),
        ("a@b@c.d", "a@[EMAIL]"),
        ("a@b.c+d@e.f", "[EMAIL][EMAIL]"),
        ("x@y.z.", "[EMAIL]."),
        ("call 0812 3456 7890 now", "call [NUMBER] now"),
        ("call +62-812-3456-7890 now", "call [NUMBER] now"),
        ("v1.0812345678901", "v1.0812345678901"),
        ("NIK 3201234567890001.", "NIK [NUMBER]."),
        ("ktp-3201234567890001.jpg and Tel.081234567890", "ktp-3201234567890001.jpg and Tel.[NUMBER]"),
        ("3201234567890001.pdf", "[NUMBER].pdf"),
        ("1234567890.5 and 1.2345678901", "1234567890.5 and 1.2345678901"),
        ("NIK 1673014101900001", "NIK [NUMBER]"),
        ("HP:081234567890, NIK:1673014101900001", "HP:[NUMBER], NIK:[NUMBER]"),  # a label's colon
        ("pukul 12:30, 10:0812345678", "pukul 12:30, 10:0812345678"),  # a time's colon
        ("sejak 2026-03-10 pukul 10:00, id PGH-7K3M9QXZ", "sejak 2026-03-10 pukul 10:00, id PGH-7K3M9QXZ"),
        ("12345678901x", "12345678901x"),
        ("1 2 3 4 5 6 7 8 9 0 1x", "[NUMBER] 1x"),
    ],
)
def test_examples(text: str, expected: str) -> None:
    assert mask_contacts(text) == expected


def test_no_pattern_can_backtrack() -> None:
    """The structural guarantee: no unbounded repeat in the scan's patterns is greedy-with-
    retry; each is possessive (`++`, `*+`)."""
    patterns = [v for v in vars(privacy).values() if isinstance(v, re.Pattern)]
    assert patterns
    for pattern in patterns:
        bare = re.sub(r"\\.|\[[^\]]*\]", "c", pattern.pattern)  # escapes and classes
        unbounded = re.findall(r"[+*]", re.sub(r"[+*?]\+", "", bare))
        assert not unbounded, f"{pattern.pattern} has a backtracking repeat"


HOSTILE = {
    "local part without a domain": "'a' * 1_000_000 + '@'",
    "dots and ats": "'.@' * 500_000",
    "domain without a dot": "'a@' + 'b' * 1_000_000",
    "labels without an end": "'a@b' + '.c' * 500_000 + '.'",
    "spaced digits": "'1 ' * 500_000",
    "spaced digits ending in a word": "'1 ' * 500_000 + '1x'",
    "dashes": "'1-' * 500_000 + 'x'",
    "digits then a word": "'1' * 1_000_000 + 'x'",
    "pluses": "'+1' * 500_000 + 'x'",
    "addresses and numbers": "'a.b@c1 2-' * 120_000",
}


# The log filter's masker (lokal-id's, then ours) sees request data in warnings too; it is
# slower per character, so it gets a quarter of the text (still hours if it were quadratic).
MASKERS = {"schema.privacy:mask_contacts": 1_000_000, "gateway.log_privacy:redact": 250_000}


@pytest.mark.slow
@pytest.mark.parametrize("masker", MASKERS)
@pytest.mark.parametrize("expression", HOSTILE.values(), ids=HOSTILE.keys())
def test_a_megabyte_of_hostile_text_is_masked_in_one_pass(expression: str, masker: str) -> None:
    # A child process, so that a quadratic scan is stopped instead of holding the suite: the
    # limit is generous (a linear scan takes a fraction of it, a quadratic one hours).
    module, name = masker.split(":")
    script = textwrap.dedent(
        f"""
        from {module} import {name}
        text = ({expression})[:{MASKERS[masker]}]
        assert len(text) == {MASKERS[masker]}
        {name}(text)
        """
    )
    done = subprocess.run([sys.executable, "-c", script], timeout=60, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
