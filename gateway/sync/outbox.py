"""The transactional outbox: enqueue deliveries with a change, lease them, settle them.

- `enqueue` is called inside the transaction that makes the change, so a delivery exists
  exactly when the change does; a unique (destination, dedupe_key) makes enqueueing the
  same delivery twice a no-op.
- `enqueue_if_taken` is what every change calls: it queues only what the destination's
  mapping can take (`Topology.takes`), and says so when it queues nothing (a debug line,
  and the `NOT_QUEUED` observers: the metrics count it), so no skip goes unseen.
- `lease` hands due entries to one worker: `FOR UPDATE SKIP LOCKED` on PostgreSQL, so
  several workers share the work without waiting on each other; SQLite serialises
  writers, so one worker is the supported setup there. Leasing marks an entry in doubt
  before anything is sent: if the worker is killed mid-delivery, the next attempt knows
  the destination may already have it.
- `succeed`, `retry` (backoff with full jitter) and `bury` (a dead letter, with its
  reason) settle an entry; `replay` brings dead letters back.

The statements themselves are in `gateway.store.outbox`.
"""

from __future__ import annotations

import logging
import random
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from typing import Any

from gateway.store import outbox as table
from gateway.store.outbox import DEAD, DONE, PENDING, Delivery
from gateway.sync.topology import Topology

log = logging.getLogger(__name__)

KINDS = ("create", "status", "follow_up")
DEFAULT_LEASE = timedelta(seconds=30)
MAX_ATTEMPTS = 12
BACKOFF_BASE = 1.0  # seconds
BACKOFF_MAX = 300.0


async def enqueue(
    destination: str,
    kind: str,
    complaint_id: str,
    dedupe_key: str,
    *,
    now: datetime,
    payload: dict[str, Any] | None = None,
) -> bool:
    """Add a delivery (inside the caller's transaction); False if it was already there."""
    if kind not in KINDS:
        raise ValueError(f"outbox kind {kind!r}; expected one of {', '.join(KINDS)}")
    return await table.insert(destination, kind, complaint_id, dedupe_key, now=now, payload=payload)


# Told (destination, kind, status or "") of every delivery not queued because the
# destination cannot take it; the metrics register here (gateway.telemetry), so the sync
# code needs no metrics import.
NOT_QUEUED: list[Callable[[str, str, str], None]] = []


def not_queued(destination: str, kind: str, complaint_id: str, status: str | None = None) -> None:
    """Log and count a delivery left out because `destination` could never take it."""
    log.debug(
        "not queued: %s takes no %s%s (its mapping has no such write or word); complaint %s",
        destination,
        kind,
        f" {status}" if status else "",
        complaint_id,
    )
    for observe in NOT_QUEUED:
        observe(destination, kind, status or "")


async def enqueue_if_taken(
    topology: Topology,
    destination: str,
    kind: str,
    complaint_id: str,
    dedupe_key: str,
    *,
    now: datetime,
    status: str | None = None,
    payload: dict[str, Any] | None = None,
) -> bool:
    """Enqueue a delivery if `destination` can take it (for a status: `status`, the one it
    would send); False if it was not queued, either already there or never to be sent.

    A delivery the destination's mapping has no section or word for is not queued at all
    (it could only end as a dead letter every time); it is logged and counted instead."""
    if not topology.takes(destination, kind, status):
        not_queued(destination, kind, complaint_id, status)
        return False
    return await enqueue(destination, kind, complaint_id, dedupe_key, now=now, payload=payload)


async def lease(
    owner: str,
    *,
    now: datetime,
    limit: int = 20,
    lease_for: timedelta = DEFAULT_LEASE,
    destination: str | None = None,
    dedupe_key: str | None = None,
) -> list[Delivery]:
    """Claim up to `limit` due entries for `owner` until `now + lease_for` (only those to
    `destination` when given; only the one with `dedupe_key` too: a write delivered at once)."""
    return await table.lease(
        owner, now=now, limit=limit, lease_for=lease_for, destination=destination, dedupe_key=dedupe_key
    )


async def due_destinations(*, now: datetime) -> list[str]:
    """The destinations with entries due now (not leased by anyone), by name: a worker
    leases for each on its own, so one destination's backlog never fills a whole batch."""
    return await table.due_destinations(now=now)


async def still_mine(delivery: Delivery) -> bool:
    """Whether this lease still holds the entry (another worker may have taken it over
    while this one waited its turn). A worker whose lease ran out and that was overtaken by
    another must not settle what the other is doing: every settling below checks it too."""
    return await table.still_held(delivery)


async def succeed(delivery: Delivery, *, now: datetime, note: str | None = None) -> None:
    """The destination has it."""
    await table.mark_done(delivery, now=now, note=note)


def backoff(attempts: int, rng: random.Random | None = None, *, most: float = BACKOFF_MAX) -> float:
    """Seconds before the next try: exponential, capped at `most`, jittered."""
    ceiling = min(most, BACKOFF_BASE * 2 ** max(0, attempts - 1))
    return (rng or random).uniform(ceiling / 2, ceiling)


async def retry(
    delivery: Delivery,
    error: str,
    *,
    now: datetime,
    in_doubt: bool,
    after: float | None = None,
    max_attempts: int = MAX_ATTEMPTS,
    backoff_max: float = BACKOFF_MAX,
    refund: bool = False,
) -> bool:
    """Try again later (False: attempts are used up and the entry is now a dead letter).

    `refund`: this attempt did not count (the destination was not even called)."""
    if not refund and delivery.attempts >= max_attempts:
        await bury(delivery, f"gave up after {delivery.attempts} attempts: {error}", now=now, in_doubt=in_doubt)
        return False
    wait = after if after is not None else backoff(delivery.attempts, most=backoff_max)
    await table.mark_retry(
        delivery,
        next_attempt_at=now + timedelta(seconds=wait),
        in_doubt=in_doubt,
        last_error=_fit(error),
        now=now,
        refund=refund,
    )
    return True


async def bury(delivery: Delivery, reason: str, *, now: datetime, in_doubt: bool | None = None) -> None:
    """A dead letter: kept, visible and replayable, never retried on its own.

    `in_doubt`: whether the write may be at the destination already (a replay looks it up
    first, and the operator's listing says what to check); None: as the delivery knew it
    (`Delivery.in_doubt`: an earlier attempt may have reached it; this one did not)."""
    doubt = delivery.in_doubt if in_doubt is None else in_doubt
    await table.mark_dead(delivery, reason=_fit(reason), in_doubt=doubt, now=now)


def _fit(text: str, limit: int = 300) -> str:
    """A reason cut to the column's size, marked when cut (the upstream's own words are
    at its end and are what gets cut)."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


async def replay(ids: Sequence[int] | None, *, now: datetime, not_there: bool = False) -> int:
    """Make dead letters (these, or all) pending again; returns how many.

    An entry in doubt stays in doubt (looked up before it is sent, or a dead letter again
    where the destination cannot be searched) unless `not_there`: a person checked the
    destination and it does not hold the write, so it is sent as it stands."""
    return await table.revive(ids, now=now, not_there=not_there)


__all__ = [
    "BACKOFF_BASE",
    "BACKOFF_MAX",
    "DEAD",
    "DEFAULT_LEASE",
    "DONE",
    "KINDS",
    "MAX_ATTEMPTS",
    "NOT_QUEUED",
    "PENDING",
    "Delivery",
    "backoff",
    "bury",
    "due_destinations",
    "enqueue",
    "enqueue_if_taken",
    "lease",
    "not_queued",
    "replay",
    "retry",
    "still_mine",
    "succeed",
]
