"""The links between a complaint and the records that stand for it in other systems
(`complaint_source`), as the sync reads and makes them outside a pull: a delivery linking
the record it created, reconciliation comparing a system with the index, and routing
finding which systems hold a complaint; and as federation reads and settles them: the
owner of a complaint, the index's complaint of a listed record, what a write-through
left the owner showing.

A link is unique per (system, source id): two complaints are never linked to one record,
so making a link another process made first is not an error (`add_link` says False).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import cast

from tortoise.exceptions import IntegrityError
from tortoise.expressions import Subquery
from tortoise.transactions import in_transaction

from gateway.store.models import ComplaintRow, ComplaintSourceRow, OutboxRow
from schema.canonical import Status


@dataclass(frozen=True, slots=True)
class SourceLink:
    """A complaint's record in one system."""

    id: int
    complaint_id: str
    system: str
    source_id: str
    status: Status | None  # what the system showed when last read or written


@dataclass(frozen=True, slots=True)
class Unlinked:
    """A complaint with no record in a system and no create on its way there."""

    id: str
    tracking_id: str
    routed_agency_id: str | None
    kode_wilayah: str


def _link(row: ComplaintSourceRow) -> SourceLink:
    return SourceLink(row.id, str(row.complaint_id), row.system, row.source_id, row.status)


async def link_of(complaint_id: str, system: str) -> SourceLink | None:
    """The complaint's record in `system` (None: not linked there)."""
    found = await ComplaintSourceRow.filter(complaint_id=complaint_id, system=system).first()
    return _link(found) if found is not None else None


async def holder_of(system: str, source_id: str) -> SourceLink | None:
    """The link of the record `source_id` of `system`, whichever complaint has it."""
    found = await ComplaintSourceRow.filter(system=system, source_id=source_id).first()
    return _link(found) if found is not None else None


async def is_linked(complaint_id: str, system: str) -> bool:
    """Whether the complaint has a record in `system`."""
    return await ComplaintSourceRow.filter(complaint_id=complaint_id, system=system).exists()


async def add_link(
    complaint_id: str, system: str, source_id: str, *, synced_at: datetime, status: Status | None
) -> bool:
    """Link the complaint to `system`'s record `source_id`, in a transaction of its own
    (inside an enclosing one: a savepoint, so a clash leaves the enclosing one usable).
    False if the record was linked meanwhile (by a pull of that system)."""
    try:
        async with in_transaction():
            await ComplaintSourceRow.create(
                complaint_id=complaint_id, system=system, source_id=source_id, synced_at=synced_at, status=status
            )
    except IntegrityError:
        return False
    return True


async def set_status(link_id: int, status: Status) -> None:
    """Remember what the linked system shows now."""
    await ComplaintSourceRow.filter(id=link_id).update(status=status)


async def systems_of(complaint_id: str) -> list[str]:
    """The systems the complaint is linked to."""
    # Tortoise types every values_list as tuples; flat=True gives the bare values.
    return cast(list[str], await ComplaintSourceRow.filter(complaint_id=complaint_id).values_list("system", flat=True))


async def links_in(system: str) -> list[SourceLink]:
    """Every link to a record of `system`."""
    return [_link(row) for row in await ComplaintSourceRow.filter(system=system)]


async def unlinked(system: str, *, regency_code: str | None) -> list[Unlinked]:
    """The complaints (of one kab/kota, if given) with no record in `system` and no create
    for it in the outbox."""
    linked = Subquery(ComplaintSourceRow.filter(system=system).values("complaint_id"))
    queued = Subquery(OutboxRow.filter(destination=system, kind="create").values("complaint_id"))
    candidates = ComplaintRow.filter(id__not_in=linked).filter(id__not_in=queued)
    if regency_code is not None:
        candidates = candidates.filter(regency_code=regency_code)
    return [
        Unlinked(str(row.id), row.tracking_id, row.routed_agency_id, row.kode_wilayah)
        for row in await candidates.only("id", "routed_agency_id", "kode_wilayah", "tracking_id")
    ]


@dataclass(frozen=True, slots=True)
class Holding:
    """A complaint's record in one system, with when the index last read or wrote it there."""

    complaint_id: str
    system: str
    source_id: str
    synced_at: datetime | None
    status: Status | None  # what the system showed then


async def holdings(complaint_ids: Sequence[str], systems: Sequence[str]) -> list[Holding]:
    """The records these complaints have in these systems; one query."""
    found = await ComplaintSourceRow.filter(complaint_id__in=list(complaint_ids), system__in=list(systems)).values(
        "complaint_id", "system", "source_id", "synced_at", "status"
    )
    return [Holding(str(r["complaint_id"]), r["system"], r["source_id"], r["synced_at"], r["status"]) for r in found]


async def records_seen(system: str, source_ids: Sequence[str]) -> list[tuple[str, str, Status | None]]:
    """(source id, complaint id, what it showed when last synced) of each of these records
    of `system` that a complaint is linked to; one query."""
    found = await ComplaintSourceRow.filter(system=system, source_id__in=list(source_ids)).values(
        "source_id", "complaint_id", "status"
    )
    return [(r["source_id"], str(r["complaint_id"]), r["status"]) for r in found]


async def complaints_holding(system: str, source_ids: Sequence[str]) -> dict[str, str]:
    """The complaint linked to each of these records of `system`, by source id (records no
    complaint is linked to are absent); one query."""
    found = await ComplaintSourceRow.filter(system=system, source_id__in=list(source_ids)).values(
        "source_id", "complaint_id"
    )
    return {r["source_id"]: str(r["complaint_id"]) for r in found}


async def record_status(complaint_id: str, system: str, status: Status, *, synced_at: datetime | None = None) -> None:
    """Remember what `system` shows of the complaint now (and, given `synced_at`, that the
    index wrote it there then)."""
    synced = {"synced_at": synced_at} if synced_at is not None else {}
    await ComplaintSourceRow.filter(complaint_id=complaint_id, system=system).update(status=status, **synced)
