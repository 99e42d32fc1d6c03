"""The error of a wrong mapping file, and the two helpers that phrase it the same way everywhere."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


class SpecError(ValueError):
    """A mapping file is wrong; the message names the path, expected and found values."""

    code = "BAD_MAPPING"


def fail(path: str, expected: str, found: object) -> SpecError:
    """The error for a value at `path`: what was expected and what was found."""
    return SpecError(f"{path}: expected {expected}; found {found!r}")


def only(table: Mapping[str, Any], path: str, allowed: tuple[str, ...]) -> None:
    """Refuse the first unknown key of a table, naming the keys that are allowed."""
    unknown = sorted(set(table) - set(allowed))
    if unknown:
        raise fail(path, f"only the keys {', '.join(allowed)}", unknown[0])
