"""The path syntax of a mapping file, checked once at load time.

A path names a value inside a record or an answer: keys joined by dots (`a.b`), list items
by index (`a[0].b`), XML attributes as written (`@attr`). `get_path` reads exactly
this syntax; anything else it would read as "missing" without a word (`data[-1].id` finds
no step `-1`, `a..b` an empty key), so such a path is refused when the mapping is loaded.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from connectors.spec_errors import SpecError, fail

# One key (anything but dots and brackets) or [index], then more of them joined by dots or
# directly by [index]; the same steps `get_path` takes.
_PATH = re.compile(r"(?:[^.\[\]]+|\[\d+\])(?:\.[^.\[\]]+|\[\d+\])*")
SYNTAX = "a dotted path like a.b, a[0].b or @attr (keys joined by dots, list items as [n])"
_STEP = re.compile(r"([^.\[\]]+)|\[(\d+)\]")


class _Missing:
    """A path that leads nowhere (distinct from an explicit null)."""


MISSING = _Missing()


def get_path(record: object, path: str) -> object:
    """The value at a dotted path ("a.b[0].c", "@attr" keys as written), or MISSING."""
    current = record
    for key, index in _STEP.findall(path):
        if index:
            if not isinstance(current, list | tuple) or int(index) >= len(current):
                return MISSING
            current = current[int(index)]
        elif isinstance(current, Mapping) and key in current:
            current = current[key]
        else:
            return MISSING
    return current


def check_path(path: object, where: str, *, empty_ok: bool = False) -> str:
    """`path` if the engine can follow it; else a SpecError naming `where`.

    `empty_ok` is for the places where "" means the whole answer (records, read_one.record).
    """
    if not isinstance(path, str):
        raise fail(where, SYNTAX, path)
    if path == "" and empty_ok:
        return path
    if not _PATH.fullmatch(path) or path != path.strip():
        raise fail(where, SYNTAX, path)
    return path


__all__ = ["MISSING", "SYNTAX", "SpecError", "check_path", "get_path"]
