"""Contact details in free text: e-mail addresses and long digit runs (a NIK, a phone
number), masked where text leaves the people allowed to see it (the public view of a
complaint, the logs). Dates, times and ids are left alone. File names get their own
rule: there a number runs between `_` and `-` too ("KTP_1673014101900001.jpg").

The text comes from anyone (a public query argument, an upstream record), so the scan is
linear in its length: every pattern below is a character class, a possessive repeat or a
bounded look-around, and each character is looked at a bounded number of times. Classic
patterns such as ``[\\w.+-]+@...`` retry from every start inside a long run and take
quadratic time (60,000 characters once held the event loop for 44 s).

What is masked is exactly what these two classic patterns mask (the tests compare them):

- e-mail: ``[\\w.+-]+@[\\w-]+(?:\\.[\\w-]+)+``
- number: ``(?<![\\w-])(?<!\\d:)(?<!\\d\\.)\\+?\\d(?:[\\d ]|-(?=\\d{3}))*\\d(?![\\w:-]|\\.\\d)`` with
  10 or more digits (phones spaced or dashed in groups of 3+, not inside a word, an id, a
  time or a decimal number; a full stop ending a sentence or a file name is no part of it).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

EMAIL_MASK = "[EMAIL]"
NUMBER_MASK = "[NUMBER]"
MIN_DIGITS = 10

# A stretch of characters an address can be made of; an address never crosses its ends.
_ADDRESS_RUN = re.compile(r"[\w.+@-]++")
_DOMAIN = re.compile(r"[\w-]++(?:\.[\w-]++)++")
# A number's start and the furthest its digits, spaces and dashes reach (possessive:
# the end is found by one backward look below, not by retrying).
_NUMBER_RUN = re.compile(r"(?<![\w-])(?<!\d:)(?<!\d\.)\+?\d(?:[\d ]|-(?=\d{3}))*+")
_DIGIT_BEFORE_SPACE = re.compile(r"\d(?= )")
_NOT_AFTER_NUMBER = re.compile(r"[\w:-]|\.\d")


def _emails(run: str) -> Iterator[tuple[int, int]]:
    """Spans of addresses in a run of address characters, leftmost first.

    An address's local part cannot hold '@', so for each '@' it starts right after the
    previous '@' or the previous address, whichever is later; its domain runs to the next
    '@' at most. Each character is thus read by one '@' only.
    """
    bound = 0
    at = run.find("@")
    while at != -1:
        if at > bound:
            domain = _DOMAIN.match(run, at + 1)
            if domain:
                yield bound, domain.end()
                bound = domain.end()
        bound = max(bound, at + 1)
        at = run.find("@", bound)


def _mask_emails(text: str) -> str:
    parts: list[str] = []
    last = 0
    for run in _ADDRESS_RUN.finditer(text):
        if "@" not in run.group():
            continue
        for start, end in _emails(run.group()):
            parts += (text[last : run.start() + start], EMAIL_MASK)
            last = run.start() + end
    parts.append(text[last:])
    return "".join(parts)


def _number_end(text: str, first_digit: int, run_end: int) -> int | None:
    """Where the number starting at `first_digit` ends: after the last digit of its run
    that is not followed by a word, id or time character (None: it is not a number).

    Inside the run only a space can follow a digit without continuing it; at the run's
    end whatever character comes next decides.
    """
    last = run_end - 1
    if (
        last > first_digit
        and text[last].isdecimal()
        and (run_end == len(text) or not _NOT_AFTER_NUMBER.match(text, run_end))
    ):
        return run_end
    end = None
    for found in _DIGIT_BEFORE_SPACE.finditer(text, first_digit + 1, run_end):
        end = found.end()
    return end


def _mask_numbers(text: str) -> str:
    parts: list[str] = []
    last = 0
    for run in _NUMBER_RUN.finditer(text):
        first_digit = run.start() + (text[run.start()] == "+")
        end = _number_end(text, first_digit, run.end())
        # A run with no end is not a number from any start inside it (they share its end),
        # so the scan goes on after it, as the classic pattern's retries would conclude.
        if end is None:
            continue
        number = text[run.start() : end]
        if sum(ch.isdigit() for ch in number) >= MIN_DIGITS:
            parts += (text[last : run.start()], NUMBER_MASK)
            last = end
    parts.append(text[last:])
    return "".join(parts)


def mask_contacts(text: str) -> str:
    """The text with e-mail addresses and 10+ digit numbers replaced."""
    return _mask_numbers(_mask_emails(text))


# In a file name: 10 or more digits, maybe in groups of 3+ joined by _, - or a space.
# Possessive: a separator is only taken when three digits follow, so the run always ends
# on a digit and nothing is retried.
_NAME_DIGITS = re.compile(r"(?<!\d)\+?\d(?:\d|[ _-](?=\d{3}))*+")
# A file name longer than any file system allows is cut before it is scanned or shown.
MAX_FILE_NAME = 255


def mask_file_name(name: str) -> str:
    """A file name with e-mail addresses and 10+ digit numbers replaced, its extension kept.

    A camera's date and time run together ("IMG_20250512_123456") are masked too: a
    harmless stamp hidden is cheaper than a phone number shown."""
    name = name[:MAX_FILE_NAME]
    stem, dot, extension = name.rpartition(".")
    if not dot:
        stem, extension = name, ""
    masked = _mask_emails(stem)
    masked = _NAME_DIGITS.sub(
        lambda m: NUMBER_MASK if sum(c.isdigit() for c in m.group()) >= MIN_DIGITS else m.group(), masked
    )
    return masked + dot + extension
