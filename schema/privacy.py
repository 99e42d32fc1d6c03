"""Contact details in free text: e-mail addresses and long digit runs (a NIK, a phone
number), masked where text leaves the people allowed to see it (the public view of a
complaint, the logs). Dates, times and ids are left alone. File names get their own
rule: there a number runs between `_` and `-` too ("KTP_1673014101900001.jpg")."""

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


# In a file name: 10 or more digits, maybe in groups of 3+ joined by _, - or a space.
_NAME_DIGITS = re.compile(r"(?<!\d)\+?\d(?:\d|[ _-](?=\d{3}))*\d(?!\d)")


def mask_file_name(name: str) -> str:
    """A file name with e-mail addresses and 10+ digit numbers replaced, its extension kept.

    A camera's date and time run together ("IMG_20250512_123456") are masked too: a
    harmless stamp hidden is cheaper than a phone number shown."""
    stem, dot, extension = name.rpartition(".")
    if not dot:
        stem, extension = name, ""
    masked = EMAIL.sub("[EMAIL]", stem)
    masked = _NAME_DIGITS.sub(lambda m: "[NUMBER]" if sum(c.isdigit() for c in m.group()) >= 10 else m.group(), masked)
    return masked + dot + extension
