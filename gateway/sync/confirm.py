"""An operator's word on a create whose outcome is unknown: its destination holds it.

A push-only destination (the addstream dialect) can neither recognise a repeat nor be
searched, so a create sent there and not answered ends as a dead letter for a person to
check; `penghubung sync confirm ID SOURCE_ID` records what they found: the complaint is
linked to that record, the entry is done, nothing is sent again, and what the new copy
lacks (a later status, follow-ups) is queued where the destination takes it.
"""

from __future__ import annotations

from datetime import datetime

from gateway.store import outbound
from gateway.store.atomic import atomic
from gateway.store.dead_letters import confirm_created
from gateway.sync.deliver import queue_what_the_copy_lacks
from gateway.sync.topology import Topology


async def confirm(topology: Topology, entry_id: int, source_id: str, *, now: datetime) -> str:
    """Settle dead letter `entry_id` (a create) as delivered under `source_id`; returns what
    was done. Raises `gateway.store.dead_letters.NotConfirmable`."""
    cid, system = await confirm_created(entry_id, source_id, now=now)
    row = await outbound.complaint(cid)
    if row is not None:
        async with atomic():
            await queue_what_the_copy_lacks(topology, row, system, now=now)
    return (
        f"dead letter {entry_id} confirmed: the complaint is linked to {system}/{source_id.strip()}; nothing was sent"
    )
