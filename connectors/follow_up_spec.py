"""The `[follow_ups]` table of a mapping: where a source lists the follow-ups of a complaint.

Either inside each record:

    [follow_ups]
    path = "comments"                  # a list in the record
    id = "id"
    text = "comment"
    at = { path = "createdAt", cast = "datetime" }

or as a separate list (a legacy export), joined to records by a column:

    [follow_ups]
    list = "/export/tanggapan.csv"     # fetched like the records, same format and secret
    record_id = "id_pengaduan"
    id = "id_tanggapan"
    text = "tanggapan"
    at = { path = "tgl_tanggapan", cast = "date" }

A follow-up may be the reporter's reply (tanggapan pelapor) rather than an agency's answer:
`author` maps the source's word for who wrote it onto AGENCY or REPORTER,

    author = { path = "role", map = "penulis", default = "OPD" }

    [maps.penulis]
    OPD = "AGENCY"
    PELAPOR = "REPORTER"
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from connectors.spec_errors import fail, only


@dataclass(frozen=True, slots=True)
class FollowUpsSpec:
    """Where follow-ups are, and which of their fields is which (FieldSpecs)."""

    id: Any
    text: Any
    at: Any
    path: str | None = None  # inside each record
    list_path: str | None = None  # a separate list
    record_id: str | None = None  # the column joining the separate list to records
    author: Any = None  # AGENCY or REPORTER (a FieldSpec); without it every one is an agency's


def parse_follow_ups(raw: object, field: Callable[[str, object, str], Any]) -> FollowUpsSpec | None:
    """The [follow_ups] table (None when absent); `field` parses one field like [fields] does."""
    if raw is None:
        return None
    if not isinstance(raw, dict):
        raise fail("follow_ups", "a [follow_ups] table", raw)
    only(raw, "follow_ups", ("path", "list", "record_id", "id", "text", "at", "author"))
    if ("path" in raw) == ("list" in raw):
        raise fail("follow_ups", "exactly one of path (a list in each record) or list (a separate list)", sorted(raw))
    if "list" in raw:
        if not isinstance(raw["list"], str) or not raw["list"].startswith("/"):
            raise fail("follow_ups.list", "a path starting with /", raw["list"])
        if not isinstance(raw.get("record_id"), str) or not raw["record_id"]:
            raise fail("follow_ups.record_id", "the field joining a follow-up to its record", raw.get("record_id"))
    elif "record_id" in raw:
        raise fail("follow_ups.record_id", "nothing (only a separate list is joined)", raw["record_id"])
    if "path" in raw and (not isinstance(raw["path"], str) or not raw["path"]):
        raise fail("follow_ups.path", "a dotted path to the list in each record", raw["path"])
    for name in ("text", "at"):
        if name not in raw:
            raise fail("follow_ups", f"a {name} field", f"no {name}")
    # Without an id of their own, follow-ups are told apart by their text (and time).
    parsed: Mapping[str, Any] = {n: field(n, raw.get(n, raw["at"]), f"follow_ups.{n}") for n in ("id", "text", "at")}
    if parsed["at"].cast not in ("date", "datetime", "epoch_ms", "epoch_s"):
        raise fail("follow_ups.at.cast", "date, datetime, epoch_ms or epoch_s", parsed["at"].cast)
    # A map for author must land on AGENCY or REPORTER (checked like a status map).
    author = field("author", raw["author"], "follow_ups.author") if "author" in raw else None
    return FollowUpsSpec(
        author=author,
        id=parsed["id"],
        text=parsed["text"],
        at=parsed["at"],
        path=raw.get("path"),
        list_path=raw.get("list"),
        record_id=raw.get("record_id"),
    )
