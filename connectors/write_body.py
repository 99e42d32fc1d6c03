"""Turning canonical values into a write body as a WriteSpec describes it.

Values are looked up by name, mapped through an out-map (canonical word to the source's
word), cast to the source's representation, and placed at the body's keys (dotted keys nest
JSON objects). Absent values are left out rather than sent as null (a legacy form handler
treats an empty field differently from a missing one), unless the mapping gives a default.
A value the out-map has no word for is an `UnmappedValue` (the write is refused, never sent
with a guessed word), unless the mapping says to send the default or leave the key out.
An out-map's keys may hold `{kode_wilayah}`, filled with the source's region code (the
reverse of a read map whose values hold it, e.g. "{kode_wilayah}-pupr" = "opd_dinas-pupr").
A key with `only_if` is left out unless the write's other values hold what it names: a
reporter's reply then carries no OPD code, while an agency's answer must map its own.
"""

from __future__ import annotations

import string
from collections.abc import Mapping
from datetime import UTC, date, datetime, timezone
from enum import Enum
from typing import Any

from connectors.casts import cast_value, yes_no
from connectors.protocol import UnmappedValue, Unsupported
from connectors.records import PERSONAL
from connectors.time_formats import write as write_time
from connectors.write_spec import BodyValue, WriteSpec

# What `_one` returns for a key to leave out of the body.
_OMIT = object()


def _out(value: object, item: BodyValue, zone: timezone) -> object:
    cast = item.cast
    if isinstance(value, Enum):
        value = value.value
    if cast == "str":
        if isinstance(value, datetime):
            return value.astimezone(zone).isoformat()
        return value if isinstance(value, str) else str(value)
    if cast in ("int", "float") and isinstance(value, str):
        # A mapped word is read as the load check read it (a decimal comma too).
        return cast_value(value, cast, zone)
    if cast == "int":
        return int(value)  # type: ignore[call-overload]  # a value int() cannot take raises TypeError, reported as a bad body value
    if cast == "float":
        return float(value)  # type: ignore[arg-type]  # a value float() cannot take raises TypeError, reported as a bad body value
    if cast == "bool":
        if isinstance(value, str):
            value = yes_no(value, None, None)  # a mapped "false" is False, not a truthy string
        if not isinstance(value, bool):
            raise TypeError("needs true or false")
        if item.true_word is not None:
            return item.true_word if value else item.false_word
        return value
    if cast == "bool01":
        if isinstance(value, str):
            value = yes_no(value, None, None)  # a mapped "0" is no, not a truthy string
        return "1" if value else "0"
    if cast == "date":
        if item.format is not None and isinstance(value, date):
            day = value.astimezone(zone).date() if isinstance(value, datetime) else value
            return write_time(day, item.format, zone)
        if isinstance(value, datetime):
            return value.astimezone(zone).date().isoformat()
        if isinstance(value, date):
            return value.isoformat()
        return str(value)[:10]
    if cast == "datetime":
        if not isinstance(value, datetime):
            raise TypeError("needs a datetime")
        if item.format is not None:
            return write_time(value, item.format, zone)
        return value.astimezone(zone).isoformat(timespec="milliseconds")
    if cast == "epoch_ms":
        if not isinstance(value, datetime):
            raise TypeError("needs a datetime")
        return int(value.astimezone(UTC).timestamp() * 1000)
    raise ValueError(f"unknown cast {cast}")  # the spec parser refuses these first


def _for_regency(table: Mapping[str, str], kode_wilayah: str | None) -> Mapping[str, str]:
    """An out-map with `{kode_wilayah}` in its keys filled in: one bundled mapping serves every
    kab/kota, so its reverse OPD map is keyed by registry ids like "{kode_wilayah}-pupr", as
    the read side's [maps.opd] values are."""
    if kode_wilayah is None or not any("{kode_wilayah}" in key for key in table):
        return table
    return {key.replace("{kode_wilayah}", kode_wilayah): word for key, word in table.items()}


def _place(body: dict[str, Any], key: str, value: object, *, nest: bool) -> None:
    if not nest:
        body[key] = value
        return
    *parents, last = key.split(".")
    target = body
    for part in parents:
        target = target.setdefault(part, {})
    target[last] = value


# Values whose ids form a tree with dotted children ("infrastruktur.jalan" under
# "infrastruktur"): an out-map naming a parent covers its children, so a system with nine
# coarse category codes needs nine words, not one per category of the registry.
TREE_VALUES = frozenset({"category_code"})


def out_word(table: Mapping[str, str], value_name: str, word: str) -> str:
    """The word of `table` that stands for `word`: itself, or for a tree value the nearest
    parent the table names; `word` itself when neither is there."""
    if word in table or value_name not in TREE_VALUES:
        return word
    parent = word
    while "." in parent:
        parent = parent.rsplit(".", 1)[0]
        if parent in table:
            return parent
    return word


def _holds(item: BodyValue, values: Mapping[str, object]) -> bool:
    """Whether every `only_if` condition of the key holds for this write's values."""
    for name, wanted in item.only_if:
        found = values.get(name)
        found = found.value if isinstance(found, Enum) else found
        if isinstance(wanted, bool):
            # An absent flag is false: a follow-up not from the reporter is the agency's.
            if bool(found) is not wanted:
                return False
        elif found != wanted:
            return False
    return True


def _one(
    source: str,
    action: str,
    item: BodyValue,
    values: Mapping[str, object],
    maps: Mapping[str, Mapping[str, str]],
    zone: timezone,
    kode_wilayah: str | None,
) -> object:
    if not _holds(item, values):
        return _OMIT
    if item.template is not None:
        filled = {
            name: "" if values.get(name) is None else str(_out(values[name], BodyValue(key=name), zone))
            for _, name, _, _ in string.Formatter().parse(item.template)
            if name is not None
        }
        return item.template.format(**filled)
    if item.value is None:
        return item.const
    value = values.get(item.value)
    if value is None:
        return _OMIT if item.default is None else item.default
    if item.map is not None:
        word = value.value if isinstance(value, Enum) else str(value)
        table = _for_regency(maps[item.map], kode_wilayah)
        word = out_word(table, item.value, word)
        if word not in table:
            if item.when_unmapped == "omit":
                return _OMIT
            if item.when_unmapped == "default":
                return item.default
            raise UnmappedValue(
                source,
                action=action,
                key=item.key,
                value_name=item.value,
                value=None if item.value in PERSONAL else word,
                table=item.map,
            )
        value = table[word]
    try:
        return _out(value, item, zone)
    except (TypeError, ValueError):
        raise Unsupported(source, f"{item.key}: {item.value} cannot be cast to {item.cast}") from None


def build_body(
    source: str,
    spec: WriteSpec,
    values: Mapping[str, object],
    maps: Mapping[str, Mapping[str, str]],
    zone: timezone,
    *,
    kode_wilayah: str | None = None,
) -> dict[str, Any]:
    """The body of one write; JSON bodies nest dotted keys, form bodies keep them flat.
    `kode_wilayah` is the source's region, standing in for `{kode_wilayah}` in out-map keys."""
    body: dict[str, Any] = {}
    for item in spec.body:
        value = _one(source, spec.action, item, values, maps, zone, kode_wilayah)
        if value is not _OMIT and value is not None:
            _place(body, item.key, value, nest=spec.encoding == "json")
    return body
