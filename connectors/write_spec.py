"""The write half of a mapping file: how a source reads one record and accepts writes.

    [read_one]
    path = "/api/reports/{id}"

    [create]
    path = "/api/reports"
    id = "id"                                  # where the new record's id is in the answer
    idempotency = { style = "header" }         # or "conflict" (409 + id), or "none"
    body = { title = "title", description = "content", "reporter.name" = "reporter_name" }

    [change_status]
    path = "/api/reports/{id}/status"
    body = { status = { value = "status", map = "status_out" }, opdId = "unit" }

    [maps.status_out]                          # canonical status -> the source's word
    DIDISPOSISIKAN = "PROSES"

A body maps the source's keys (dotted for nested JSON objects) to a canonical value name, or
to `{ value, map, cast }`, or to `{ const }`. Values that are absent are left out of the body,
unless the value has a `default` (sent as written). A value the map has no word for fails the
write (`when_unmapped = "fail"`), or sends the default (`"default"`), or leaves the key out
(`"omit"`; never for the status of a change_status, which would then be a different
change). `only_if = { from_reporter = false }` sends a key only while other values of the same
write hold those values, and leaves it out otherwise (a system that wants an OPD code on an
agency's answer and forbids one on a reporter's reply). Date and datetime casts take a `format` pattern (in the source's zone); a bool
cast takes the source's words, `true = "Y"` and `false = "T"`.
"""

from __future__ import annotations

import re
import string
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from connectors.idempotency import IDEMPOTENCY
from connectors.map_casts import check_map_casts
from connectors.paths import check_path
from connectors.spec_errors import SpecError, fail, only, url_path
from connectors.time_formats import check_format
from schema.canonical import Status

WRITE_ACTIONS = ("create", "change_status", "follow_up")
METHODS = ("POST", "PUT", "PATCH")
ENCODINGS = ("json", "form")
IDEMPOTENCY_STYLES = tuple(IDEMPOTENCY)  # each a class looked up by its name (connectors.idempotency)
OUT_CASTS = ("str", "int", "float", "bool", "bool01", "date", "datetime", "epoch_ms")
WHEN_UNMAPPED = ("fail", "default", "omit")

# The canonical values each write can put into a body.
VALUES: Mapping[str, tuple[str, ...]] = {
    "create": (
        "external_ref",
        "title",
        "content",
        "kode_wilayah",
        "created_at",
        "classification",
        "channel",
        "incident_date",
        "category_code",
        "address",
        "latitude",
        "longitude",
        "lapor_tracking_id",
        "agency_id",
        "is_anonymous",
        "is_secret",
        "reporter_name",
        "reporter_nik",
        "reporter_phone",
        "reporter_email",
    ),
    "change_status": ("source_id", "external_ref", "status", "reason", "unit"),
    "follow_up": ("source_id", "external_ref", "text", "at", "author_agency", "from_reporter"),
}


@dataclass(frozen=True, slots=True)
class BodyValue:
    """One key of a write body: a canonical value (maybe mapped and cast), or a constant."""

    key: str  # the source's key, dotted for nesting
    value: str | None = None
    template: str | None = None  # text with {value_name} placeholders
    const: object = None
    map: str | None = None
    cast: str = "str"
    default: object = None  # sent as written when the value is absent (or unmapped, by choice)
    when_unmapped: str = "fail"  # a value the map has no word for: fail, default or omit
    format: str | None = None  # a strftime pattern for date and datetime casts
    true_word: object = None  # a bool cast's words (a string or number), where the source has its own
    false_word: object = None
    # (value name, canonical value) pairs that must all hold for the key to be sent at all.
    only_if: tuple[tuple[str, object], ...] = ()


@dataclass(frozen=True, slots=True)
class ReadOneSpec:
    """How one record is read by id."""

    path: str
    record: str = ""  # where the record is in the answer; "" means the whole body


