"""What a pull reads and writes around the complaints it applies: the link of each record
(system, source id, the version and status read last), its follow-ups' ids in that
system, and the creates it leaves in the outbox.

The sync ingest decides what a record means (`gateway.sync.ingest`); these are only its
statements, run in the caller's unit of work (`gateway.store.unit_of_work`).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from gateway.store.models import ComplaintSourceRow, FollowUpRow, OutboxRow
from gateway.store.outbox import PENDING
from schema.canonical import Status


@dataclass(frozen=True, slots=True)
class PulledLink:
    """A complaint's link to one record, as a pull last read it."""

    id: int
    complaint_id: str
    version: str | None
    status: Status | None


async def complaints_linked(system: str, source_ids: Sequence[str]) -> list[str]:
    """The complaints linked to these records of `system` (one query)."""
    found = await ComplaintSourceRow.filter(system=system, source_id__in=list(source_ids)).values_list(
        "complaint_id", flat=True
    )
    return [str(c) for c in found]


async def applied_versions(system: str, source_ids: Sequence[str]) -> dict[str, str]:
    """The version last applied of each of `system`'s records `source_ids` that is linked
    (one query for a page: a pull compares whole pages before locking anything)."""
    if not source_ids:
        return {}
    found = await ComplaintSourceRow.filter(system=system, source_id__in=list(source_ids)).values_list(
        "source_id", "version"
    )
    return {source_id: version for source_id, version in found if version is not None}


async def pulled_link(system: str, source_id: str) -> PulledLink | None:
    """The link of the record `source_id` of `system`, if a complaint has it."""
    link = await ComplaintSourceRow.filter(system=system, source_id=source_id).first()
    if link is None:
        return None
    return PulledLink(link.id, str(link.complaint_id), link.version, link.status)


async def add_pulled_link(
    complaint_id: str | uuid.UUID, system: str, source_id: str, *, version: str, synced_at: datetime, status: Status
) -> None:
    """Link a complaint the index holds to a record it has just been read as."""
    await ComplaintSourceRow.create(
        complaint_id=complaint_id,
        system=system,
        source_id=source_id,
        version=version,
        synced_at=synced_at,
        status=status,
    )


async def record_read(link_id: int, *, version: str, synced_at: datetime, status: Status) -> None:
    """Remember the version and status of a record read again."""
    await ComplaintSourceRow.filter(id=link_id).update(version=version, synced_at=synced_at, status=status)


async def record_first_read(system: str, source_id: str, *, version: str, synced_at: datetime, status: Status) -> None:
    """Remember the version and status of a record a complaint was just created from."""
    await ComplaintSourceRow.filter(system=system, source_id=source_id).update(
        version=version, synced_at=synced_at, status=status
    )


async def follow_ups_by_id(complaint_id: str) -> list[FollowUpRow]:
    """The complaint's follow-ups in the order they were stored."""
    return await FollowUpRow.filter(complaint_id=complaint_id).order_by("id")


async def follow_ups_by_time(complaint_id: str | uuid.UUID) -> list[FollowUpRow]:
    """The complaint's follow-ups, oldest first."""
    return list(await FollowUpRow.filter(complaint_id=complaint_id).order_by("at", "id"))


async def mark_pulled_follow_up(follow_up_id: int, *, key: str, system: str, source_id: str) -> None:
    """Credit a follow-up stored from a record to its system, under its id there."""
    await FollowUpRow.filter(id=follow_up_id).update(key=key, origin_system=system, links={system: source_id})


async def link_follow_up(follow_up_id: int, links: dict[str, Any]) -> None:
    """Set a follow-up's ids in other systems."""
    await FollowUpRow.filter(id=follow_up_id).update(links=links)


async def follow_up_links(complaint_id: str) -> list[tuple[Any, str | None]]:
    """Each of the complaint's follow-ups as (its links, its text fingerprint)."""
    return cast(
        list[tuple[Any, str | None]],
        await FollowUpRow.filter(complaint_id=complaint_id).values_list("links", "key"),
    )


async def follow_up_keys_not_from(complaint_id: str, system: str) -> list[str | None]:
    """The text fingerprints of the complaint's follow-ups that did not come from `system`."""
    keys = FollowUpRow.filter(complaint_id=complaint_id).exclude(origin_system=system).values_list("key", flat=True)
    return cast(list[str | None], await keys)


async def create_queued(complaint_id: str | uuid.UUID, destination: str) -> bool:
    """Whether the complaint's creation in `destination` is in the outbox (in any state)."""
    return await OutboxRow.filter(complaint_id=complaint_id, destination=destination, kind="create").exists()


async def look_up_on_create(complaint_id: str, destination: str, lapor_tracking_id: str) -> None:
    """Have the pending create in `destination` look the complaint up under this LAPOR!
    tracking ID first (it is there already), rather than make a second one."""
    await OutboxRow.filter(complaint_id=complaint_id, destination=destination, kind="create", state=PENDING).update(
        payload={"lapor_tracking_id": lapor_tracking_id}
    )


__all__ = [
    "PulledLink",
    "add_pulled_link",
    "complaints_linked",
    "create_queued",
    "follow_up_keys_not_from",
    "follow_up_links",
    "follow_ups_by_id",
    "follow_ups_by_time",
    "link_follow_up",
    "look_up_on_create",
    "mark_pulled_follow_up",
    "pulled_link",
    "record_first_read",
    "record_read",
]
