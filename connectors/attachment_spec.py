"""The `[attachments]` table of a mapping: the metadata of the files a source keeps with a
complaint (photos of a broken road, a scanned letter). The gateway stores metadata only:
name, type, size, the source's own link and digest, never the bytes.

    [attachments]
    path = "lampiran"                  # a list in each record
    name = "nama_file"
    media_type = "mime"                # or { path = "jenis", map = "mime" } from the source's words
    size = { path = "ukuran", cast = "int" }      # bytes
    url = { path = "tautan", optional = true }    # the source's own link to the file
    sha256 = { path = "hash", optional = true }   # rarely given
    follow_ups = "lampiran"            # optional: the same list inside each follow-up

Each sub-key is a field table like those of `[fields]`. An attachment that cannot be read
(no name, a size that is not a number, a digest that is not SHA-256, a link that is neither
http(s) nor a path) is left out and said; the complaint is stored all the same.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from connectors.paths import check_path
from connectors.spec_errors import fail, only

# Sub-keys that are fields of one attachment, and which of them a mapping must give.
ATTACHMENT_FIELDS = ("name", "media_type", "size", "url", "sha256")
REQUIRED = ("name", "media_type", "size")


@dataclass(frozen=True, slots=True)
class AttachmentsSpec:
    """Where a record's files are listed, and which of their fields is which (FieldSpecs)."""

    path: str  # the list in each record
    name: Any
    media_type: Any
    size: Any
    url: Any = None
    sha256: Any = None
    follow_ups: str | None = None  # the list in each follow-up, read the same way


def parse_attachments(raw: object, field: Callable[[str, object, str], Any]) -> AttachmentsSpec | None:
    """The [attachments] table (None when absent); `field` parses one field like [fields] does."""
    if raw is None:
        return None
    if not isinstance(raw, dict):
        raise fail("attachments", "an [attachments] table", raw)
    only(raw, "attachments", ("path", "follow_ups", *ATTACHMENT_FIELDS))
    for key in ("path", "follow_ups"):
        if key in raw:
            if not isinstance(raw[key], str) or not raw[key]:
                raise fail(f"attachments.{key}", "a dotted path to the list of files", raw[key])
            check_path(raw[key], f"attachments.{key}")
    if "path" not in raw:
        raise fail("attachments", "a path: where each record lists its files, e.g. path = \"lampiran\"", "no path")
    for name in REQUIRED:
        if name not in raw:
            raise fail("attachments", f"a {name} field (name, media_type and size are required)", f"no {name}")
    # Named attachment_* for the mapper: a file's name and link are personal (never quoted).
    parsed = {n: field(f"attachment_{n}", raw[n], f"attachments.{n}") for n in ATTACHMENT_FIELDS if n in raw}
    if parsed["size"].cast != "int":
        raise fail("attachments.size.cast", "int (the size in bytes)", parsed["size"].cast)
    for name in ("url", "sha256"):
        if name in parsed and parsed[name].cast != "str":
            raise fail(f"attachments.{name}.cast", "str", parsed[name].cast)
    return AttachmentsSpec(path=raw["path"], follow_ups=raw.get("follow_ups"), **parsed)
