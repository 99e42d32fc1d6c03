"""Dead letters: deliveries that gave up, with the tracking id of their complaint.

Read by `penghubung sync dead-letters`; kept here so the command does not query the ORM.
"""

from __future__ import annotations

from dataclasses import dataclass

from gateway.store.models import ComplaintRow, OutboxRow

DEAD = "dead"  # the outbox state of a delivery that gave up (gateway.sync.outbox.DEAD)


@dataclass(frozen=True, slots=True)
class DeadLetter:
    """One dead delivery, as an operator reads it."""

    id: int
    destination: str
    kind: str
    tracking_id: str  # "?" when the complaint is gone
    attempts: int
    last_error: str | None


async def dead_letters(destination: str | None = None, *, limit: int = 500) -> list[DeadLetter]:
    """The oldest `limit` dead letters (of one destination, if given)."""
    query = OutboxRow.filter(state=DEAD).order_by("id")
    if destination:
        query = query.filter(destination=destination)
    dead = await query.limit(limit)
    tracking = {
        str(cid): tid
        for cid, tid in await ComplaintRow.filter(id__in=[d.complaint_id for d in dead]).values_list("id", "tracking_id")  # type: ignore[attr-defined]
    } if dead else {}
    # Complaint ids come back as UUIDs from one backend and strings from another: keyed as text.
    return [
        DeadLetter(d.id, d.destination, d.kind, tracking.get(str(d.complaint_id), "?"), d.attempts, d.last_error)  # type: ignore[attr-defined]
        for d in dead
    ]


async def latest_reasons() -> dict[str, str | None]:
    """Each destination's newest dead letter's reason (destinations with none are absent)."""
    newest: dict[str, str | None] = {}
    for destination, reason in await OutboxRow.filter(state=DEAD).order_by("-updated_at", "-id").values_list(
        "destination", "last_error"
    ):
        newest.setdefault(destination, reason)
    return newest
