"""The `[attachments]` table of a mapping: the metadata of the files a source keeps with a
complaint (photos of a broken road, a scanned letter). The gateway stores metadata only:
name, type, size, the source's own link and digest, never the bytes.

    [attachments]
    path = "lampiran"                  # a list in each record
    name = "nama_file"
    media_type = "mime"                # optional: else guessed from the name's extension
    size = { path = "ukuran", cast = "int" }      # optional: bytes
    url = { path = "tautan", optional = true }    # the source's own link to the file
    sha256 = { path = "hash", optional = true }   # rarely given
    follow_ups = "lampiran"            # optional: the same list inside each follow-up

Without `path`, the record itself holds at most one file (an export with a `foto` column):
its fields are read from the record, and a record whose name is empty has none
(`name = { path = "foto", optional = true }`).

Each sub-key is a field table like those of `[fields]`. A file that cannot be read (no
name, a size that is not a number, a digest that is not SHA-256, a link that is neither
http(s) nor a path) is left out and said; the complaint is stored all the same.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from connectors.paths import check_path
from connectors.spec_errors import fail, only

# Sub-keys that are fields of one attachment.
ATTACHMENT_FIELDS = ("name", "media_type", "size", "url", "sha256")


@dataclass(frozen=True, slots=True)
class AttachmentsSpec:
    """Where a record's files are listed, and which of their fields is which (FieldSpecs)."""

    name: Any
    path: str | None = None  # the list in each record; None: the record is its one file
    media_type: Any = None  # None: guessed from the name
    size: Any = None
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
    if "name" not in raw:
        raise fail("attachments", "a name field (the file's name)", "no name")
    # Named attachment_* for the mapper: a file's name and link are personal (never quoted).
    parsed = {n: field(f"attachment_{n}", raw[n], f"attachments.{n}") for n in ATTACHMENT_FIELDS if n in raw}
    casts = {"size": "int", "name": "str", "media_type": "str", "url": "str", "sha256": "str"}
    for name, f in parsed.items():
        if f.cast != casts[name]:
            raise fail(f"attachments.{name}.cast", f"{casts[name]} (or no cast)", f.cast)
    return AttachmentsSpec(path=raw.get("path"), follow_ups=raw.get("follow_ups"), **parsed)
