"""What a source adds to a complaint the index already has: dispositions, reporter replies, links.

The sync ingest decides what is new (its own dedup rules); this module only reads and
writes the rows, so the ingest does not talk to the ORM for them.
"""

from __future__ import annotations

from datetime import datetime
from typing import cast

from gateway.store.models import ComplaintSourceRow, DispositionRow, ReporterReplyRow


async def has_disposition_to(complaint_id: str, agency_id: str) -> bool:
    """Whether the complaint's disposition trail already has a hop to this agency."""
    return await DispositionRow.filter(complaint_id=complaint_id, to_agency_id=agency_id).exists()


async def pulled_hop_to(complaint_id: str, agency_id: str, *, since: datetime) -> DispositionRow | None:
    """The complaint's latest hop to this agency if a pull stored it no earlier than `since`
    and it carries no note: a system of record's copy of a disposition the gateway sent
    there, read back before the gateway recorded its own (those systems keep no note)."""
    hop = await DispositionRow.filter(complaint_id=complaint_id, to_agency_id=agency_id).order_by("-id").first()
    if hop is None or hop.note or hop.at < since:
        return None
    return hop


async def complete_pulled_hop(hop: DispositionRow, *, note: str | None, from_agency_id: str | None) -> None:
    """Give a pulled copy of the gateway's own disposition what its system could not carry."""
    hop.note = note
    hop.from_agency_id = hop.from_agency_id or from_agency_id
    await hop.save(update_fields=["note", "from_agency_id"])


async def reply_texts(complaint_id: str) -> list[str]:
    """The texts of the complaint's stored reporter replies."""
    # Tortoise types every values_list as tuples; flat=True gives the bare values.
    return cast(list[str], await ReporterReplyRow.filter(complaint_id=complaint_id).values_list("content", flat=True))


async def holds(complaint_id: str, system: str) -> bool:
    """Whether the complaint is linked to a record in this system."""
    return await ComplaintSourceRow.filter(complaint_id=complaint_id, system=system).exists()
