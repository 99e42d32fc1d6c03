"""Subscriptions share one read of a changed complaint per event and case scope: a token
holding many streams costs the store one read per change, and no scope ever sees another's
read."""

from __future__ import annotations

import asyncio

from auth.scope import AllRows, RowScope
from schema.graphql.shared_reads import SharedReads


async def test_streams_of_one_scope_share_a_read_and_other_scopes_read_their_own() -> None:
    reads = SharedReads()
    calls: list[str] = []

    async def load(who: str) -> str:
        calls.append(who)
        await asyncio.sleep(0.01)
        return who

    mine, theirs = RowScope.of(AllRows()), RowScope()
    answers = await asyncio.gather(
        *(reads.read(("c-1", "status", 1, mine), lambda: load("mine")) for _ in range(50)),
        reads.read(("c-1", "status", 1, theirs), lambda: load("theirs")),
    )
    assert calls == ["mine", "theirs"]
    assert answers == ["mine"] * 50 + ["theirs"]
    # A later event about the same complaint is read again.
    assert await reads.read(("c-1", "status", 2, mine), lambda: load("again")) == "again"
    assert calls == ["mine", "theirs", "again"]


async def test_a_subscriber_that_leaves_does_not_cancel_the_read_for_the_others() -> None:
    reads = SharedReads()
    release = asyncio.Event()

    async def load() -> str:
        await release.wait()
        return "complaint"

    leaving = asyncio.ensure_future(reads.read("k", load))
    staying = asyncio.ensure_future(reads.read("k", load))
    await asyncio.sleep(0)
    leaving.cancel()
    release.set()
    assert await staying == "complaint"


async def test_a_failed_read_reaches_every_sharer_and_the_oldest_reads_are_forgotten() -> None:
    reads = SharedReads(kept=2)

    async def broken() -> str:
        raise RuntimeError("database went away")

    results = await asyncio.gather(reads.read("k", broken), reads.read("k", broken), return_exceptions=True)
    assert all(isinstance(r, RuntimeError) for r in results)

    async def value(v: str) -> str:
        return v

    for key in ("a", "b", "c"):
        await reads.read(key, lambda key=key: value(key))
    assert await reads.read("k", lambda: value("read afresh")) == "read afresh"