@dataclass(frozen=True, slots=True)
class WriteSpec:
    """How one kind of write is sent."""

    action: str
    path: str  # may hold {id}, the source record's id
    method: str = "POST"
    encoding: str = "json"
    body: tuple[BodyValue, ...] = field(default_factory=tuple)
    id_path: str | None = None  # create: where the new record's id is in the answer
    tracking_id_path: str | None = None  # create: where a LAPOR! tracking ID is in the answer
    idempotency: str = "none"
    idempotency_header: str = "Idempotency-Key"
    conflict_status: int = 409


@dataclass(frozen=True, slots=True)
class WriteSpecs:
    """Every read-one and write section of one mapping file."""

    read_one: ReadOneSpec | None = None
    create: WriteSpec | None = None
    change_status: WriteSpec | None = None
    follow_up: WriteSpec | None = None


def _path(raw: Mapping[str, Any], where: str) -> str:
    path = url_path(raw.get("path"), f"{where}.path")
    others = [p for p in re.findall(r"\{[^}]*\}", path) if p != "{id}"]
    if others:
        raise fail(f"{where}.path", "no placeholder but {id} (the record's id)", others[0])
    if where == "read_one" and "{id}" not in path:
        raise fail(f"{where}.path", 'a path holding {id}, e.g. "/api/reports/{id}"', path)
    return path


def _check_map_casts(table: str, words: Mapping[str, str], cast: str, where: str) -> None:
    """Every word of an out-map must survive the body value's cast, or each write with it fails."""
    if cast in ("date", "datetime", "epoch_ms"):
        raise fail(f"{where}.map", f'no map with cast = "{cast}" (a map gives words, not times)', table)
    check_map_casts(table, words, cast, where)


