"""Idempotency receipts (`mutation_receipt`): the statements behind reserving a key.

The rules (who may take a key over, what a repeat is answered) are in
`gateway.federation.receipts`; here are the reservation's insert, its compare-and-set on
the holder token, its lease, and the housekeeping. A reservation is named by (caller,
key, holder): only the holder named may renew, finish or give it back.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from tortoise.exceptions import IntegrityError
from tortoise.expressions import Q
from tortoise.queryset import QuerySet
from tortoise.transactions import in_transaction

from gateway.store.models import MutationReceiptRow

# The lease of a reservation written before reservations carried one (counted from its last update).
LEGACY_LEASE = timedelta(minutes=2)


@dataclass(frozen=True, slots=True)
class Receipt:
    """A stored reservation or answer, as the rules read it."""

    id: int
    fingerprint: str
    access: str | None
    state: str  # started, lapsed, done
    holder: str
    result: dict[str, Any] | None


def _held(caller: str, key: str, holder: str) -> QuerySet[MutationReceiptRow]:
    """The reservation while this holder still has it."""
    return MutationReceiptRow.filter(caller=caller, key=key, holder=holder, state="started")


def _lapsed(now: datetime) -> Q:
    """Reservations whose holder's lease ran out (or, written before leases, went stale)."""
    return Q(lease_until__lte=now) | Q(lease_until__isnull=True, updated_at__lt=now - LEGACY_LEASE)


async def reserve(
    caller: str,
    key: str,
    *,
    fingerprint: str,
    holder: str,
    access: str,
    complaint_id: str | None,
    lease_until: datetime,
    now: datetime,
) -> bool:
    """Write a new reservation in its own committed transaction; False if (caller, key) is taken."""
    try:
        async with in_transaction():
            await MutationReceiptRow.create(
                caller=caller,
                key=key,
                fingerprint=fingerprint,
                holder=holder,
                access=access,
                complaint_id=complaint_id,
                lease_until=lease_until,
                created_at=now,
                updated_at=now,
            )
    except IntegrityError:
        return False
    return True


async def find(caller: str, key: str) -> Receipt | None:
    """The receipt of (caller, key), whoever holds it."""
    found = await MutationReceiptRow.filter(caller=caller, key=key).first()
    if found is None:
        return None
    return Receipt(found.id, found.fingerprint, found.access, found.state, found.holder, found.result)


async def take_over(receipt_id: int, *, held_by: str, holder: str, lease_until: datetime, now: datetime) -> bool:
    """Hand a lapsed reservation from `held_by` to `holder`: a compare-and-set on the holder
    token, so of two repeats racing for it one wins. False if it was not lapsed or moved on."""
    taken = await MutationReceiptRow.filter(
        _lapsed(now), id=receipt_id, state__in=("started", "lapsed"), holder=held_by
    ).update(holder=holder, state="started", lease_until=lease_until, updated_at=now)
    return bool(taken)


async def renew(caller: str, key: str, holder: str, *, until: datetime) -> bool:
    """Extend the holder's lease; False if the reservation was taken over."""
    return bool(await _held(caller, key, holder).update(lease_until=until))


async def complete(
    caller: str, key: str, holder: str, *, result: dict[str, Any], complaint_id: str | None, now: datetime
) -> bool:
    """Store the answer while the holder still has the reservation; False if it was taken over."""
    stored = await _held(caller, key, holder).update(
        state="done", result=result, complaint_id=complaint_id, lease_until=None, updated_at=now
    )
    return bool(stored)


async def give_back(caller: str, key: str, holder: str, *, now: datetime, keep_action: bool) -> None:
    """Drop the holder's reservation; with `keep_action`, an action's (one that names its
    complaint) is marked `lapsed` instead, for its repeat to take over."""
    if keep_action:
        await (
            _held(caller, key, holder)
            .filter(complaint_id__not_isnull=True)
            .update(state="lapsed", lease_until=now, updated_at=now)
        )
    await _held(caller, key, holder).delete()


async def sweep(*, now: datetime) -> tuple[int, int]:
    """End abandoned reservations: a submission's dropped, an action's marked `lapsed`.
    Returns (dropped, lapsed)."""
    abandoned = MutationReceiptRow.filter(_lapsed(now), state="started")
    dropped = await abandoned.filter(complaint_id__isnull=True, lease_until__not_isnull=True).delete()
    lapsed = await MutationReceiptRow.filter(_lapsed(now), state="started").update(state="lapsed", updated_at=now)
    return dropped, lapsed


async def purge(*, before: datetime) -> int:
    """Drop receipts created before `before`; returns how many."""
    return await MutationReceiptRow.filter(created_at__lt=before).delete()


__all__ = [
    "LEGACY_LEASE",
    "Receipt",
    "complete",
    "find",
    "give_back",
    "purge",
    "renew",
    "reserve",
    "sweep",
    "take_over",
]
