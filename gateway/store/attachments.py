"""A complaint's attachment metadata as one source lists it: read, and replaced as a whole.

Each row remembers the system it came from (`origin_system`; null for files submitted
through the gateway). A source's list replaces only its own earlier list: a file the
gateway or another system holds is never dropped because this source does not list it, and
a file it already holds (same name and size) is not stored a second time.
"""

from __future__ import annotations

from collections.abc import Sequence

from gateway.store.models import AttachmentRow
from gateway.store.rows import attachment_from_row
from schema.canonical import Attachment


def _same_file(a: Attachment) -> tuple[str, int | None]:
    # A system echoing a file it got from elsewhere keeps its name and size, not always
    # its type spelling, link or digest.
    return (a.name, a.size)


async def replace_from_source(complaint_id: str, source: str, attachments: Sequence[Attachment]) -> bool:
    """Make the complaint's files from `source` be exactly `attachments`; whether anything
    changed (the same list again changes nothing)."""
    rows = await AttachmentRow.filter(complaint_id=complaint_id).order_by("id")
    own = [r for r in rows if r.origin_system == source]
    held = {_same_file(attachment_from_row(r)) for r in rows if r.origin_system != source}
    wanted = [a for a in attachments if _same_file(a) not in held]
    if [attachment_from_row(r) for r in own] == wanted:
        return False
    if own:
        await AttachmentRow.filter(id__in=[r.id for r in own]).delete()
    if wanted:
        await AttachmentRow.bulk_create(
            [
                AttachmentRow(
                    complaint_id=complaint_id,
                    name=a.name,
                    media_type=a.media_type,
                    size=a.size,
                    sha256=a.sha256,
                    url=a.url,
                    origin_system=source,
                )
                for a in wanted
            ]
        )
    return True


async def mark_origin(complaint_id: str, source: str) -> None:
    """Credit a newly stored complaint's files to the source it was read from."""
    await AttachmentRow.filter(complaint_id=complaint_id, origin_system=None).update(origin_system=source)