def _body_value(key: str, raw: object, where: str, action: str, maps: Mapping[str, Mapping[str, str]]) -> BodyValue:
    allowed = VALUES[action]
    short = isinstance(raw, str)
    if short:
        raw = {"value": raw}
    if not isinstance(raw, dict):
        raise fail(where, 'a value name or a table like { value = "...", map = "..." }', raw)
    only(
        raw,
        where,
        ("value", "const", "template", "map", "cast", "default", "when_unmapped", "format", "true", "false", "only_if"),
    )
    if sum(k in raw for k in ("value", "const", "template")) != 1:
        raise fail(where, "exactly one of value, const or template", sorted(raw))
    template = raw.get("template")
    if template is not None:
        try:
            names = [name for _, name, _, _ in string.Formatter().parse(template) if name is not None]
        except (ValueError, TypeError):
            raise fail(f"{where}.template", "text with {name} placeholders", template) from None
        wrong = [n for n in names if n not in allowed]
        if wrong or not names:
            raise fail(f"{where}.template", f"placeholders among {', '.join(allowed)}", wrong[0] if wrong else template)
        if "map" in raw or "cast" in raw:
            raise fail(f"{where}.template", "no map or cast beside a template", template)
    value = raw.get("value")
    if value is not None and value not in allowed:
        raise fail(where if short else f"{where}.value", f"one of {', '.join(allowed)}", value)
    if "const" in raw and ("map" in raw or "cast" in raw):
        extra = "map" if "map" in raw else "cast"
        raise fail(f"{where}.{extra}", "nothing beside const (a constant is sent as written)", raw[extra])
    cast = raw.get("cast", "str")
    if cast not in OUT_CASTS:
        raise fail(f"{where}.cast", f"one of {', '.join(OUT_CASTS)}", cast)
    table = raw.get("map")
    if table is not None:
        if table not in maps:
            raise fail(f"{where}.map", f"a table defined under [maps] ({', '.join(sorted(maps)) or 'none'})", table)
        if value == "status":
            statuses = tuple(s.value for s in Status)
            for word in maps[table]:
                if word not in statuses:
                    raise fail(f"maps.{table}.{word}", f"a canonical status as key ({', '.join(statuses)})", word)
        _check_map_casts(table, maps[table], cast, where)
    default = raw.get("default")
    if default is not None and value is None:
        raise fail(f"{where}.default", "no default beside const or template (only a value can be absent)", default)
    if isinstance(default, dict | list):
        raise fail(f"{where}.default", "a string, number or true/false, sent as written", default)
    when = raw.get("when_unmapped", "default" if default is not None else "fail")
    if when not in WHEN_UNMAPPED:
        raise fail(f"{where}.when_unmapped", f"one of {', '.join(WHEN_UNMAPPED)}", when)
    if "when_unmapped" in raw and table is None:
        raise fail(f"{where}.when_unmapped", "no when_unmapped without a map (only a map can lack a word)", when)
    if when == "omit" and value == "status":
        # A status change sent without its status would be a different change (or none).
        raise fail(f"{where}.when_unmapped", "fail or default (a status change cannot leave its status out)", when)
    if when == "default" and default is None:
        raise fail(f"{where}.default", 'a default to send (when_unmapped = "default")', None)
    fmt = raw.get("format")
    if fmt is not None:
        if cast not in ("date", "datetime"):
            raise fail(f"{where}.format", f'no format unless cast = "date" or "datetime" (the cast is {cast})', fmt)
        check_format(fmt, f"{where}.format")
    words = {w: raw.get(w) for w in ("true", "false") if w in raw}
    if words:
        if cast != "bool":
            first = next(iter(words))
            raise fail(f"{where}.{first}", f'no yes/no words unless cast = "bool" (the cast is {cast})', words[first])
        for w in ("true", "false"):
            found = words.get(w)
            if not isinstance(found, str | int) or isinstance(found, bool):
                raise fail(
                    f"{where}.{w}", 'the word sent for each of true and false, like true = "Y", false = "T"', found
                )
        if words["true"] == words["false"]:
            raise fail(f"{where}.false", "a word other than the true word", words["false"])
    return BodyValue(
        key=key,
        only_if=_only_if(raw.get("only_if"), f"{where}.only_if", action),
        value=value,
        const=raw.get("const"),
        map=table,
        cast=cast,
        template=template,
        default=default,
        when_unmapped=when,
        format=fmt,
        true_word=words.get("true"),
        false_word=words.get("false"),
    )


def _only_if(raw: object, where: str, action: str) -> tuple[tuple[str, object], ...]:
    """The conditions of `only_if`: each a value of the same write and the value it must hold."""
    if raw is None:
        return ()
    if not isinstance(raw, dict) or not raw:
        raise fail(where, "a table like { from_reporter = false } (value name = the value it must hold)", raw)
    allowed = VALUES[action]
    statuses = tuple(s.value for s in Status)
    for name, wanted in raw.items():
        if name not in allowed:
            raise fail(f"{where}.{name}", f"one of {', '.join(allowed)}", name)
        if not isinstance(wanted, str | int | bool) or isinstance(wanted, float):
            raise fail(f"{where}.{name}", "a string, number or true/false to compare with", wanted)
        if name == "status" and wanted not in statuses:
            raise fail(f"{where}.status", f"a canonical status ({', '.join(statuses)})", wanted)
        if name == "from_reporter" and not isinstance(wanted, bool):
            raise fail(f"{where}.from_reporter", "true or false", wanted)
    return tuple(raw.items())


