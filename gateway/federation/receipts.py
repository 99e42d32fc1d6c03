"""Idempotency keys for mutations: a repeat is answered from its receipt, never applied again.

`begin` reserves (caller, key) before anything is sent anywhere, in its own committed
transaction, so two copies of one request racing each other cannot both go on: the second
sees the first's reservation. The receipt is completed (`finish`) inside the transaction
that applies the change, so it exists exactly when the change does; a request that fails
before anything left the gateway gives its key back (`release`), so a corrected retry may
use it. A reservation left by a process that died mid-request is taken over after
`STALE_AFTER`; each reservation has its own holder token, so the one that died cannot
finish or release what its successor holds. `purge` drops receipts older than `KEEP`.

A receipt belongs to one identity, (issuer, subject), and to what that identity's token
allowed when the key was used (`access_of`): a repeat sent by the same account with a token
that now allows something else (another agency, region, role or scope) is refused with
`FORBIDDEN` rather than answered, since the stored answer was given to the access it had.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from auth.principal import Principal
from schema.live import WriteRefused
from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from gateway.store.models import MutationReceiptRow

STALE_AFTER = timedelta(minutes=2)
KEEP = timedelta(days=7)  # how long a repeat is recognised


class KeyReused(WriteRefused):
    """The key was used before for a different request."""

    code = "IDEMPOTENCY_KEY_REUSED"


class KeyOutOfScope(WriteRefused):
    """A repeat from a caller whose access changed since the key was used."""

    code = "FORBIDDEN"


class KeyInProgress(WriteRefused):
    """A request with this key is still being applied."""

    code = "IDEMPOTENCY_KEY_IN_PROGRESS"


def caller_of(principal: Principal) -> str:
    """Who a key belongs to: the token's issuer and subject, as one digest."""
    return hashlib.sha256(f"{principal.issuer or ''}\n{principal.subject or ''}".encode()).hexdigest()


def access_of(principal: Principal) -> str:
    """What the caller's token allows, as one digest: its roles, agency, region and scopes."""
    parts = [
        ",".join(sorted(r.value for r in principal.roles)),
        principal.agency_id or "",
        principal.kode_wilayah or "",
        ",".join(sorted(principal.scopes)),
    ]
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def out_of_scope(key: str) -> KeyOutOfScope:
    """The refusal of a repeat whose caller may no longer have its answer."""
    return KeyOutOfScope(
        f"idempotencyKey '{key[:40]}' was used when your token allowed other access (roles, agency, "
        "region or scopes), or for a complaint you may no longer act on; its answer is not repeated; "
        "expected: a new key, sent with the access you have now"
    )


def fingerprint(operation: str, arguments: Any) -> str:
    """A digest of what was asked: a repeat has the same one, a reused key another."""
    text = json.dumps([operation, arguments], default=str, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


@dataclass(frozen=True, slots=True)
class Reservation:
    """A key reserved for one request (or the earlier answer, when it is a repeat)."""

    caller: str
    key: str
    holder: str
    done: dict[str, Any] | None = None  # the stored answer of an earlier, completed request


async def begin(principal: Principal, key: str, print_: str, *, now: datetime) -> Reservation:
    """Reserve `key` for this caller's request, or return the earlier answer.

    Raises KeyReused, KeyInProgress, or KeyOutOfScope (a repeat from changed access)."""
    caller, holder, access = caller_of(principal), secrets.token_hex(8), access_of(principal)
    for _ in range(3):  # a key given back meanwhile is tried again
        try:
            async with in_transaction():
                await MutationReceiptRow.create(
                    caller=caller, key=key, fingerprint=print_, holder=holder, access=access,
                    created_at=now, updated_at=now,
                )
            return Reservation(caller, key, holder)
        except IntegrityError:
            pass
        found = await MutationReceiptRow.filter(caller=caller, key=key).first()
        if found is None:
            continue
        if found.fingerprint != print_:
            raise KeyReused(
                f"idempotencyKey '{key[:40]}' was used for a different request; expected a new key "
                "for a new request (a repeat must send the same arguments)"
            )
        # A receipt from before access was recorded has none, and matches no access.
        if found.access != access:
            raise out_of_scope(key)
        if found.state == "done":
            return Reservation(caller, key, found.holder, dict(found.result or {}))
        taken = await MutationReceiptRow.filter(
            id=found.id, state="started", holder=found.holder, updated_at__lt=now - STALE_AFTER
        ).update(holder=holder, updated_at=now)
        if not taken:
            raise KeyInProgress(
                f"a request with idempotencyKey '{key[:40]}' is still being applied; "
                "expected: wait a moment and send the same request again"
            )
        return Reservation(caller, key, holder)  # its first holder died mid-request
    raise KeyInProgress(f"idempotencyKey '{key[:40]}' is contended; expected: send the request again")


async def finish(reservation: Reservation, result: dict[str, Any], *, complaint_id: str | None, now: datetime) -> None:
    """Store the answer (call inside the change's transaction)."""
    await MutationReceiptRow.filter(caller=reservation.caller, key=reservation.key, holder=reservation.holder).update(
        state="done", result=result, complaint_id=complaint_id, updated_at=now
    )


async def release(reservation: Reservation) -> None:
    """Give the key back: the request failed and nothing of it left the gateway."""
    await MutationReceiptRow.filter(
        caller=reservation.caller, key=reservation.key, holder=reservation.holder, state="started"
    ).delete()


async def purge(*, now: datetime) -> int:
    """Forget receipts older than KEEP (the worker calls this); returns how many."""
    return await MutationReceiptRow.filter(created_at__lt=now - KEEP).delete()
