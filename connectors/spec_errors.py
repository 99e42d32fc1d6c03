"""The error of a wrong mapping file, and the two helpers that phrase it the same way everywhere.

`only` also records, per table, the keys it was told to allow (`ACCEPTED`): the parser's own
lists, gathered where they are used, so the documentation's reference can be checked against
the code (tests/connectors/test_docs_reference.py) without a copy of them to keep in step.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Mapping
from typing import Any

from schema.errors import ConfigurationError

# Table name (as the reference names it, see `table_name`) -> every key `only` allowed there.
ACCEPTED: dict[str, frozenset[str]] = {}
# (file, line) of every `only` call that has run: the test checks that each one in the code
# was reached, so a table no example exercised cannot go unchecked.
CALLED_FROM: set[tuple[str, int]] = set()

# Parts of a path that name one of many: a field, a follow-up field, a body key.
_GENERIC = (
    (re.compile(r"^fields\.[^.]+$"), "fields.*"),
    (re.compile(r"^follow_ups\.[^.]+$"), "follow_ups.*"),
    (re.compile(r"^attachments\.[^.]+$"), "attachments.*"),
    (re.compile(r"^([a-z_]+)\.body\..+$"), r"\1.body.*"),
)


class SpecError(ConfigurationError, ValueError):
    """A mapping file is wrong; the message names the path, expected and found values."""

    code = "BAD_MAPPING"


def fail(path: str, expected: str, found: object) -> SpecError:
    """The error for a value at `path`: what was expected and what was found."""
    return SpecError(f"{path}: expected {expected}; found {found!r}")


def table_name(path: str) -> str:
    """The name the reference gives the table at `path`: `fields.title` is one `fields.*`."""
    for pattern, name in _GENERIC:
        if pattern.match(path):
            return pattern.sub(name, path)
    return path


def only(table: Mapping[str, Any], path: str, allowed: tuple[str, ...]) -> None:
    """Refuse the first unknown key of a table, naming the keys that are allowed."""
    name = table_name(path)
    ACCEPTED[name] = ACCEPTED.get(name, frozenset()) | frozenset(allowed)
    caller = sys._getframe(1)
    CALLED_FROM.add((caller.f_code.co_filename, caller.f_lineno))
    unknown = sorted(set(table) - set(allowed))
    if unknown:
        raise fail(path, f"only the keys {', '.join(allowed)}", unknown[0])


def url_path(path: object, where: str, expected: str = "a path starting with /") -> str:
    """A mapping's URL path: it starts with / and carries no query or fragment.

    A `?` in a path made the product append `?since=...` after it, so the since filter
    and any order were swallowed while the check said ok; fixed parameters have a key.
    """
    if not isinstance(path, str) or not path.startswith("/"):
        raise fail(where, expected, path)
    if "?" in path or "#" in path:
        raise fail(where, "a path without a query: put fixed parameters in [request] params", path)
    return path
