"""Dead letters: deliveries that gave up, with the tracking id of their complaint; and an
operator's confirmation that an in-doubt create is at its destination after all.

Read by `penghubung sync dead-letters` and `confirm`; kept here so the commands do not
query the ORM.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from tortoise.transactions import in_transaction

from gateway.store.models import ComplaintRow, ComplaintSourceRow, OutboxRow
from gateway.store.outbox import DEAD, DONE
from schema.canonical import Status
from schema.errors import PenghubungError


class NotConfirmable(PenghubungError):
    """The dead letter cannot be confirmed as asked; the message says why."""

    code = "NOT_CONFIRMABLE"


@dataclass(frozen=True, slots=True)
class DeadLetter:
    """One dead delivery, as an operator reads it."""

    id: int
    destination: str
    kind: str
    tracking_id: str  # "?" when the complaint is gone
    attempts: int
    last_error: str | None
    in_doubt: bool = False  # the write may be at the destination already
    queued_at: datetime | None = None
    buried_at: datetime | None = None

    @property
    def create_in_doubt(self) -> bool:
        """A create that was sent and not answered: a person checks the destination."""
        return self.kind == "create" and self.in_doubt


async def dead_letters(destination: str | None = None, *, limit: int = 500) -> list[DeadLetter]:
    """The oldest `limit` dead letters (of one destination, if given)."""
    query = OutboxRow.filter(state=DEAD).order_by("id")
    if destination:
        query = query.filter(destination=destination)
    dead = await query.limit(limit)
    tracking = (
        {
            str(cid): tid
            for cid, tid in await ComplaintRow.filter(id__in=[d.complaint_id for d in dead]).values_list(
                "id", "tracking_id"
            )
        }
        if dead
        else {}
    )
    # Complaint ids come back as UUIDs from one backend and strings from another: keyed as text.
    return [
        DeadLetter(
            d.id,
            d.destination,
            d.kind,
            tracking.get(str(d.complaint_id), "?"),
            d.attempts,
            d.last_error,
            d.in_doubt,
            d.created_at,
            d.updated_at,
        )
        for d in dead
    ]


async def latest_reasons() -> dict[str, str | None]:
    """Each destination's newest dead letter's reason (destinations with none are absent)."""
    newest: dict[str, str | None] = {}
    for destination, reason in (
        await OutboxRow.filter(state=DEAD).order_by("-updated_at", "-id").values_list("destination", "last_error")
    ):
        newest.setdefault(destination, reason)
    return newest


async def confirm_created(entry_id: int, source_id: str, *, now: datetime) -> tuple[str, str]:
    """Settle a dead create as delivered: its destination holds it as `source_id` (a person
    found it there). Links the complaint to that record and marks the entry done; nothing
    is sent. Returns (complaint id, destination). Raises NotConfirmable."""
    source_id = source_id.strip()
    if not source_id or len(source_id) > 120:
        raise NotConfirmable("the id at the destination must be 1 to 120 characters")
    async with in_transaction():
        entry = await OutboxRow.filter(id=entry_id).select_for_update().first()
        if entry is None or entry.state != DEAD or entry.kind != "create":
            raise NotConfirmable(f"{entry_id} is not a dead letter of a create (see `penghubung sync dead-letters`)")
        cid, system = str(entry.complaint_id), entry.destination
        holder = await ComplaintSourceRow.filter(system=system, source_id=source_id).first()
        if holder is not None and str(holder.complaint_id) != cid:
            raise NotConfirmable(f"{system}/{source_id} is already linked to another complaint; never merged")
        linked = await ComplaintSourceRow.filter(complaint_id=cid, system=system).first()
        if linked is not None and linked.source_id != source_id:
            raise NotConfirmable(f"the complaint is already linked to {system}/{linked.source_id}")
        if linked is None:
            await ComplaintSourceRow.create(
                complaint_id=cid,
                system=system,
                source_id=source_id,
                synced_at=now,
                status=Status.BELUM_TERVERIFIKASI,  # where every system starts a new record
            )
        await OutboxRow.filter(id=entry_id).update(
            state=DONE,
            done_at=now,
            updated_at=now,
            in_doubt=False,
            last_error=f"confirmed by an operator: {system} holds it as {source_id}"[:300],
        )
    return cid, system
