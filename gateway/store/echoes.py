"""The rows a pull stored from a system's copy of a write the gateway made there.

A mutation that reached the system of record before the index recorded it may find its
own follow-up or reply already in the index, read back by a pull in between; it takes
that row over instead of adding a second one. Which copy is the mutation's is decided by
`gateway.sync.follow_up_echo`; this module only reads and writes the rows.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from tortoise.transactions import in_transaction

from gateway.store.models import ComplaintRow, FollowUpRow, ReporterReplyRow


async def read_back_follow_ups(complaint_id: str, key: str, system: str) -> list[FollowUpRow]:
    """The complaint's follow-ups with this text fingerprint that were read from `system`."""
    return await FollowUpRow.filter(complaint_id=complaint_id, key=key, origin_system=system).order_by("at", "id")


async def take_over_follow_up(row_id: int, **values: object) -> None:
    """Make a read-back follow-up the mutation's own (its author, time, files, origin)."""
    await FollowUpRow.filter(id=row_id).update(**values)


async def read_back_reply(
    complaint_id: str, same_text: Callable[[str], bool], written: Callable[[datetime], bool]
) -> ReporterReplyRow | None:
    """The complaint's reply with these words and a time the write can have, if any."""
    for reply in await ReporterReplyRow.filter(complaint_id=complaint_id).order_by("at", "id"):
        if same_text(reply.content) and written(reply.at):
            return reply
    return None


async def lock_complaint(complaint_id: object) -> None:
    """Hold the complaint's row until the transaction ends (PostgreSQL; SQLite runs one
    writer at a time already), so a pull and a mutation do not both add one follow-up."""
    async with in_transaction() as conn:
        if conn.capabilities.dialect == "postgres":
            await ComplaintRow.filter(id=complaint_id).select_for_update().first()
