"""Transactions run again, whole, when the database aborts them for contention.

PostgreSQL ends one side of a deadlock (`40P01 deadlock_detected`) and, at stricter
isolation levels, a transaction that cannot be serialised (`40001 serialization_failure`);
both are rolled back entirely and are safe to run again from the start. SQLite's
"database is locked" (another process held the write lock past the busy timeout) is the
same kind of thing: nothing of the transaction was kept. `transaction()` runs a unit of
work in one transaction and, on such an abort, runs the *whole* unit again (never only the
failed statement) a bounded number of times, with exponential backoff and full jitter so
two colliding writers do not collide again in lockstep. After the last attempt it raises
`StoreBusy`, which has a code and tells the client to try again.

Only the outermost transaction is retried: inside an enclosing transaction the abort has
already doomed the enclosing one, so the work runs once and the abort travels up to the
`transaction()` that opened it.

The lock order that keeps deadlocks rare in the first place is in `gateway.store.locks`.
"""

from __future__ import annotations

import asyncio
import logging
import random
import sqlite3
from collections.abc import Awaitable, Callable
from typing import TypeVar

from tortoise.backends.base.client import TransactionalDBClient
from tortoise.connection import get_connection
from tortoise.transactions import in_transaction

from schema.errors import PenghubungError

log = logging.getLogger(__name__)

T = TypeVar("T")

# Attempts in all (the first included); with the backoff below the last one starts within
# about a second of the first, well inside a write's deadline.
ATTEMPTS = 6
# Backoff before attempt n+1: uniform in [0, min(BACKOFF_CAP, BACKOFF_BASE * 2**n)] seconds.
BACKOFF_BASE = 0.02
BACKOFF_CAP = 0.4
# PostgreSQL's SQLSTATEs for a transaction it rolled back so that another could go on.
RETRYABLE_SQLSTATES = frozenset({"40P01", "40001"})
# SQLite's messages for a write lock another connection held too long.
_SQLITE_BUSY = ("database is locked", "database table is locked")


class StoreBusy(PenghubungError):
    """A change kept colliding with concurrent changes to the same rows; nothing of it was kept."""

    code = "STORE_BUSY"
    http_status = 503
    # Nothing was applied and trying again may work: the caller may read that.
    public = True


def is_contention(exc: BaseException) -> bool:
    """Whether `exc` (or what it wraps) is an abort for contention, safe to run again whole.

    Tortoise passes asyncpg's DeadlockDetectedError / SerializationError through or wraps
    them (OperationalError(original)); SQLite's busy error arrives wrapped in Tortoise's
    OperationalError with the sqlite3 error as its argument and context.
    """
    seen: set[int] = set()
    pending: list[BaseException] = [exc]
    while pending:
        e = pending.pop()
        if id(e) in seen:
            continue
        seen.add(id(e))
        if getattr(e, "sqlstate", None) in RETRYABLE_SQLSTATES:
            return True
        if isinstance(e, sqlite3.OperationalError) and any(m in str(e) for m in _SQLITE_BUSY):
            return True
        pending.extend(a for a in e.args if isinstance(a, BaseException))
        pending.extend(x for x in (e.__cause__, e.__context__) if x is not None)
    return False


def in_open_transaction() -> bool:
    """Whether the current task is inside a transaction already (its work cannot be re-run alone)."""
    return isinstance(get_connection("default"), TransactionalDBClient)


def backoff(attempt: int) -> float:
    """Seconds to wait after failed attempt `attempt` (1-based): full jitter, capped."""
    return random.uniform(0.0, min(BACKOFF_CAP, BACKOFF_BASE * 2**attempt))


async def transaction(work: Callable[[], Awaitable[T]], *, what: str, attempts: int = ATTEMPTS) -> T:
    """Run `work()` in one transaction; run it again whole after an abort for contention.

    `work` must be safe to run again from its start: everything it wrote to the database
    was rolled back, so it must not carry state from an earlier attempt (start its lists
    afresh inside it). `what` names the unit of work in logs.

    Raises:
        StoreBusy: every attempt was aborted for contention.
    """
    if in_open_transaction():
        # The enclosing transaction is doomed by an abort; its own runner repeats it.
        return await work()
    attempt = 1
    while True:
        try:
            async with in_transaction():
                return await work()
        except Exception as exc:
            if not is_contention(exc):
                raise
            if attempt >= attempts:
                log.warning("%s: aborted for contention %d times; given up", what, attempt)
                raise StoreBusy(
                    f"the change collided with concurrent changes to the same complaint {attempt} times "
                    "and was not applied; expected: try again in a moment"
                ) from exc
            log.info("%s: aborted for contention (%s), attempt %d; running it again", what, type(exc).__name__, attempt)
            await asyncio.sleep(backoff(attempt))
            attempt += 1


__all__ = ["ATTEMPTS", "StoreBusy", "in_open_transaction", "is_contention", "transaction"]
