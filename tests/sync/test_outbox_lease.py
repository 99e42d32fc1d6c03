"""Leasing the outbox: workers leasing at the same moment never get the same entry (on
PostgreSQL each skips the rows another is leasing; SQLite serialises writers)."""

from __future__ import annotations

import asyncio
from collections import Counter
from datetime import UTC, datetime

from gateway.store.writer import insert_complaints
from gateway.sync import outbox
from tests.factories import make_complaint


async def test_concurrent_leases_never_hand_out_one_entry_twice(database_url: str) -> None:
    complaint = make_complaint()
    await insert_complaints([complaint])
    now = datetime.now(UTC)
    for n in range(120):
        await outbox.enqueue(
            "lapor", "follow_up", complaint.id, f"follow_up:{complaint.id}:{n}", now=now, payload={"key": str(n)}
        )
    handed: Counter[int] = Counter()
    for _ in range(6):
        rounds = await asyncio.gather(*(outbox.lease(f"worker-{w}", now=now, limit=20) for w in range(4)))
        handed.update(d.id for leased in rounds for d in leased)
    assert handed and max(handed.values()) == 1, [i for i, n in handed.items() if n > 1][:5]
    assert len(handed) == 120  # and every entry was handed out
