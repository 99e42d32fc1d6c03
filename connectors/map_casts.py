"""Checking at load that every value of a `[maps.*]` table survives the cast that uses it.

A field reads a mapped value and still casts it (the map gives "true", the field wants True);
a write body casts the word its out-map gives (bool01 sends "1"). A table holding a value its
cast cannot read would fail every record or every write that meets it, so the mapping is
refused instead, naming the table's entry. Both sides cast with `casts.cast_value`, the one
function the mapper itself uses, so a table passes here exactly when it works there.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, timezone

from connectors.casts import cast_value
from connectors.spec_errors import fail


def check_map_casts(
    table: str,
    words: Mapping[str, object],
    cast: str,
    who: str,
    *,
    zone: timezone = UTC,
    pattern: str | None = None,
    true_words: tuple[str, ...] | None = None,
    false_words: tuple[str, ...] | None = None,
) -> None:
    """Raise a SpecError at `maps.<table>.<word>` for the first value `cast` cannot read;
    `who` names what casts it ("fields.x" or "change_status.body.y"), for the message."""
    # A write's bool01 ("1"/"0") reads its words as any yes/no cast does.
    reading = "bool" if cast == "bool01" else cast
    for word, value in words.items():
        try:
            cast_value(value, reading, zone, pattern=pattern, true_words=true_words, false_words=false_words)
        except (ValueError, TypeError, OverflowError):
            raise fail(f"maps.{table}.{word}", f"a value that casts to {cast} ({who} casts it)", value) from None
