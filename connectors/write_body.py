"""Turning canonical values into a write body as a WriteSpec describes it.

Values are looked up by name, mapped through an out-map (canonical word to the source's
word), cast to the source's representation, and placed at the body's keys (dotted keys nest
JSON objects). Absent values are left out rather than sent as null: a legacy form handler
treats an empty field differently from a missing one.
"""

from __future__ import annotations

import string
from collections.abc import Mapping
from datetime import UTC, date, datetime, timezone
from enum import Enum
from typing import Any

from connectors.protocol import Unsupported
from connectors.write_spec import BodyValue, WriteSpec


def _out(value: object, cast: str, zone: timezone) -> object:
    if isinstance(value, Enum):
        value = value.value
    if cast == "str":
        if isinstance(value, datetime):
            return value.astimezone(zone).isoformat()
        return value if isinstance(value, str) else str(value)
    if cast == "int":
        return int(value)  # type: ignore[call-overload]
    if cast == "float":
        return float(value)  # type: ignore[arg-type]
    if cast == "bool":
        return bool(value)
    if cast == "bool01":
        return "1" if value else "0"
    if cast == "date":
        if isinstance(value, datetime):
            return value.astimezone(zone).date().isoformat()
        if isinstance(value, date):
            return value.isoformat()
        return str(value)[:10]
    if cast == "datetime":
        if not isinstance(value, datetime):
            raise TypeError("needs a datetime")
        return value.astimezone(zone).isoformat(timespec="milliseconds")
    if cast == "epoch_ms":
        if not isinstance(value, datetime):
            raise TypeError("needs a datetime")
        return int(value.astimezone(UTC).timestamp() * 1000)
    raise ValueError(f"unknown cast {cast}")  # the spec parser refuses these first


def _place(body: dict[str, Any], key: str, value: object, *, nest: bool) -> None:
    if not nest:
        body[key] = value
        return
    *parents, last = key.split(".")
    target = body
    for part in parents:
        target = target.setdefault(part, {})
    target[last] = value


def _one(
    source: str,
    item: BodyValue,
    values: Mapping[str, object],
    maps: Mapping[str, Mapping[str, str]],
    zone: timezone,
) -> object:
    if item.template is not None:
        filled = {
            name: "" if values.get(name) is None else str(_out(values[name], "str", zone))
            for _, name, _, _ in string.Formatter().parse(item.template)
            if name is not None
        }
        return item.template.format(**filled)
    if item.value is None:
        return item.const
    value = values.get(item.value)
    if value is None:
        return None
    if item.map is not None:
        word = value.value if isinstance(value, Enum) else str(value)
        table = maps[item.map]
        # "*" is the source's catch-all word (an "other" category): a registry with more
        # categories than the source has codes still creates there.
        if word not in table and "*" not in table:
            raise Unsupported(source, f"[maps.{item.map}] has no word for {item.value} {word}")
        value = table.get(word, table.get("*"))
    try:
        return _out(value, item.cast, zone)
    except (TypeError, ValueError):
        raise Unsupported(source, f"{item.key}: {item.value} cannot be cast to {item.cast}") from None


def build_body(
    source: str,
    spec: WriteSpec,
    values: Mapping[str, object],
    maps: Mapping[str, Mapping[str, str]],
    zone: timezone,
) -> dict[str, Any]:
    """The body of one write; JSON bodies nest dotted keys, form bodies keep them flat."""
    body: dict[str, Any] = {}
    for item in spec.body:
        value = _one(source, item, values, maps, zone)
        if value is not None:
            _place(body, item.key, value, nest=spec.encoding == "json")
    return body
