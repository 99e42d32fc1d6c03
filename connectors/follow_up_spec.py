"""The `[follow_ups]` table of a mapping: where a source lists the follow-ups of a complaint.

Either inside each record:

    [follow_ups]
    path = "comments"                  # a list in the record
    id = "id"
    text = "comment"
    at = { path = "createdAt", cast = "datetime" }

or from a list endpoint of each record (fetched for every record read, a few at a time; a
404 there means the record has none):

    [follow_ups]
    endpoint = "/api/v1/pengaduan/{id}/tanggapan"
    records = "data"                   # where the list is in that answer ("" for the whole)
    id = "id"
    text = "attributes.isi"
    at = { path = "attributes.waktu", cast = "datetime" }
    author = { path = "attributes.dari_pelapor", map = "penulis" }   # optional, see below

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

and which OPD answered (the registry's agency id; `{kode_wilayah}` in a mapped value is the
source's code; a code with no entry is reported and the regency government credited):

    agency = { path = "kode_opd", map = "opd", optional = true }
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from connectors.paths import check_path
from connectors.spec_errors import fail, only, url_path


@dataclass(frozen=True, slots=True)
class FollowUpsSpec:
    """Where follow-ups are, and which of their fields is which (FieldSpecs)."""

    id: Any
    text: Any
    at: Any
    endpoint: str | None = None  # a list per record, "{id}" standing for the record's id
    records: str = ""  # where the list is in an endpoint's answer
    path: str | None = None  # inside each record
    list_path: str | None = None  # a separate list
    record_id: str | None = None  # the column joining the separate list to records
    author: Any = None  # AGENCY or REPORTER (a FieldSpec); without it every one is an agency's
    agency: Any = None  # the answering OPD's registry id (a FieldSpec); without it, the routed one


def parse_follow_ups(raw: object, field: Callable[[str, object, str], Any]) -> FollowUpsSpec | None:
    """The [follow_ups] table (None when absent); `field` parses one field like [fields] does."""
    if raw is None:
        return None
    if not isinstance(raw, dict):
        raise fail("follow_ups", "a [follow_ups] table", raw)
    only(
        raw, "follow_ups", ("path", "list", "endpoint", "records", "record_id", "id", "text", "at", "author", "agency")
    )
    if sum(k in raw for k in ("path", "list", "endpoint")) != 1:
        raise fail(
            "follow_ups",
            "exactly one of path (a list in each record), endpoint (a list per record) or list (a separate list)",
            sorted(raw),
        )
    if "list" in raw:
        url_path(raw["list"], "follow_ups.list")
        if not isinstance(raw.get("record_id"), str) or not raw["record_id"]:
            raise fail("follow_ups.record_id", "the field joining a follow-up to its record", raw.get("record_id"))
        check_path(raw["record_id"], "follow_ups.record_id")
    elif "record_id" in raw:
        raise fail("follow_ups.record_id", "nothing (only a separate list is joined)", raw["record_id"])
    if "endpoint" in raw:
        endpoint = raw["endpoint"]
        expected = 'a path starting with / holding {id}, e.g. "/x/{id}/tanggapan"'
        url_path(endpoint, "follow_ups.endpoint", expected)
        if "{id}" not in endpoint:
            raise fail("follow_ups.endpoint", expected, endpoint)
        if not isinstance(raw.get("records", ""), str):
            raise fail(
                "follow_ups.records",
                'a dotted path to the list in the endpoint\'s answer ("" for the whole)',
                raw["records"],
            )
    elif "records" in raw:
        raise fail("follow_ups.records", "nothing (only an endpoint's answer has a list to find)", raw["records"])
    if "path" in raw and (not isinstance(raw["path"], str) or not raw["path"]):
        raise fail("follow_ups.path", "a dotted path to the list in each record", raw["path"])
    if "path" in raw:
        check_path(raw["path"], "follow_ups.path")
    for name in ("text", "at"):
        if name not in raw:
            raise fail("follow_ups", f"a {name} field", f"no {name}")
    # Without an id of their own, follow-ups are told apart by their text (and time).
    # `at` first: an id that borrows its table is then never blamed for its mistakes.
    parsed: Mapping[str, Any] = {n: field(n, raw.get(n, raw["at"]), f"follow_ups.{n}") for n in ("at", "text", "id")}
    if parsed["at"].cast not in ("date", "datetime", "epoch_ms", "epoch_s"):
        raise fail("follow_ups.at.cast", "date, datetime, epoch_ms or epoch_s", parsed["at"].cast)
    # A map for author must land on AGENCY or REPORTER (checked like a status map).
    author = field("author", raw["author"], "follow_ups.author") if "author" in raw else None
    # Which OPD answered, like [fields] disposed_to: a code with no entry is a gap, not a rejection.
    agency = field("agency", raw["agency"], "follow_ups.agency") if "agency" in raw else None
    return FollowUpsSpec(
        author=author,
        agency=agency,
        id=parsed["id"],
        text=parsed["text"],
        at=parsed["at"],
        path=raw.get("path"),
        list_path=raw.get("list"),
        record_id=raw.get("record_id"),
        endpoint=raw.get("endpoint"),
        records=raw.get("records", ""),
    )
