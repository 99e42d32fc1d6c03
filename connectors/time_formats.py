"""Local date and time patterns (strptime-style), and the zones a source's times are in.

Many regency systems write times their own way: `13/03/2026 09:00`, local, with no offset.
A mapping says so with `format = "%d/%m/%Y %H:%M"`; a time without an offset is in the
source's `time_zone` (or the field's own `zone`) and is stored in UTC. The same patterns
write times back out (the `since` parameter, write bodies) in the source's zone.

Only numeric directives are accepted: month and day names (`%b`, `%A`) depend on the
language of the machine, and an Indonesian "Mei" or "Agustus" would not read.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta, timezone

from connectors.spec_errors import SpecError, fail
from schema.errors import RecordError
from schema.regions import WIB, WIT, WITA

ZONES: dict[str, timezone] = {"WIB": WIB, "WITA": WITA, "WIT": WIT, "UTC": UTC}
DATE_DIRECTIVES = frozenset("dmyYj")
TIME_DIRECTIVES = frozenset("HIMSfpz")
DIRECTIVES = DATE_DIRECTIVES | TIME_DIRECTIVES | {"%"}
EXPECTED = (
    'a strptime pattern with a date, like "%d/%m/%Y %H:%M" (directives: '
    + " ".join(f"%{d}" for d in "dmYyjHIMSfpz")
    + " %%)"
)
# A moment whose every part differs (day 13 is no month, 21 h is no 12-hour time), to try a
# pattern on: what it writes must read back.
_PROBE = datetime(2026, 11, 13, 21, 45, 59, 123456, tzinfo=WIB)


class FormatMismatch(RecordError, ValueError):
    """A value that the field's pattern cannot read; the message says which pattern."""

    code = "BAD_VALUE"


def check_format(pattern: object, where: str) -> str:
    """`pattern` if it is a usable date pattern; else a SpecError naming `where`."""
    if not isinstance(pattern, str) or not pattern:
        raise fail(where, EXPECTED, pattern)
    used = re.findall(r"%(.?)", pattern)
    unknown = next((d for d in used if d not in DIRECTIVES), None)
    if unknown is not None:
        raise fail(where, f"{EXPECTED}; %{unknown} is not one of them", pattern)
    if not DATE_DIRECTIVES & set(used):
        raise fail(where, f"{EXPECTED}; it has no date directive", pattern)
    try:
        datetime.strptime(_PROBE.strftime(pattern), pattern)
    except (ValueError, re.error):
        # e.g. a directive given twice, or a pattern that cannot read its own output
        raise fail(where, f"{EXPECTED} that reads back what it writes", pattern) from None
    return pattern


def check_zone(zone: object, where: str) -> str:
    """A zone name a mapping may give a field (WIB, WITA, WIT or UTC)."""
    if zone not in ZONES:
        raise fail(where, f"one of {', '.join(ZONES)}", zone)
    return str(zone)


def read_datetime(text: str, pattern: str, zone: timezone) -> datetime:
    """`text` read with `pattern`; without an offset it is in `zone`. In UTC."""
    try:
        parsed = datetime.strptime(text.strip(), pattern)
    except ValueError:
        raise FormatMismatch(f"does not match the format {pattern}") from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=zone)
    return parsed.astimezone(UTC)


def read_date(text: str, pattern: str, zone: timezone) -> datetime:
    """A day read with `pattern`: the start of that day in `zone`, in UTC."""
    day = read_datetime(text, pattern, zone).astimezone(zone).date()
    return datetime.combine(day, time(0, 0), tzinfo=zone).astimezone(UTC)


# The step of each directive, finest first: a pattern shows time to its finest one.
_STEPS = (
    ("f", timedelta(microseconds=1)),
    ("S", timedelta(seconds=1)),
    ("M", timedelta(minutes=1)),
    ("HI", timedelta(hours=1)),
    ("dj", timedelta(days=1)),
    ("m", timedelta(days=31)),
    ("yY", timedelta(days=366)),
)


def resolution(pattern: str) -> timedelta:
    """The finest step a pattern shows (a minute for "%d/%m/%Y %H:%M")."""
    used = set(re.findall(r"%(.)", pattern.replace("%%", "")))
    return next((step for letters, step in _STEPS if used & set(letters)), timedelta(days=366))


def write(value: datetime | date, pattern: str, zone: timezone) -> str:
    """A moment (shown in `zone`) or a day, written with `pattern`."""
    if isinstance(value, datetime):
        return value.astimezone(zone).strftime(pattern)
    return value.strftime(pattern)


__all__ = [
    "ZONES",
    "FormatMismatch",
    "SpecError",
    "check_format",
    "check_zone",
    "read_date",
    "read_datetime",
    "resolution",
    "write",
]
