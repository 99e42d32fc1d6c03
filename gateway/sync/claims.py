"""Short holds on a name, shared by every process through the database (`delivery_claim`).

One create or follow-up to one destination is delivered by one worker at a time, and one
change to a complaint is written through to its owner by one request at a time. A hold
expires on its own, so a process that dies holding one blocks nobody for long.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from tortoise.transactions import in_transaction

from gateway.store.models import DeliveryClaimRow


async def take(name: str, owner: str, *, now: datetime, hold: timedelta) -> bool:
    """Take the hold on `name` until `now + hold` (committed at once, so others see it);
    False while someone else's hold is live."""
    async with in_transaction() as tx:
        postgres = tx.capabilities.dialect == "postgres"
        marks = ("$1", "$2", "$3", "$4") if postgres else ("?", "?", "?", "?")
        until, now_v = (now + hold, now) if postgres else ((now + hold).isoformat(), now.isoformat())
        # Insert, or take over a hold that has run out; a live hold is left alone.
        rows = await tx.execute_query_dict(
            f"INSERT INTO delivery_claim (name, owner, until) VALUES ({marks[0]}, {marks[1]}, {marks[2]}) "
            f"ON CONFLICT (name) DO UPDATE SET owner = excluded.owner, until = excluded.until "
            f"WHERE delivery_claim.until < {marks[3]} RETURNING name",
            [name, owner, until, now_v],
        )
    return bool(rows)


async def release(name: str, owner: str) -> None:
    """Let go of a hold (only the owner's own)."""
    await DeliveryClaimRow.filter(name=name, owner=owner).delete()
