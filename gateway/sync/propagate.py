"""Deciding where a change must go, and enqueueing it (inside the change's transaction).

- A new complaint belongs in the national system and in the system of the kab/kota it is
  routed to (if that kab/kota is connected); it is created in each except where it came from.
- A status change or a follow-up goes to every system that has the complaint, or is about
  to (a create still in the outbox), except the one it came from. Deliveries carry no
  status value: the worker sends the status the complaint has when it delivers, so
  late, repeated or reordered deliveries all converge on the newest one.
- Nothing goes back where it came from (an echo): a change read from a system is never
  queued to that system, and a status its system of record reports is never sent back
  to it (`is_owner`).
- A reporter's reply (tanggapan pelapor), made in the gateway or read from any system,
  goes to every other holder whose [follow_up] body marks who wrote it (`from_reporter`),
  LAPOR! included; a holder that cannot tell a reply from an agency's answer gets none.
- Nothing goes where it could never be sent: a system whose mapping declares no such
  write, or has no word for the status, gets no entry (`outbox.enqueue_if_taken`, which
  logs and counts each one; `penghubung sync status` lists the statuses a system is
  never sent).
"""

from __future__ import annotations

import hashlib
import unicodedata
from datetime import datetime

from gateway.store import outbound, source_links
from gateway.store.outbox import create_destinations
from gateway.store.registry import agency_region
from gateway.store.source_details import holds
from gateway.sync.outbox import enqueue_if_taken, not_queued
from gateway.sync.topology import Topology


def follow_up_key(text: str) -> str:
    """A fingerprint of a follow-up's text: the same answer seen from two systems is one."""
    folded = " ".join(unicodedata.normalize("NFKC", text).split()).casefold()
    return hashlib.sha256(folded.encode()).hexdigest()[:32]


async def home_regency(
    routed_agency_id: str | None, kode_wilayah: str, *, cache: dict[str, str | None] | None = None
) -> str:
    """The kode of the kab/kota a complaint belongs to: its routed agency's, else its location's.

    `cache` (agency id to its kode) saves a query per record in a bulk pull."""
    if routed_agency_id:
        if cache is not None and routed_agency_id in cache:
            code = cache[routed_agency_id]
        else:
            code = await agency_region(routed_agency_id)
            if cache is not None:
                cache[routed_agency_id] = code
        if code and len(code) >= 5:
            return code[:5]
    return kode_wilayah[:5]


async def is_owner(system: str, complaint_id: str, home: str, topology: Topology) -> bool:
    """Whether `system` is the complaint's system of record (the rule of
    `gateway.federation.owner`): its kab/kota's system when connected and holding it, else
    the national one. `home` is the kode of the complaint's kab/kota (`home_regency`)."""
    regency = topology.regency_system(home)
    if system == regency:
        return True
    if system != topology.national:
        return False
    return regency is None or not await holds(complaint_id, regency)


async def announce_new(
    complaint_id: str, *, regency_code: str, origin: str | None, topology: Topology, now: datetime
) -> list[str]:
    """Enqueue its creation wherever it belongs but is not yet; returns the destinations."""
    linked = set(await source_links.systems_of(complaint_id))
    targets = {topology.national, topology.regency_system(regency_code)} - {None, origin} - linked
    chosen = []
    for system in sorted(t for t in targets if t):
        if topology.takes(system, "create"):
            chosen.append(system)
        await enqueue_if_taken(topology, system, "create", complaint_id, f"create:{complaint_id}", now=now)
    return chosen


async def _holders(complaint_id: str, topology: Topology, origin: str | None) -> list[str]:
    linked = await source_links.systems_of(complaint_id)
    coming = await create_destinations(complaint_id)
    return sorted({*linked, *coming} & topology.systems - {origin})


async def status_key(complaint_id: str, status: str) -> str:
    """The outbox key of one status change: its place in the history makes a status reached
    a second time (a re-open) a new delivery, and a repeat of the same change the same one."""
    steps = await outbound.status_steps(complaint_id)
    return f"status:{complaint_id}:{steps}:{status}"


async def announce_status(
    complaint_id: str, status: str, *, origin: str | None, topology: Topology, now: datetime
) -> None:
    """Enqueue a status delivery to every other system holding the complaint."""
    key = await status_key(complaint_id, status)
    for system in await _holders(complaint_id, topology, origin):
        await enqueue_if_taken(topology, system, "status", complaint_id, key, now=now, status=status)


async def announce_follow_up(
    complaint_id: str, key: str, *, origin: str | None, topology: Topology, now: datetime, reply: bool = False
) -> None:
    """Enqueue a follow-up delivery to every other system holding the complaint; a
    reporter's reply (`reply`) only to those whose mapping can mark it as the reporter's."""
    for system in await _holders(complaint_id, topology, origin):
        if reply and not topology.takes(system, "reply"):
            # Sent there, it would stand (and be read back) as an agency's answer.
            not_queued(system, "reply", complaint_id)
            continue
        await enqueue_if_taken(
            topology,
            system,
            "follow_up",
            complaint_id,
            f"follow_up:{complaint_id}:{key}",
            now=now,
            payload={"key": key},
        )
