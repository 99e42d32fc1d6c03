"""What a GraphQL-over-HTTP body must look like before Strawberry reads it.

A body is one operation: a JSON object with a `query` string and, optionally, an
`operationName` string and `variables` / `extensions` objects. Anything else (a bare
string, number, null, boolean, array, or an object of the wrong shape) is refused with a
message naming what was wrong and what was expected. No string anywhere in it may hold a
NUL character: PostgreSQL cannot store one, and no legitimate text needs it.
"""

from __future__ import annotations

from collections.abc import Mapping

from schema.errors import InputError, RequestError

_JSON_KINDS = {
    str: "a string",
    int: "a number",
    float: "a number",
    bool: "a boolean",
    list: "an array",
    dict: "an object",
}
_OPTIONAL_OBJECTS = ("variables", "extensions")


class BadOperationBody(RequestError, ValueError):
    """The body is JSON but not a GraphQL operation (code BAD_REQUEST)."""

    code = "BAD_REQUEST"


class NulInBody(InputError, ValueError):
    """A string in the body holds a NUL character (code BAD_USER_INPUT)."""

    code = "BAD_USER_INPUT"


def json_kind(value: object) -> str:
    """`value`'s JSON type in words, for messages (never the value itself)."""
    return "null" if value is None else _JSON_KINDS.get(type(value), type(value).__name__)


def check_object(data: object, *, what: str = "request body") -> Mapping[str, object]:
    """`data` if it is a JSON object; raises BadOperationBody naming what it is instead."""
    if isinstance(data, list):
        raise BadOperationBody(
            f"{what} is an array: batching is not supported; expected one operation as a JSON object"
        )
    if not isinstance(data, dict):
        raise BadOperationBody(f'{what} is {json_kind(data)}; expected a JSON object like {{"query": "..."}}')
    return data


def check_operation(data: Mapping[str, object]) -> None:
    """Raise BadOperationBody unless `data` has the shape of one GraphQL operation."""
    query = data.get("query")
    if not isinstance(query, str) or not query.strip():
        found = "missing" if "query" not in data else ("blank" if isinstance(query, str) else json_kind(query))
        raise BadOperationBody(f"query is {found}; expected the operation's text as a non-empty string")
    name = data.get("operationName")
    if name is not None and not isinstance(name, str):
        raise BadOperationBody(f"operationName is {json_kind(name)}; expected a string or null")
    for key in _OPTIONAL_OBJECTS:
        value = data.get(key)
        if value is not None and not isinstance(value, dict):
            raise BadOperationBody(f"{key} is {json_kind(value)}; expected an object or null")


def check_no_nul(data: object) -> None:
    """Raise NulInBody if any string (key or value) in the parsed JSON holds U+0000.

    Iterative, so a deeply nested body costs no recursion; each value is visited once.
    """
    stack = [data]
    while stack:
        value = stack.pop()
        if isinstance(value, str):
            if "\x00" in value:
                raise NulInBody("a string in the request holds a NUL character (U+0000); expected text without NUL")
        elif isinstance(value, dict):
            stack.extend(value.keys())
            stack.extend(value.values())
        elif isinstance(value, list):
            stack.extend(value)
