"""Outbox deliveries kept in flight continuously, bounded per destination (a bulkhead).

A worker used to lease a batch of due entries and wait for all of them: one hanging
destination then held the whole round (its deliveries wait up to their deadline), and a
batch of nothing but its entries left every other destination waiting. Here each
delivery is its own task; at most `per_destination` run to one destination (more to the
few in `wider`, the national system) and `concurrency` in all, and a new entry is leased as soon as a slot frees, only for a
destination with room. So a hanging or failing destination keeps at most its own few
deliveries busy, and the rest go on being delivered meanwhile.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Coroutine, Mapping
from datetime import datetime, timedelta
from functools import partial
from typing import Any

from gateway.sync import outbox

log = logging.getLogger(__name__)


class Dispatcher:
    """Leases due entries destination by destination and delivers each in its own task."""

    def __init__(
        self,
        deliver: Callable[[outbox.Delivery], Coroutine[Any, Any, object]],
        *,
        owner: str,
        clock: Callable[[], datetime],
        lease_for: timedelta,
        concurrency: int,
        per_destination: int,
        wider: Mapping[str, int] | None = None,
    ) -> None:
        if concurrency < 1 or per_destination < 1 or any(n < 1 for n in (wider or {}).values()):
            raise ValueError("concurrency and per_destination (and wider's limits) must be at least 1")
        self._deliver = deliver
        self.owner = owner
        self.clock = clock
        self.lease_for = lease_for
        self.concurrency = concurrency
        self.per_destination = per_destination
        # Destinations with their own limit: the national system takes every kab/kota's
        # writes, so it gets more deliveries in flight than one kab/kota.
        self.wider = dict(wider or {})
        self.running: dict[str, set[asyncio.Task[object]]] = {}
        self._wake = asyncio.Event()
        self._turn = 0  # where the next round starts among the due destinations (fairness)

    def limit(self, destination: str) -> int:
        """Deliveries that may be in flight to `destination` at once."""
        return self.wider.get(destination, self.per_destination)

    @property
    def in_flight(self) -> int:
        """Deliveries running now."""
        return sum(len(tasks) for tasks in self.running.values())

    def _done(self, destination: str, task: asyncio.Task[object]) -> None:
        tasks = self.running.get(destination)
        if tasks is not None:
            tasks.discard(task)
            if not tasks:
                del self.running[destination]
        self._wake.set()

    async def fill(self) -> int:
        """Lease and start deliveries up to the limits; returns how many were started."""
        self._wake.clear()  # a delivery ending from here on wakes `wait`
        room = self.concurrency - self.in_flight
        if room <= 0:
            return 0
        now = self.clock()
        due = [d for d in await outbox.due_destinations(now=now) if len(self.running.get(d, ())) < self.limit(d)]
        if not due:
            return 0
        self._turn = (self._turn + 1) % len(due)
        started = 0
        for destination in due[self._turn :] + due[: self._turn]:
            if room <= 0:
                break
            free = min(room, self.limit(destination) - len(self.running.get(destination, ())))
            leased = await outbox.lease(
                self.owner, now=now, limit=free, lease_for=self.lease_for, destination=destination
            )
            for d in leased:
                task = asyncio.create_task(self._deliver(d), name=f"deliver-{d.id}")
                self.running.setdefault(destination, set()).add(task)
                task.add_done_callback(partial(self._done, destination))
            room -= len(leased)
            started += len(leased)
        return started

    async def wait(self, stop: asyncio.Event, *, idle: float) -> None:
        """Until a delivery ends, `stop` is set, or `idle` seconds pass."""
        stopping = asyncio.ensure_future(stop.wait())
        woken = asyncio.ensure_future(self._wake.wait())
        try:
            await asyncio.wait({stopping, woken}, timeout=idle, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for f in (stopping, woken):
                f.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await f

    async def finish(self) -> None:
        """Let the deliveries in flight end (each is bounded by its own deadline)."""
        tasks = [t for ts in self.running.values() for t in ts]
        if tasks:
            await asyncio.gather(*tasks, return_exceptions=True)