def _write(action: str, raw: object, maps: Mapping[str, Mapping[str, str]]) -> WriteSpec:
    if not isinstance(raw, dict):
        raise fail(action, f"a [{action}] table", raw)
    only(raw, action, ("path", "method", "encoding", "body", "id", "tracking_id", "idempotency"))
    method = raw.get("method", "POST")
    if method not in METHODS:
        raise fail(f"{action}.method", f"one of {', '.join(METHODS)}", method)
    encoding = raw.get("encoding", "json")
    if encoding not in ENCODINGS:
        raise fail(f"{action}.encoding", f"one of {', '.join(ENCODINGS)}", encoding)
    body_raw = raw.get("body", {})
    if not isinstance(body_raw, dict) or not body_raw:
        raise fail(f"{action}.body", "a non-empty table of source key = value name", body_raw)
    body = tuple(_body_value(key, value, f"{action}.body.{key}", action, maps) for key, value in body_raw.items())
    keys = [item.key for item in body]
    for key in keys:
        if not all(part.strip() for part in key.split(".")):
            # An empty part would nest the value under a key named "" in the JSON sent.
            raise fail(f"{action}.body", "keys with no empty part (dots nest objects: a.b)", key)
    for key in keys:
        inner = next((k for k in keys if k.startswith(f"{key}.")), None)
        if inner is not None:
            raise fail(f"{action}.body.{key}", f"no value where {inner} nests an object", key)
    id_path = raw.get("id")
    if action == "create" and (not isinstance(id_path, str) or not id_path):
        raise fail("create.id", 'where the new record\'s id is in the answer, e.g. "id"', id_path)
    if action == "create":
        check_path(id_path, "create.id")
    tracking = raw.get("tracking_id")
    for key, found in (("id", id_path), ("tracking_id", tracking)):
        if action != "create" and found is not None:
            raise fail(f"{action}.{key}", f"no {key} (only [create] answers with a new record)", found)
    if tracking is not None and (not isinstance(tracking, str) or not tracking):
        raise fail("create.tracking_id", "where the tracking ID is in the answer", tracking)
    if tracking is not None:
        check_path(tracking, "create.tracking_id")
    idem = raw.get("idempotency", {"style": "none"})
    if not isinstance(idem, dict):
        raise fail(f"{action}.idempotency", 'a table like { style = "header" }', idem)
    only(idem, f"{action}.idempotency", ("style", "name", "status"))
    style = idem.get("style", "none")
    if style not in IDEMPOTENCY_STYLES:
        raise fail(f"{action}.idempotency.style", f"one of {', '.join(IDEMPOTENCY_STYLES)}", style)
    if style == "conflict" and action != "create":
        raise fail(f"{action}.idempotency.style", "header or none (conflict applies to [create])", style)
    status = idem.get("status", 409)
    if isinstance(status, bool) or not isinstance(status, int) or not 400 <= status <= 499:
        raise fail(f"{action}.idempotency.status", "a 4xx status code", status)
    header = idem.get("name", "Idempotency-Key")
    if not isinstance(header, str) or not header:
        raise fail(f"{action}.idempotency.name", "a header name", header)
    return WriteSpec(
        action=action,
        path=_path(raw, action),
        method=method,
        encoding=encoding,
        body=body,
        id_path=id_path,
        tracking_id_path=tracking,
        idempotency=style,
        idempotency_header=header,
        conflict_status=status,
    )


def parse_writes(data: Mapping[str, Any], maps: Mapping[str, Mapping[str, str]]) -> WriteSpecs:
    """The [read_one], [create], [change_status] and [follow_up] tables; raises SpecError."""
    read_one = None
    if "read_one" in data:
        raw = data["read_one"]
        if not isinstance(raw, dict):
            raise fail("read_one", "a [read_one] table", raw)
        only(raw, "read_one", ("path", "record"))
        record = raw.get("record", "")
        if not isinstance(record, str):
            raise fail("read_one.record", 'a dotted path (or "" for the whole answer)', record)
        check_path(record, "read_one.record", empty_ok=True)
        read_one = ReadOneSpec(path=_path(raw, "read_one"), record=record)
    writes = {a: _write(a, data[a], maps) for a in WRITE_ACTIONS if a in data}
    return WriteSpecs(read_one=read_one, **writes)


__all__ = ["BodyValue", "ReadOneSpec", "SpecError", "WriteSpec", "WriteSpecs", "parse_writes"]
