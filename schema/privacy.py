"""Contact details in free text: e-mail addresses and long digit runs (a NIK, a phone
number), masked where text leaves the people allowed to see it (the public view of a
complaint, the logs). Dates, times and ids are left alone."""

from __future__ import annotations

import re

EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# 10 or more digits, maybe spaced or dashed in groups of 3+ (phones), not inside a word,
# an id or a time.
DIGITS = re.compile(r"(?<![\w.:-])\+?\d(?:[\d ]|-(?=\d{3}))*\d(?![\w.:-])")


def mask_contacts(text: str) -> str:
    """The text with e-mail addresses and 10+ digit numbers replaced."""
    masked = EMAIL.sub("[EMAIL]", text)
    return DIGITS.sub(lambda m: "[NUMBER]" if sum(c.isdigit() for c in m.group()) >= 10 else m.group(), masked)
