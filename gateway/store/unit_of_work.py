"""The unit of work: the complaint-level writes of one transaction, and the one status path.

    async def work() -> ...:
        async with unit_of_work() as uow:
            await uow.lock([cid])
            complaint = await uow.complaint(cid, cases=scope)
            ...
            await uow.change_status(complaint, status, at=now, policy=policy, note=...)

    await transaction(work, what="...")

`unit_of_work()` opens a transaction, or joins the one already open (then the enclosing
one commits or rolls back everything). It does not run anything again: a retry after an
abort for contention is `gateway.store.transactions.transaction`'s, which runs `work`
whole again, and so a new unit of work. The object keeps no connection, row or result
between its statements (the transaction is the task's, as Tortoise tracks it), and it
refuses to be used once its `async with` ended: nothing of an aborted attempt can leak
into the next one.

A status changes in one place, `UnitOfWork.change_status`: it writes the status event,
the status, the time of the change and the derived columns (`gateway.store.derived`)
together, whether a lifecycle action changes it or a pull takes it over from a source.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Collection, Iterable, Sequence
from contextlib import asynccontextmanager
from dataclasses import replace
from datetime import date, datetime
from typing import Any

from tortoise.transactions import in_transaction

from auth.scope import RowScope
from gateway.store import rows
from gateway.store.derived import derived_columns
from gateway.store.locks import lock_complaints
from gateway.store.models import ComplaintRow, DispositionRow, FollowUpRow, ReporterReplyRow, StatusEventRow
from gateway.store.scoping import scope_q
from gateway.store.transactions import in_open_transaction
from gateway.store.writer import SubmittedBy, insert_complaints
from schema.canonical import Attachment, Complaint, Disposition, Status
from schema.deadlines import DeadlinePolicy
from schema.errors import PenghubungError

# The rows the domain reads and changes within a unit of work, named for what they are:
# a caller holds one only inside the `async with` it read it in.
StoredComplaint = ComplaintRow
StoredFollowUp = FollowUpRow


class UnitOfWorkEnded(PenghubungError, RuntimeError):
    """A unit of work was used after its transaction ended (a bug: it would write outside it)."""


class UnitOfWork:
    """The complaint-level operations of one transaction. Made by `unit_of_work()` only."""

    __slots__ = ("_open",)

    def __init__(self) -> None:
        self._open = True

    def _live(self) -> None:
        if not self._open:
            raise UnitOfWorkEnded("a unit of work was used after its transaction ended")

    # Locks and reads.

    async def lock(self, ids: Iterable[str | uuid.UUID]) -> None:
        """Lock these complaints for the rest of the transaction, in the store's lock order
        (`gateway.store.locks`): before any row of theirs is written."""
        self._live()
        await lock_complaints(ids)

    async def complaint(self, complaint_id: str | uuid.UUID, *, cases: RowScope | None = None) -> ComplaintRow | None:
        """The complaint's row (within `cases` when given), None when there is none."""
        self._live()
        if cases is None:
            return await ComplaintRow.filter(id=complaint_id).first()
        return await complaint_in_scope(complaint_id, cases)

    async def status_of(self, complaint_id: str) -> Status | None:
        """The complaint's status as stored now (None: no such complaint)."""
        self._live()
        row = await ComplaintRow.filter(id=complaint_id).only("id", "status").first()
        return row.status if row is not None else None

    # The one status path.

    async def change_status(
        self,
        complaint: ComplaintRow,
        status: Status,
        *,
        at: datetime,
        policy: DeadlinePolicy,
        note: str | None = None,
        actor_agency_id: str | None = None,
        record_event: bool = True,
        only_from: Collection[Status] | None = None,
    ) -> bool:
        """Give the complaint `status` as of `at`: its status event (unless `record_event`
        is False: the action leaves the status as it is, or the event is in already), the
        status, `updated_at` and the derived columns. Returns whether it applied.

        Without `only_from` the row is saved whole, with whatever else the caller changed
        on it. With `only_from`, only over a stored status in it (one conditional UPDATE: a
        change made meanwhile by someone holding the row is not overwritten); the row
        object is not changed then, and False says another change came first.
        """
        self._live()
        cid = complaint.id
        if only_from is not None:
            claimed = await ComplaintRow.filter(id=cid, status__in=list(only_from)).update(status=status, updated_at=at)
            if not claimed:
                return False
        if record_event:
            await StatusEventRow.create(
                complaint_id=cid, status=status, at=at, actor_agency_id=actor_agency_id, note=note
            )
        if only_from is not None:
            derived = await self._derived(replace(rows.complaint_from_row(complaint), status=status), policy)
            await ComplaintRow.filter(id=cid).update(**derived)
            return True
        complaint.status = status
        complaint.updated_at = at
        for column, value in (await self._derived(rows.complaint_from_row(complaint), policy)).items():
            setattr(complaint, column, value)
        await complaint.save()
        return True

    @staticmethod
    async def _derived(complaint: Complaint, policy: DeadlinePolicy) -> dict[str, object]:
        history = [
            rows.status_event_from_row(e)
            for e in await StatusEventRow.filter(complaint_id=complaint.id).order_by("at", "id")
        ]
        return derived_columns(complaint, history, policy)

    # Other changes of the complaint row.

    async def touch(self, complaint: ComplaintRow, *, at: datetime) -> None:
        """Record that the complaint changed at `at` (something was added to it)."""
        self._live()
        complaint.updated_at = at
        await complaint.save(update_fields=["updated_at"])

    async def fill_in(
        self, complaint_id: str | uuid.UUID, *, category_id: str | None, incident_date: date | None
    ) -> None:
        """Set the complaint's category and incident date (those given: not None)."""
        self._live()
        filled: dict[str, object] = {}
        if category_id is not None:
            filled["category_id"] = category_id
        if incident_date is not None:
            filled["incident_date"] = incident_date
        if filled:
            await ComplaintRow.filter(id=complaint_id).update(**filled)

    # New complaints and the rows that hang off one.

    async def insert(
        self, complaints: Sequence[Complaint], *, submitted_by: SubmittedBy, policy: DeadlinePolicy
    ) -> None:
        """Store new complaints with everything they carry (`gateway.store.writer`)."""
        self._live()
        await insert_complaints(complaints, submitted_by=submitted_by, policy=policy)

    async def add_disposition(self, complaint_id: str | uuid.UUID, d: Disposition) -> None:
        """Append one hop to the complaint's disposition trail."""
        self._live()
        await DispositionRow.create(
            complaint_id=complaint_id,
            kind=d.kind,
            from_agency_id=d.from_agency_id,
            to_agency_id=d.to_agency_id,
            at=d.at,
            note=d.note,
        )

    async def add_follow_up(
        self,
        complaint_id: str | uuid.UUID,
        *,
        key: str,
        agency_id: str,
        content: str,
        at: datetime,
        attachments: Sequence[Attachment],
        origin_system: str,
        links: dict[str, str] | None = None,
    ) -> FollowUpRow:
        """Store one follow-up (its text fingerprint `key`; `links`: its ids in other systems)."""
        self._live()
        values: dict[str, Any] = {} if links is None else {"links": links}
        return await FollowUpRow.create(
            complaint_id=complaint_id,
            agency_id=agency_id,
            content=content,
            at=at,
            key=key,
            origin_system=origin_system,
            attachments=[rows.attachment_to_dict(a) for a in attachments],
            **values,
        )

    async def add_reply(self, complaint_id: str | uuid.UUID, content: str, at: datetime) -> None:
        """Store one reporter reply (tanggapan pelapor)."""
        self._live()
        await ReporterReplyRow.create(complaint_id=complaint_id, content=content, at=at)


async def complaint_in_scope(complaint_id: str | uuid.UUID, cases: RowScope) -> ComplaintRow | None:
    """The complaint's row if it is within `cases` (a read of its own, in or out of a unit of work)."""
    return await ComplaintRow.filter(await scope_q(cases), id=complaint_id).first()


@asynccontextmanager
async def unit_of_work() -> AsyncIterator[UnitOfWork]:
    """`async with unit_of_work() as uow:` one transaction (the open one, if any) for the
    writes inside; everything commits together or nothing does."""
    uow = UnitOfWork()
    try:
        if in_open_transaction():
            yield uow
        else:
            async with in_transaction():
                yield uow
    finally:
        uow._open = False


__all__ = [
    "StoredComplaint",
    "StoredFollowUp",
    "UnitOfWork",
    "UnitOfWorkEnded",
    "complaint_in_scope",
    "unit_of_work",
]
