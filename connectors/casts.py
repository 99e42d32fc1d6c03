"""Casting one source value to the type its field declares (`cast = "..."`).

Shared by the mapper (every record) and the spec parser (which tries each value of a field's
`[maps.*]` table at load time, so a map that can only give unreadable values is refused
before any record is read).

A value that cannot be cast raises ValueError (or TypeError); a `CastMismatch` carries a
phrase saying what was expected instead (the yes/no words, the date pattern), for the reason
a MappingError gives.
"""

from __future__ import annotations

import unicodedata
from datetime import UTC, date, datetime, time, timezone

from connectors.time_formats import FormatMismatch, read_date, read_datetime
from schema.errors import RecordError

CASTS = ("bool", "date", "datetime", "epoch_ms", "epoch_s", "float", "int", "str")
TRUE_WORDS = ("1", "true", "yes", "ya", "y")
FALSE_WORDS = ("0", "false", "no", "tidak", "n")


class CastMismatch(RecordError, ValueError):
    """A value outside what the field accepts; the message is the phrase after "the value"."""

    code = "BAD_VALUE"


def text(value: object) -> str:
    """A value as clean text (NFKC-normalised, trimmed): how words are compared."""
    return unicodedata.normalize("NFKC", str(value)).strip()


def yes_no(value: object, true_words: tuple[str, ...] | None, false_words: tuple[str, ...] | None) -> bool:
    """True or False by the field's words (any case), else the built-in ones; never a guess."""
    if isinstance(value, bool):
        return value
    yes = true_words or TRUE_WORDS
    no = false_words or FALSE_WORDS
    word = text(value).casefold()
    if word in (w.casefold() for w in yes):
        return True
    if word in (w.casefold() for w in no):
        return False
    raise CastMismatch(f"is not a yes/no word (true: {', '.join(yes)}; false: {', '.join(no)})")


def cast_value(
    value: object,
    cast: str,
    zone: timezone,
    *,
    pattern: str | None = None,
    true_words: tuple[str, ...] | None = None,
    false_words: tuple[str, ...] | None = None,
) -> object:
    """`value` as `cast` says; times without an offset are in `zone`, results in UTC."""
    if cast == "str":
        return text(value)
    if cast == "int":
        if isinstance(value, bool):
            raise ValueError("a boolean is not an integer")
        return int(str(value).strip())
    if cast == "float":
        return float(str(value).strip().replace(",", "."))
    if cast == "bool":
        return yes_no(value, true_words, false_words)
    if cast in ("epoch_ms", "epoch_s"):
        seconds = float(value) / (1000 if cast == "epoch_ms" else 1)  # type: ignore[arg-type]  # upstream data; a non-number raises, as for the other casts
        return datetime.fromtimestamp(seconds, UTC)
    try:
        if cast == "date":
            if pattern is not None:
                return read_date(str(value), pattern, zone)
            day = date.fromisoformat(str(value).strip()[:10])
            # A date-only timestamp is the start of that day in the source's zone.
            return datetime.combine(day, time(0, 0), tzinfo=zone).astimezone(UTC)
        if cast == "datetime":
            if pattern is not None:
                return read_datetime(str(value), pattern, zone)
            parsed = datetime.fromisoformat(str(value).strip().replace("Z", "+00:00"))
            if parsed.tzinfo is None:
                parsed = parsed.replace(tzinfo=zone)
            return parsed.astimezone(UTC)
    except FormatMismatch as exc:
        raise CastMismatch(str(exc)) from None
    raise ValueError(f"unknown cast {cast}")  # the spec parser refuses these first
