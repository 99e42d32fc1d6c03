"""Idempotency keys for mutations: a repeat is answered from its receipt, never applied again.

`begin` reserves (caller, key) before anything is sent anywhere, in its own committed
transaction, so two copies of one request racing each other cannot both go on: the second
sees the first's reservation. The receipt is completed (`finish`) inside the transaction
that applies the change, so it exists exactly when the change does; a request that fails
gives its key back (`release`), so a corrected retry may use it. A reservation left by a
process that died mid-request is taken over after `STALE_AFTER`.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from schema.live import WriteRefused
from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from gateway.store.models import MutationReceiptRow

STALE_AFTER = timedelta(minutes=2)
KEY_MAX = 120


class KeyReused(WriteRefused):
    """The key was used before for a different request."""

    code = "IDEMPOTENCY_KEY_REUSED"


class KeyInProgress(WriteRefused):
    """A request with this key is still being applied."""

    code = "IDEMPOTENCY_KEY_IN_PROGRESS"


def fingerprint(operation: str, arguments: Any) -> str:
    """A digest of what was asked: a repeat has the same one, a reused key another."""
    text = json.dumps([operation, arguments], default=str, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


@dataclass(frozen=True, slots=True)
class Reservation:
    """A key reserved for one request (or the earlier answer, when it is a repeat)."""

    subject: str
    key: str
    done: dict[str, Any] | None = None  # the stored answer of an earlier, completed request


async def begin(subject: str, key: str, print_: str, *, now: datetime) -> Reservation:
    """Reserve `key` for this caller's request, or return the earlier answer.

    Raises KeyReused or KeyInProgress."""
    try:
        async with in_transaction():
            await MutationReceiptRow.create(
                subject=subject, key=key, fingerprint=print_, created_at=now, updated_at=now
            )
        return Reservation(subject, key)
    except IntegrityError:
        pass
    found = await MutationReceiptRow.filter(subject=subject, key=key).first()
    if found is None:  # given back meanwhile: try once more
        return await begin(subject, key, print_, now=now)
    if found.fingerprint != print_:
        raise KeyReused(
            f"idempotencyKey '{key[:40]}' was used for a different request; expected a new key "
            "for a new request (a repeat must send the same arguments)"
        )
    if found.state == "done":
        return Reservation(subject, key, dict(found.result or {}))
    taken = await MutationReceiptRow.filter(id=found.id, state="started", updated_at__lt=now - STALE_AFTER).update(
        updated_at=now
    )
    if not taken:
        raise KeyInProgress(
            f"a request with idempotencyKey '{key[:40]}' is still being applied; "
            "expected: wait a moment and send the same request again"
        )
    return Reservation(subject, key)  # its first holder died mid-request


async def finish(reservation: Reservation, result: dict[str, Any], *, complaint_id: str | None, now: datetime) -> None:
    """Store the answer (call inside the change's transaction)."""
    await MutationReceiptRow.filter(subject=reservation.subject, key=reservation.key).update(
        state="done", result=result, complaint_id=complaint_id, updated_at=now
    )


async def release(reservation: Reservation) -> None:
    """Give the key back: the request failed and changed nothing."""
    await MutationReceiptRow.filter(subject=reservation.subject, key=reservation.key, state="started").delete()
