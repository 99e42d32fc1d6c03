"""Forgetting what was synced with simulated sources, when the sandbox starts fresh.

The sandbox's simulators keep their records in memory, so every demo run starts them
from their seed; the demo database would otherwise hold links to records that no longer
exist, and the fresh simulators would hand out ids the index already links to other
complaints. Only systems that are simulated in this process are forgotten, and only in
demo mode: what came from them (their complaints, links, cursors and deliveries).
"""

from __future__ import annotations

import logging
from collections.abc import Collection

from gateway.store.sync_reset import drop_synced

log = logging.getLogger(__name__)


async def forget_simulated(systems: Collection[str]) -> int:
    """Drop the sync state of `systems`; returns how many complaints came only from them."""
    names = list(systems)
    if not names:
        return 0
    # Complaints a connector brought in from these systems (not the demo's own seed).
    count = await drop_synced(names, brought_by=[f"connector:{n}" for n in names])
    if count:
        log.info("sandbox starts fresh: forgot %d complaints synced from it last time", count)
    return count


__all__ = ["forget_simulated"]
