"""Idempotency keys for mutations: a repeat is answered from its receipt, never applied again.

`begin` reserves (caller, key) before anything is sent anywhere, in its own committed
transaction, so two copies of one request racing each other cannot both go on: the second
sees the first's reservation. The receipt is completed (`finish`) inside the transaction
that applies the change, so it exists exactly when the change does; a request that fails
before anything left the gateway gives its key back (`release`), so a corrected retry may
use it.

A reservation carries its holder's lease (`lease_until`: the write deadline plus the settle
wait of a write cut off on its way, renewed with `keep` while the holder works). A holder
that failed without giving the key back, or died, blocks its key only until then: a repeat
after it takes the reservation over atomically (a compare-and-set on the holder token, on
SQLite and PostgreSQL alike) and is told so (`Reservation.taken_over`), so it first looks
whether the earlier attempt reached its destination before it sends anything. Each
reservation has its own holder token, so the one that died cannot finish or release what
its successor holds (`finish` then fails, and the change it was part of is rolled back).
`sweep` (the worker's housekeeping) ends reservations nobody came back for: a submission's
is dropped (nothing of it was stored: its receipt is written in the same transaction), an
action's is marked `lapsed`, to be taken over, with the lookup, by its repeat.
`purge` drops receipts older than `KEEP`.

A receipt belongs to one identity, (issuer, subject), and to what that identity's token
allowed when the key was used (`access_of`): a repeat sent by the same account with a token
that now allows something else (another agency, region, role or scope) is refused with
`FORBIDDEN` rather than answered, since the stored answer was given to the access it had.

The statements (the insert, the compare-and-set, the leases) are in `gateway.store.receipts`.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from auth.principal import Principal
from gateway.store import receipts as stored
from schema.live import WriteRefused

log = logging.getLogger(__name__)

KEEP = timedelta(days=7)  # how long a repeat is recognised
RELEASE_ATTEMPTS = 3  # giving a key back through a database error that may pass


class KeyReused(WriteRefused):
    """The key was used before for a different request."""

    code = "IDEMPOTENCY_KEY_REUSED"
    http_status = 422


class KeyOutOfScope(WriteRefused):
    """A repeat from a caller whose access changed since the key was used."""

    code = "FORBIDDEN"
    http_status = 403


class KeyInProgress(WriteRefused):
    """A request with this key is still being applied."""

    code = "IDEMPOTENCY_KEY_IN_PROGRESS"


class ReservationLost(KeyInProgress):
    """This request outran its lease and a repeat of it took the key over."""


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
    # Taken over from an earlier holder that failed or died: what it sent may have landed.
    taken_over: bool = False


async def begin(
    principal: Principal, key: str, print_: str, *, now: datetime, lease: timedelta, complaint_id: str | None = None
) -> Reservation:
    """Reserve `key` for this caller's request until `now + lease`, or return the earlier answer.

    `complaint_id` is the complaint a lifecycle action acts on (None for a submission).

    Raises KeyReused, KeyInProgress, or KeyOutOfScope (a repeat from changed access)."""
    caller, holder, access = caller_of(principal), secrets.token_hex(8), access_of(principal)
    for _ in range(3):  # a key given back meanwhile is tried again
        if await stored.reserve(
            caller,
            key,
            fingerprint=print_,
            holder=holder,
            access=access,
            complaint_id=complaint_id,
            lease_until=now + lease,
            now=now,
        ):
            return Reservation(caller, key, holder)
        found = await stored.find(caller, key)
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
        # Compare-and-set on the holder token: of two repeats racing for it, one wins.
        if not await stored.take_over(found.id, held_by=found.holder, holder=holder, lease_until=now + lease, now=now):
            raise KeyInProgress(
                f"a request with idempotencyKey '{key[:40]}' is still being applied; "
                "expected: wait a moment and send the same request again"
            )
        return Reservation(caller, key, holder, taken_over=True)  # its earlier holder failed or died
    raise KeyInProgress(f"idempotencyKey '{key[:40]}' is contended; expected: send the request again")


async def keep(reservation: Reservation, *, until: datetime) -> bool:
    """Renew the lease of a reservation its holder is still working on; False if it was taken over."""
    return await stored.renew(reservation.caller, reservation.key, reservation.holder, until=until)


async def finish(reservation: Reservation, result: dict[str, Any], *, complaint_id: str | None, now: datetime) -> None:
    """Store the answer (call inside the change's transaction).

    Raises ReservationLost when a repeat took the key over meanwhile: the change must then
    not be recorded by this request (its successor records it)."""
    if not await stored.complete(
        reservation.caller, reservation.key, reservation.holder, result=result, complaint_id=complaint_id, now=now
    ):
        raise ReservationLost(
            f"the request with idempotencyKey '{reservation.key[:40]}' outran its lease and a repeat of it "
            "took over; expected: send the same request again for its answer"
        )


async def release(reservation: Reservation, *, now: datetime) -> None:
    """Give the key back: the request failed and nothing of it left the gateway.

    A lifecycle action's reservation taken over from a holder that failed or died is not
    dropped but marked `lapsed`: what that earlier holder sent may still have reached the
    system of record, so its next repeat looks there first too.

    Never raises (it runs while another error is on its way to the caller): a database
    error that does not pass leaves the key to its lease, after which a repeat takes it over."""
    for attempt in range(1, RELEASE_ATTEMPTS + 1):
        try:
            await stored.give_back(
                reservation.caller, reservation.key, reservation.holder, now=now, keep_action=reservation.taken_over
            )
            return
        except Exception:
            if attempt == RELEASE_ATTEMPTS:
                log.warning(
                    "could not give an idempotency key back; it is free again when its lease runs out", exc_info=True
                )
                return
            await asyncio.sleep(0.1 * attempt)


async def sweep(*, now: datetime) -> tuple[int, int]:
    """End the reservations whose holder's lease ran out and nobody came back for (the
    worker calls this): a submission's is dropped, since its receipt and its complaint are
    stored together and neither was; an action's is marked `lapsed`, since what it sent
    may have reached the system of record, and its repeat takes it over after a look
    there. Returns (dropped, lapsed)."""
    return await stored.sweep(now=now)


async def purge(*, now: datetime) -> int:
    """Forget receipts older than KEEP (the worker calls this); returns how many."""
    return await stored.purge(before=now - KEEP)
