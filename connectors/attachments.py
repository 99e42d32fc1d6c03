"""Reading a record's files (the `[attachments]` table) into canonical attachment metadata.

One rule, as for follow-ups: a file that cannot be read is left out and said (a gap naming
the record, the file's place and the reason), and the complaint is kept. File names may
name the reporter, so a reason never quotes a name or a link.
"""

from __future__ import annotations

import mimetypes
import re
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING

from connectors.attachment_spec import AttachmentsSpec
from connectors.records import Gap
from schema.canonical import Attachment
from schema.errors import RecordError

if TYPE_CHECKING:
    # Only a name here, for the annotations.
    from connectors.spec_types import FieldSpec

_SHA256 = re.compile(r"^[0-9a-fA-F]{64}$")
# A source's link is kept as it gives it: an absolute http(s) URL, or a path on the
# source's own host (staff open it from there).
_LINK = re.compile(r"^(https?://[^\s/]+|/)\S*$")
NAME_MAX = 200  # the store's column
SIZE_MAX = 2**63 - 1  # the store's column
UNKNOWN_TYPE = "application/octet-stream"

# Reads one field of an item: (FieldSpec, item, record ref) -> value; raises MappingError.
ReadValue = Callable[["FieldSpec", Mapping[str, object], str], object]


class BadAttachment(RecordError, ValueError):
    """One file's metadata could not be read: `field` and why, never its value."""

    code = "BAD_ATTACHMENT"

    def __init__(self, field: str, reason: str) -> None:
        self.field, self.reason = field, reason
        super().__init__(f"{field}: {reason}")


def read_attachments(
    spec: AttachmentsSpec, items: object, ref: str, where: str, read: ReadValue
) -> tuple[tuple[Attachment, ...], tuple[Gap, ...]]:
    """The files at `where` of record `ref`: those that read, and a gap for each that does not.
    Nothing there (missing or null) is no files."""
    if items is None:
        return (), ()
    if not isinstance(items, list):
        return (), (Gap("attachments", f"record {ref}: {where}: expected a list of files (stored without them)"),)
    kept: list[Attachment] = []
    gaps: list[Gap] = []
    for index, item in enumerate(items):
        try:
            found = _one(spec, item, ref, read)
        except BadAttachment as exc:
            gaps.append(
                Gap("attachments", f"record {ref}: {where}[{index}].{exc.field}: {exc.reason} (the file is left out)")
            )
            continue
        if found is not None:
            kept.append(found)
    return tuple(kept), tuple(gaps)


def read_own_file(
    spec: AttachmentsSpec, raw: Mapping[str, object], ref: str, read: ReadValue
) -> tuple[tuple[Attachment, ...], tuple[Gap, ...]]:
    """The one file a record without a list holds (a `foto` column), if it names one."""
    try:
        found = _one(spec, raw, ref, read)
    except BadAttachment as exc:
        return (), (Gap("attachments", f"record {ref}: attachments.{exc.field}: {exc.reason} (the file is left out)"),)
    return ((found,) if found is not None else ()), ()


def _one(spec: AttachmentsSpec, item: object, ref: str, read: ReadValue) -> Attachment | None:
    """One file, or None where its name is optional and absent (no file there)."""
    from connectors.mapping import MappingError  # the mapper imports this module

    if not isinstance(item, Mapping):
        raise BadAttachment("(item)", "expected an object with the file's fields")
    values: dict[str, object] = {}
    for name in ("name", "media_type", "size", "url", "sha256"):
        f = getattr(spec, name)
        if f is None:
            continue
        try:
            values[name] = read(f, item, ref)
        except MappingError as exc:
            # Names and links are UNQUOTED by the mapper: its reason never quotes them.
            raise BadAttachment(name, exc.reason) from None
        if name == "name" and values[name] is None:
            return None
    name = str(values["name"]).strip()
    if not name:
        raise BadAttachment("name", "is empty")
    size = values.get("size")
    if size is not None and (not isinstance(size, int) or not 0 <= size <= SIZE_MAX):
        raise BadAttachment("size", "expected a size in bytes (0 or more)")
    url = values.get("url")
    if url is not None and not _LINK.match(str(url)):
        raise BadAttachment("url", "expected an http(s) URL or a path starting with /")
    digest = values.get("sha256")
    if digest is not None and not _SHA256.match(str(digest)):
        raise BadAttachment("sha256", "expected 64 hex digits (a SHA-256 digest)")
    media_type = values.get("media_type")
    if media_type is None:
        # Sources that give only a name: its extension says the type, as a browser would.
        media_type = mimetypes.guess_type(name, strict=False)[0] or UNKNOWN_TYPE
    return Attachment(
        name=name if len(name) <= NAME_MAX else name[: NAME_MAX - 1] + "…",
        media_type=str(media_type).strip().lower(),
        size=size,
        sha256=str(digest).lower() if digest is not None else None,
        url=str(url) if url is not None else None,
    )
