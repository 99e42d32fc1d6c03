"""Short holds on a name, shared by every process through the database (`delivery_claim`).

One create or follow-up to one destination is delivered by one worker at a time, and one
change to a complaint is written through to its owner by one request at a time. A hold
expires on its own, so a process that dies holding one blocks nobody for long; a
delivery that may have reached its destination keeps its hold a while longer, so that
no other attempt looks for the write there before it can have landed.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import cast

from tortoise.transactions import in_transaction

from gateway.store.models import DeliveryClaimRow


def _moment(value: datetime, postgres: bool) -> datetime | str:
    # SQLite compares the column as text: every value written here has the same ISO form.
    return value if postgres else value.astimezone(UTC).isoformat(timespec="microseconds")


async def take(name: str, owner: str, *, now: datetime, hold: timedelta) -> bool:
    """Take the hold on `name` until `now + hold` (committed at once, so others see it);
    False while a hold is live, whoever has it (the same owner too: a hold kept on
    purpose, see `keep`, must stop its own owner as well)."""
    async with in_transaction() as tx:
        postgres = tx.capabilities.dialect == "postgres"
        marks = ("$1", "$2", "$3", "$4") if postgres else ("?", "?", "?", "?")
        until, now_v = _moment(now + hold, postgres), _moment(now, postgres)
        # Insert, or take over a hold that has run out; a live hold is left alone.
        rows = await tx.execute_query_dict(
            f"INSERT INTO delivery_claim (name, owner, until) VALUES ({marks[0]}, {marks[1]}, {marks[2]}) "
            f"ON CONFLICT (name) DO UPDATE SET owner = excluded.owner, until = excluded.until "
            f"WHERE delivery_claim.until < {marks[3]} RETURNING name",
            [name, owner, until, now_v],
        )
    return bool(rows)


async def keep(name: str, owner: str, *, until: datetime) -> None:
    """Hold on to `name` until `until` instead of letting go (only the owner's own hold)."""
    async with in_transaction() as tx:
        postgres = tx.capabilities.dialect == "postgres"
        marks = ("$1", "$2", "$3") if postgres else ("?", "?", "?")
        await tx.execute_query(
            f"UPDATE delivery_claim SET until = {marks[0]} WHERE name = {marks[1]} AND owner = {marks[2]}",
            [_moment(until, postgres), name, owner],
        )


async def held_until(name: str) -> datetime | None:
    """When the hold on `name` runs out (None: nobody holds it)."""
    # Tortoise types every values_list as tuples; flat=True gives the bare values.
    found = cast(list[datetime], await DeliveryClaimRow.filter(name=name).values_list("until", flat=True))
    return found[0] if found else None


async def release(name: str, owner: str) -> None:
    """Let go of a hold (only the owner's own)."""
    await DeliveryClaimRow.filter(name=name, owner=owner).delete()
