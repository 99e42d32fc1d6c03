"""A transaction PostgreSQL ends as one side of a real deadlock is run again whole and
succeeds; one that keeps colliding ends as STORE_BUSY, never an unexplained error.

The deadlock is real: the store's own pool and a second connection lock two complaint
rows in opposite orders. The other connection is told to wait longer before it looks for
deadlocks (a session setting), so PostgreSQL always picks the store's transaction as the
one to end."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import asyncpg
import pytest
from tortoise.transactions import in_transaction

from gateway.store.models import ComplaintRow
from gateway.store.transactions import StoreBusy, is_contention, transaction
from gateway.store.writer import insert_complaints
from tests.factories import make_complaint

pytestmark = pytest.mark.postgres


@pytest.fixture
async def other(database_url: str) -> AsyncIterator[asyncpg.Connection]:
    """A second real connection to the same database, outside the store's pool."""
    conn = await asyncpg.connect(database_url.replace("postgres://", "postgresql://", 1))
    # The store's pool keeps PostgreSQL's default (1 s): its transaction is the one ended.
    await conn.execute("SET deadlock_timeout = '10s'")
    try:
        yield conn
    finally:
        await conn.close()


async def _two_complaints() -> tuple[str, str]:
    a, b = make_complaint(), make_complaint()
    await insert_complaints([a, b])
    return a.id, b.id


async def _opposite_order(
    other: asyncpg.Connection, a: str, b: str, store_has_a: asyncio.Event, other_has_b: asyncio.Event
) -> None:
    """The other side: lock b, wait until the store holds a, then want a."""
    async with other.transaction():
        await other.execute("UPDATE complaint SET address = 'other' WHERE id = $1", b)
        other_has_b.set()
        await store_has_a.wait()
        await other.execute("UPDATE complaint SET address = 'other' WHERE id = $1", a)


async def test_a_deadlocked_transaction_is_run_again_whole_and_succeeds(other: asyncpg.Connection) -> None:
    a, b = await _two_complaints()
    store_has_a, other_has_b = asyncio.Event(), asyncio.Event()
    attempts: list[BaseException | None] = []

    async def work() -> str:
        attempts.append(None)
        await ComplaintRow.filter(id=a).update(address="store")
        if len(attempts) == 1:
            # Only the first attempt meets the other side half-way: a deadlock.
            store_has_a.set()
            await other_has_b.wait()
        await ComplaintRow.filter(id=b).update(address="store")
        return "done"

    side = asyncio.create_task(_opposite_order(other, a, b, store_has_a, other_has_b))
    assert await transaction(work, what="test") == "done"
    await side  # the other side went through once the store's first attempt was ended
    assert len(attempts) == 2
    # Both rows hold the store's write, made after the other side committed.
    assert set(await ComplaintRow.filter(id__in=[a, b]).values_list("address", flat=True)) == {"store"}


async def test_a_transaction_that_keeps_colliding_ends_as_store_busy(other: asyncpg.Connection) -> None:
    a, b = await _two_complaints()
    store_has_a, other_has_b = asyncio.Event(), asyncio.Event()

    async def work() -> None:
        await ComplaintRow.filter(id=a).update(address="store")
        store_has_a.set()
        await other_has_b.wait()
        await ComplaintRow.filter(id=b).update(address="store")

    side = asyncio.create_task(_opposite_order(other, a, b, store_has_a, other_has_b))
    with pytest.raises(StoreBusy) as raised:
        await transaction(work, what="test", attempts=1)
    await side
    assert raised.value.code == "STORE_BUSY"
    assert is_contention(raised.value.__cause__)  # type: ignore[arg-type]
    # Nothing of the ended attempt was kept.
    assert set(await ComplaintRow.filter(id__in=[a, b]).values_list("address", flat=True)) == {"other"}


async def test_inside_an_enclosing_transaction_the_abort_goes_up_to_it(other: asyncpg.Connection) -> None:
    """Re-running only the inner part would run it in a transaction PostgreSQL already ended."""
    a, b = await _two_complaints()
    store_has_a, other_has_b = asyncio.Event(), asyncio.Event()
    inner_runs = 0

    async def work() -> None:
        nonlocal inner_runs
        inner_runs += 1
        await ComplaintRow.filter(id=a).update(address="store")
        store_has_a.set()
        await other_has_b.wait()
        await ComplaintRow.filter(id=b).update(address="store")

    side = asyncio.create_task(_opposite_order(other, a, b, store_has_a, other_has_b))
    with pytest.raises(Exception) as raised:
        async with in_transaction():
            await transaction(work, what="test")
    await side
    assert inner_runs == 1
    assert is_contention(raised.value)
