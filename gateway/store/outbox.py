"""The outbox table's statements: insert, lease, settle, replay, and the reads around them.

The rules (which deliveries are queued, how long to wait before a retry, when an entry
gives up) are in `gateway.sync.outbox`; here is what they say to the database. A leased
entry is settled only while its lease still holds it (`_held`: same worker, same
attempt), so a worker that was overtaken cannot settle what another is doing.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast

from tortoise.expressions import Q
from tortoise.functions import Count
from tortoise.queryset import QuerySet
from tortoise.transactions import in_transaction

from gateway.store.models import OutboxRow

PENDING, DONE, DEAD = "pending", "done", "dead"


@dataclass(frozen=True, slots=True)
class Delivery:
    """A leased outbox entry."""

    id: int
    destination: str
    kind: str
    complaint_id: str
    payload: dict[str, Any]
    attempts: int  # including this one
    in_doubt: bool  # an earlier attempt may have reached the destination
    owner: str = ""  # the worker holding the lease: only it may settle the entry


async def insert(
    destination: str, kind: str, complaint_id: str, dedupe_key: str, *, now: datetime, payload: dict[str, Any] | None
) -> bool:
    """Add a pending entry (inside the caller's transaction); False if the key was there."""
    # One statement: a key already there (or inserted meanwhile by another worker) is
    # skipped by the database itself, and never aborts the caller's transaction.
    async with in_transaction() as tx:
        postgres = tx.capabilities.dialect == "postgres"
        marks = ", ".join(f"${i}" if postgres else "?" for i in range(1, 11))
        rows = await tx.execute_query_dict(
            "INSERT INTO outbox (destination, kind, complaint_id, dedupe_key, payload, state, attempts, "
            "next_attempt_at, created_at, updated_at, in_doubt) "
            f"VALUES ({marks}, {'false' if postgres else '0'}) "
            "ON CONFLICT (destination, dedupe_key) DO NOTHING RETURNING id",
            [
                destination,
                kind,
                str(complaint_id),
                dedupe_key,
                json.dumps(payload or {}, separators=(",", ":")),
                PENDING,
                0,
                now,
                now,
                now,
            ],
        )
    return bool(rows)


async def lease(
    owner: str, *, now: datetime, limit: int, lease_for: timedelta, destination: str | None, dedupe_key: str | None
) -> list[Delivery]:
    """Claim up to `limit` due entries for `owner` until `now + lease_for`, marked in doubt
    before anything is sent (only those to `destination`, and with `dedupe_key`, if given)."""
    async with in_transaction() as tx:
        one: dict[str, str] = {"destination": destination} if destination else {}
        if destination and dedupe_key:
            one["dedupe_key"] = dedupe_key
        due = (
            OutboxRow.filter(state=PENDING, next_attempt_at__lte=now, **one)
            .filter(Q(leased_until=None) | Q(leased_until__lt=now))
            .order_by("next_attempt_at", "id")
            .limit(limit)
            .using_db(tx)
        )
        if tx.capabilities.dialect == "postgres":
            # Whole rows: Tortoise drops FOR UPDATE from a values_list() query, and without
            # the lock two workers could lease one entry at once (and one of them undo the
            # other's attempt count and doubt when it gives its turn back).
            due = due.select_for_update(skip_locked=True)
        entries = await due
        if not entries:
            return []
        leased: list[Delivery] = []
        for e in entries:
            doubt = e.in_doubt or e.leased_until is not None  # an expired lease: a worker died
            await (
                OutboxRow.filter(id=e.id)
                .using_db(tx)
                .update(
                    leased_until=now + lease_for,
                    lease_owner=owner,
                    attempts=e.attempts + 1,
                    in_doubt=True,
                    updated_at=now,
                )
            )
            leased.append(
                Delivery(
                    e.id, e.destination, e.kind, str(e.complaint_id), dict(e.payload), e.attempts + 1, doubt, owner
                )
            )
    return sorted(leased, key=lambda d: d.id)


async def due_destinations(*, now: datetime) -> list[str]:
    """The destinations with entries due now and leased by nobody, by name."""
    rows = await (
        OutboxRow.filter(state=PENDING, next_attempt_at__lte=now)
        .filter(Q(leased_until=None) | Q(leased_until__lt=now))
        .distinct()
        .values_list("destination", flat=True)
    )
    return sorted({str(r) for r in rows})


def _held(delivery: Delivery) -> QuerySet[OutboxRow]:
    """The entry, if this lease still holds it."""
    return OutboxRow.filter(id=delivery.id, lease_owner=delivery.owner, attempts=delivery.attempts)


async def still_held(delivery: Delivery) -> bool:
    """Whether this lease still holds the entry, pending."""
    return await _held(delivery).filter(state=PENDING).exists()


async def mark_done(delivery: Delivery, *, now: datetime, note: str | None) -> None:
    """Settle a held entry as delivered."""
    await _held(delivery).update(
        state=DONE, done_at=now, updated_at=now, leased_until=None, in_doubt=False, last_error=note
    )


async def mark_retry(
    delivery: Delivery, *, next_attempt_at: datetime, in_doubt: bool, last_error: str, now: datetime, refund: bool
) -> None:
    """Give a held entry back for another try at `next_attempt_at` (`refund`: this attempt
    is not counted)."""
    extra = {"attempts": delivery.attempts - 1} if refund else {}
    await _held(delivery).update(
        **extra,
        next_attempt_at=next_attempt_at,
        leased_until=None,
        in_doubt=in_doubt,
        last_error=last_error,
        updated_at=now,
    )


async def mark_dead(delivery: Delivery, *, reason: str, in_doubt: bool, now: datetime) -> None:
    """Settle a held entry as a dead letter."""
    await _held(delivery).update(state=DEAD, leased_until=None, last_error=reason, updated_at=now, in_doubt=in_doubt)


async def revive(ids: Sequence[int] | None, *, now: datetime, not_there: bool) -> int:
    """Make dead letters (these, or all) pending again, from their first attempt; returns
    how many (`not_there`: no longer in doubt)."""
    query = OutboxRow.filter(state=DEAD)
    if ids is not None:
        query = query.filter(id__in=list(ids))
    cleared = {"in_doubt": False} if not_there else {}
    return await query.update(state=PENDING, attempts=0, next_attempt_at=now, updated_at=now, **cleared)


async def counts_by_destination(state: str) -> dict[str, int]:
    """How many entries in `state` each destination has (those with none are absent)."""
    rows = (
        await OutboxRow.filter(state=state).annotate(n=Count("id")).group_by("destination").values("destination", "n")
    )
    return {r["destination"]: r["n"] for r in rows}


async def counts_by_destination_and_state(states: Iterable[str]) -> list[tuple[str, str, int]]:
    """(destination, state, how many) for each pair with entries in one of `states`."""
    rows = (
        await OutboxRow.filter(state__in=list(states))
        .annotate(n=Count("id"))
        .group_by("destination", "state")
        .values("destination", "state", "n")
    )
    return [(r["destination"], r["state"], r["n"]) for r in rows]


async def create_states(complaint_id: str, destination: str) -> set[str]:
    """The states of the complaint's create entries to `destination`."""
    # Tortoise types every values_list as tuples; flat=True gives the bare values.
    states = await OutboxRow.filter(complaint_id=complaint_id, destination=destination, kind="create").values_list(
        "state", flat=True
    )
    return set(cast(list[str], states))


async def create_destinations(complaint_id: str) -> list[str]:
    """Where the complaint has a create entry, in any state."""
    return cast(
        list[str],
        await OutboxRow.filter(complaint_id=complaint_id, kind="create").values_list("destination", flat=True),
    )


def _others(delivery: Delivery) -> QuerySet[OutboxRow]:
    """The other entries for the same write as `delivery`: destination, complaint and kind."""
    return OutboxRow.filter(
        destination=delivery.destination, complaint_id=delivery.complaint_id, kind=delivery.kind
    ).exclude(id=delivery.id)


async def tried_payloads(delivery: Delivery) -> list[dict[str, Any]]:
    """The payloads of the other entries for the same write that were attempted and may
    have reached the destination."""
    return cast(
        list[dict[str, Any]],
        await _others(delivery).filter(attempts__gt=0, in_doubt=True).values_list("payload", flat=True),
    )


async def delivered_payloads(delivery: Delivery) -> list[dict[str, Any]]:
    """The payloads of the other entries for the same write that were delivered."""
    return cast(list[dict[str, Any]], await _others(delivery).filter(state=DONE).values_list("payload", flat=True))


def _pending_of(destination: str, complaint_id: str) -> QuerySet[OutboxRow]:
    """The complaint's entries to `destination` still waiting to be delivered."""
    return OutboxRow.filter(destination=destination, complaint_id=complaint_id, state=PENDING)


async def settle_pending(
    destination: str, complaint_id: str, dedupe_keys: Sequence[str], *, now: datetime, note: str
) -> None:
    """Settle these pending entries as delivered by someone else (inside the caller's
    transaction): a write that reached the destination on its own way."""
    await (
        _pending_of(destination, complaint_id)
        .filter(dedupe_key__in=list(dedupe_keys))
        .update(state=DONE, done_at=now, updated_at=now, last_error=note)
    )


async def bury_pending(destination: str, complaint_id: str, dedupe_key: str, *, reason: str, now: datetime) -> None:
    """Make this pending entry a dead letter with `reason`: it can never be sent as it is."""
    await (
        _pending_of(destination, complaint_id)
        .filter(dedupe_key=dedupe_key)
        .update(state=DEAD, leased_until=None, updated_at=now, last_error=reason)
    )


async def mark_pending_in_doubt(destination: str, complaint_id: str, dedupe_keys: Sequence[str]) -> None:
    """Mark these pending entries as possibly at the destination already (looked up there
    before they are sent)."""
    await _pending_of(destination, complaint_id).filter(dedupe_key__in=list(dedupe_keys)).update(in_doubt=True)


async def postpone_pending(destination: str, complaint_id: str, dedupe_key: str, *, until: datetime) -> None:
    """Try this pending entry no earlier than `until`."""
    await _pending_of(destination, complaint_id).filter(dedupe_key=dedupe_key).update(next_attempt_at=until)


async def states_of(destination: str, complaint_id: str, dedupe_keys: Sequence[str]) -> list[tuple[str, str | None]]:
    """(state, last error) of the complaint's entries to `destination` with these keys, in any state."""
    entries = await OutboxRow.filter(
        destination=destination, complaint_id=complaint_id, dedupe_key__in=list(dedupe_keys)
    ).values_list("state", "last_error")
    return cast(list[tuple[str, str | None]], entries)


async def last_error_of(entry_id: int) -> str | None:
    """What the entry's last attempt said (None: no such entry, or nothing to say)."""
    entry = await OutboxRow.filter(id=entry_id).first()
    return entry.last_error if entry else None


async def pending_status_changes(complaint_ids: Sequence[str]) -> set[tuple[str, str]]:
    """(complaint id, destination) of each status change to these complaints still waiting
    to be delivered; one query."""
    pending = OutboxRow.filter(complaint_id__in=list(complaint_ids), kind="status", state=PENDING)
    return {(str(cid), dest) for cid, dest in await pending.values_list("complaint_id", "destination")}
