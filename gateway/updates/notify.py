"""What the sync engine tells the broker when a pull changed complaints."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from datetime import UTC, datetime

from gateway.store.complaint_reads import regions_of
from gateway.updates.broker import ComplaintChanged, LocalBroker


async def announce_changed(broker: LocalBroker, complaint_ids: Sequence[str], kind: str = "changed") -> None:
    """One event per complaint (with its region, read in one query)."""
    ids = list(dict.fromkeys(complaint_ids))
    if not ids:
        return
    now = datetime.now(UTC)
    where = await regions_of(ids)
    for cid in ids:
        await broker.publish(ComplaintChanged(cid, kind, now, where.get(cid)))


def notifier(broker: LocalBroker) -> Callable[[Sequence[str]], Awaitable[None]]:
    """The engine's `notify`: one "changed" event per complaint a pull created or changed."""

    async def notify(complaint_ids: Sequence[str]) -> None:
        await announce_changed(broker, complaint_ids)

    return notify
