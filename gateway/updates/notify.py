"""What the sync engine tells the broker when a pull changed complaints."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from datetime import UTC, datetime

from gateway.updates.broker import ComplaintChanged, LocalBroker


def notifier(broker: LocalBroker) -> Callable[[Sequence[str]], Awaitable[None]]:
    """The engine's `notify`: one "changed" event per complaint a pull created or changed."""

    async def notify(complaint_ids: Sequence[str]) -> None:
        now = datetime.now(UTC)
        for cid in dict.fromkeys(complaint_ids):
            await broker.publish(ComplaintChanged(cid, "changed", now))

    return notify
