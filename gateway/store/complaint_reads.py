"""Small reads of the complaint table for the processes around the GraphQL API: how many
there are (the demo), where they are (live-update events), and which wait for a reply
whose window has passed (the worker's auto-close)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from gateway.store.models import ComplaintRow
from schema.canonical import Status


async def complaint_count() -> int:
    """How many complaints the index holds."""
    return await ComplaintRow.all().count()


async def regions_of(complaint_ids: Sequence[str]) -> dict[str, str]:
    """Each complaint's kode wilayah, by id as text (unknown ids are absent); one query."""
    return {
        str(k): v for k, v in await ComplaintRow.filter(id__in=list(complaint_ids)).values_list("id", "kode_wilayah")
    }


async def reply_window_ended(*, now: datetime, limit: int) -> list[str]:
    """Up to `limit` complaints waiting for the reporter's reply whose window ended before
    `now`, the longest overdue first."""
    due = (
        await ComplaintRow.filter(status=Status.MENUNGGU_TANGGAPAN, reply_due__lt=now)
        .order_by("reply_due")
        .limit(limit)
        .values_list("id", flat=True)
    )
    return [str(cid) for cid in due]
