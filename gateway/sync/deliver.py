"""Delivering one outbox entry through its destination's connector, and settling it.

At-least-once delivery, exactly-once effect: a create carries the complaint's id as its
external reference; when an earlier attempt may have reached the destination (in doubt)
and the destination cannot recognise a repeat by itself, the record is looked up there
first, and not before the earlier attempt can have landed (its claim is kept until then,
whatever the entries' schedule says). A status delivery sends the status the complaint has now, and not at all when the
destination is already as far along, so late, repeated or reordered deliveries converge
and never move a system backwards; nor when the destination is the complaint's system of
record and changed the status itself since it was last read (its word wins: the next pull
brings it into the index). What the destination refuses (4xx) becomes a dead
letter with the reason; what fails for now is retried with backoff.

An entry ends in exactly one of two ways: delivered (the destination confirmed it, or is
verifiably already as far: already linked, already at that status, moved ahead on its
own, already there, another entry delivered it), or a dead letter saying what was wrong.
Nothing is finished unsent: what cannot be sent once queued (its mapping has no word for
a value in it, such as a category or an OPD; the complaint or follow-up was deleted
meanwhile) is a dead letter, so `penghubung sync dead-letters` shows it and a person
decides. What a destination could never take at all (no such write in its mapping, or no
word for the status) is not queued in the first place (`outbox.enqueue_if_taken`, which
logs and counts it; `penghubung sync status` lists the statuses each system is never sent).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum

from connectors.errors import ConnectorError, UpstreamRejected
from connectors.failures import Doubt, Failure, Kind, Next, classify, in_words
from connectors.http import watching_writes
from connectors.mapping import MappingError
from connectors.protocol import (
    Capability,
    Connector,
    FollowUp,
    NewComplaint,
    StatusChange,
    Unsupported,
    read_back,
)
from connectors.records import SourceComplaint
from gateway.store import claims, hops, outbound, source_links
from gateway.store import outbox as outbox_table
from gateway.store.locks import lock_complaints
from gateway.store.outbound import OutboundComplaint
from gateway.store.outbox import Delivery
from gateway.store.source_details import reply_texts
from gateway.store.source_links import SourceLink
from gateway.store.transactions import transaction
from gateway.sync import outbox
from gateway.sync.propagate import home_regency, is_owner, status_key
from gateway.sync.replies import find_reply, is_reply_key, reply_key
from gateway.sync.topology import Topology
from schema.canonical import Status
from schema.lifecycle import Action, is_further

log = logging.getLogger(__name__)

_ACTION_NAMES = frozenset(a.value for a in Action)


class Outcome(StrEnum):
    """How one delivery attempt ended."""

    DONE = "done"  # the destination confirmed it, or verifiably has it already
    RETRY = "retry"  # tried again later
    DEAD = "dead"  # a dead letter, with its reason
    OVERTAKEN = "overtaken"  # another worker has the entry now; this one left it alone
    ERROR = "error"  # the deliverer itself failed: the lease runs out and it comes back


@dataclass(frozen=True, slots=True)
class Delivered:
    """The destination has it: it confirmed the write, or verifiably holds it already
    (already linked, at that status, another entry delivered it); `note` says which."""

    note: str


@dataclass(frozen=True, slots=True)
class NotYet:
    """The destination does not hold the complaint yet (its create is still in the outbox,
    or a dead letter waiting to be replayed): tried again after `after` seconds."""

    after: float = 2.0


@dataclass(frozen=True, slots=True)
class Dead:
    """The write cannot be sent as it stands: a dead letter with this reason (what is wrong
    and what would fix it); `in_doubt` None keeps what the entry knew."""

    reason: str
    in_doubt: bool | None = None


# What a kind's handler decided, short of a connector failure (which is classified).
Step = Delivered | NotYet | Dead


def claim_name(destination: str, kind: str, complaint_id: str, key: str = "") -> str | None:
    """The claim of a write that must not run twice at once: one create per (destination,
    complaint), one follow-up per (destination, complaint, text); duplicated entries and a
    lease that ran out mid-delivery would otherwise race past each other's checks. None
    for a status (sending the current status twice sets it once)."""
    if kind == "create":
        return f"{destination}|{complaint_id}"
    if kind == "follow_up":
        return f"{destination}|{complaint_id}|{key}"
    return None


async def _status_note(row: OutboundComplaint) -> str | None:
    """The note of the status event that made the complaint's current status (why it was
    verified, held, archived, handed on), so the destination's staff read the same reason.
    A bare action name is what the lifecycle stores when no note was given: not a note."""
    note = (await outbound.status_note(row.id, row.status) or "").strip()
    return note if note and note not in _ACTION_NAMES else None


async def _disposed_unit(row: OutboundComplaint) -> str | None:
    """The OPD the complaint is disposed to (the unit of its latest disposition hop), and
    only for DIDISPOSISIKAN: the routed agency is not a unit, and a mapping whose unit map
    lists OPDs only could not send a plain verify otherwise."""
    if row.status is not Status.DIDISPOSISIKAN:
        return None
    return await hops.current_unit(row.id)


async def queue_what_the_copy_lacks(topology: Topology, row: OutboundComplaint, dest: str, *, now: datetime) -> None:
    """Bring a new copy at `dest` up to date: the status and follow-ups it was created
    without (a create starts at BELUM_TERVERIFIKASI everywhere). Only for this destination:
    the others have them already, or have them coming. Also after an operator confirmed
    an in-doubt create (`penghubung sync confirm`)."""
    cid = row.id
    if row.status not in (Status.SUBMITTED, Status.BELUM_TERVERIFIKASI):
        key = await status_key(cid, row.status.value)
        await outbox.enqueue_if_taken(topology, dest, "status", cid, key, now=now, status=row.status.value)
    keys = await outbound.follow_up_keys(cid)
    if topology.takes(dest, "reply"):
        keys += [reply_key(text) for text in await reply_texts(cid)]
    for key in keys:
        await outbox.enqueue_if_taken(
            topology, dest, "follow_up", cid, f"follow_up:{cid}:{key}", now=now, payload={"key": key}
        )


def _utcnow() -> datetime:
    return datetime.now(UTC)


@dataclass
class Deliverer:
    """Delivers leased entries to the configured connectors."""

    connectors: Mapping[str, Connector]
    topology: Topology
    clock: Callable[[], datetime] = _utcnow
    max_attempts: int = outbox.MAX_ATTEMPTS
    backoff_max: float = outbox.BACKOFF_MAX
    owner: str = "worker"
    deadline: float = 28.0  # seconds one delivery may take (below the lease)
    settle_wait: float = 30.0  # seconds before an in-doubt write is looked up at its destination
    hold: timedelta = timedelta(seconds=60)  # a claim outlives the delivery's deadline and settle wait

    def __post_init__(self) -> None:
        self._locks: dict[str, asyncio.Lock] = {}
        # Entries whose attempt may have sent the write, and until when it may still land.
        self._settling: dict[int, datetime] = {}

    async def _retry(
        self, d: Delivery, error: str, *, in_doubt: bool, after: float | None = None, refund: bool = False
    ) -> Outcome:
        """Settle the entry for another try (or as a dead letter once its tries are used up)."""
        now = self.clock()
        if in_doubt and not refund:
            # A request that timed out may still be applied a little later; looking it up
            # at once could miss it and send it again. Wait until it has surely landed
            # (the claim is kept until the same moment: see `_deliver_claimed`).
            after = max(after or 0.0, self.settle_wait)
            self._settling[d.id] = now + timedelta(seconds=self.settle_wait)
        kept = await outbox.retry(
            d,
            error,
            now=now,
            in_doubt=in_doubt,
            after=after,
            max_attempts=self.max_attempts,
            backoff_max=self.backoff_max,
            refund=refund,
        )
        return Outcome.RETRY if kept else Outcome.DEAD

    def _lock_name(self, d: Delivery) -> str | None:
        return claim_name(d.destination, d.kind, d.complaint_id, str(d.payload.get("key", "")))

    async def deliver(self, d: Delivery) -> Outcome:
        """Deliver one entry and settle it; returns the outcome (done, retry, dead, overtaken)."""
        name = self._lock_name(d)
        if name is None:
            try:
                return await self._deliver(d)
            finally:
                self._settling.pop(d.id, None)
        lock = self._locks.setdefault(name, asyncio.Lock())
        try:
            async with lock:  # within this worker
                return await self._deliver_claimed(d, name)
        finally:
            if not lock.locked():
                self._locks.pop(name, None)  # nobody else waits for it: keep the map small

    async def _deliver_claimed(self, d: Delivery, name: str) -> Outcome:
        owner = f"{self.owner}:{d.id}"
        if not await claims.take(name, owner, now=self.clock(), hold=self.hold):  # across workers
            until = await claims.held_until(name)
            wait = (until - self.clock()).total_seconds() if until is not None else 0.0
            return await self._retry(
                d,
                "another attempt at the same write is under way, or has not settled yet",
                in_doubt=d.in_doubt,
                after=min(max(wait, 1.0), self.settle_wait),
                refund=True,
            )
        if not await outbox.still_mine(d):
            # Overtaken while waiting for the claim: the other worker has (or had)
            # this entry, and what this worker knows of it is stale.
            await claims.release(name, owner)
            return Outcome.OVERTAKEN
        outcome = None
        try:
            outcome = await self._deliver(d)
        finally:
            settling = self._settling.pop(d.id, None)
            if outcome is None:  # this worker failed mid-way: the write may be out
                settling = self.clock() + timedelta(seconds=self.settle_wait)
            if settling is not None:
                # The write may have been sent and may still land (whether the entry is
                # retried or now a dead letter): nobody, this entry included, looks it up
                # or sends it again before then, whatever the entries' schedule says.
                await claims.keep(name, owner, until=settling)
            else:
                await claims.release(name, owner)
        return outcome

    async def _deliver(self, d: Delivery) -> Outcome:
        if d.attempts > self.max_attempts + 3:
            # Leased again and again without being settled: the worker dies or fails on it.
            await outbox.bury(
                d, f"the worker failed on it {d.attempts - 1} times without an answer", now=self.clock(), in_doubt=True
            )
            return Outcome.DEAD
        connector = self.connectors.get(d.destination)
        if connector is None:
            await outbox.bury(d, f"no connector is configured for {d.destination}", now=self.clock())
            return Outcome.DEAD
        try:
            # Settled well within the lease, so no other worker takes it over meanwhile.
            with watching_writes() as writes:
                async with asyncio.timeout(self.deadline):
                    if d.kind == "create":
                        step = await self._create(d, connector)
                    elif d.kind == "status":
                        step = await self._status(d, connector)
                    else:
                        step = await self._follow_up(d, connector)
        except Exception as exc:
            failure = classify(exc, left=writes.may_have_left)  # type: ignore[possibly-undefined]  # bound as the with-block is entered
            if failure is None:
                raise
            return await self._failed(d, exc, failure)
        return await self._settle(d, step)

    async def _settle(self, d: Delivery, step: Step) -> Outcome:
        """Settle the entry as its handler decided."""
        if isinstance(step, NotYet):
            return await self._retry(
                d, f"{d.destination} does not hold the complaint yet", in_doubt=False, after=step.after, refund=True
            )
        if isinstance(step, Dead):
            await outbox.bury(d, step.reason, now=self.clock(), in_doubt=step.in_doubt)
            return Outcome.DEAD
        await outbox.succeed(d, now=self.clock(), note=step.note[:300])
        return Outcome.DONE

    async def _failed(self, d: Delivery, exc: Exception, failure: Failure) -> Outcome:
        """Settle the entry after a failed call, as `connectors.failures` classifies it: a
        retry (in doubt when this failure or an earlier one may have sent the write), or a
        dead letter."""
        in_doubt = failure.in_doubt or d.in_doubt
        if failure.kind is Kind.TIMEOUT:
            # Cut off while it waited for a connection slot or connected, nothing of the
            # write left: it is simply sent again (not looked up, never "unknown").
            nothing = "" if failure.doubt is Doubt.MAYBE else "; nothing was sent"
            return await self._retry(d, f"the delivery took longer than its lease{nothing}", in_doubt=in_doubt)
        if isinstance(exc, MappingError):
            # A record read back that does not map (a status word its mapping lacks): a
            # fault to fix in the mapping, retried meanwhile, visible in status.
            said = f"{exc.code}: {exc}"
        elif failure.kind is Kind.UNSUPPORTED and isinstance(exc, ConnectorError):
            # The destination cannot take this write (a value its mapping has no word for,
            # a capability it does not declare): never sent, so never "done".
            said = f"{d.kind} to {d.destination}: {exc.message}"
        else:
            said = in_words(exc) if isinstance(exc, ConnectorError) else str(exc)
        if failure.next is Next.DEAD:
            await outbox.bury(d, said, now=self.clock(), in_doubt=True if failure.in_doubt else None)
            return Outcome.DEAD
        return await self._retry(d, said, in_doubt=in_doubt, after=failure.after, refund=not failure.counts)

    # -- kinds -------------------------------------------------------------------------

    @staticmethod
    def _undeliverable(d: Delivery, why: str) -> Dead:
        """A dead letter for a write that cannot be sent as it stands (nothing was sent)."""
        return Dead(f"{d.kind} to {d.destination}: {why}")

    async def _row(self, d: Delivery) -> OutboundComplaint | Dead:
        row = await outbound.complaint(d.complaint_id)
        if row is None:
            return self._undeliverable(
                d, "the complaint was deleted from the gateway before it was delivered; nothing was sent"
            )
        return row

    async def _link(self, d: Delivery) -> SourceLink | NotYet | Dead:
        link = await source_links.link_of(d.complaint_id, d.destination)
        if link is not None:
            return link
        states = await outbox_table.create_states(d.complaint_id, d.destination)
        if outbox.PENDING in states:
            return NotYet(2.0)
        if outbox.DEAD in states:
            # Parked until the create is replayed (or given up on by a person).
            return NotYet(60.0)
        return self._undeliverable(
            d,
            f"{d.destination} does not hold this complaint and no create for it is in the outbox; "
            "nothing was sent (reconcile --repair queues the create)",
        )

    async def _new_complaint(self, row: OutboundComplaint, destination: str) -> NewComplaint:
        reporter = None
        # An anonymous reporter's identity goes to the national system only (national
        # admins may see it; a kab/kota's system is also read by its OPD staff).
        may_see = destination == self.topology.national or not row.is_anonymous
        if may_see and row.reporter_id is not None:
            reporter = await outbound.reporter(row.reporter_id)
        national = await source_links.link_of(row.id, self.topology.national)
        return NewComplaint(
            external_ref=row.id,
            title=row.title or row.original_title,
            content=row.content,
            kode_wilayah=row.kode_wilayah,
            created_at=row.created_at,
            classification=row.classification,
            channel=row.channel,
            incident_date=row.incident_date,
            category_code=row.category_id,
            address=row.address,
            latitude=row.latitude,
            longitude=row.longitude,
            lapor_tracking_id=national.source_id if national else None,
            agency_id=row.routed_agency_id,
            is_anonymous=row.is_anonymous,
            is_secret=row.is_secret,
            reporter=reporter,
        )

    async def _create(self, d: Delivery, connector: Connector) -> Step:
        row = await self._row(d)
        if isinstance(row, Dead):
            return row
        if await source_links.is_linked(row.id, d.destination):
            return Delivered("already linked")
        complaint = await self._new_complaint(row, d.destination)
        claimed = d.payload.get("lapor_tracking_id")
        if claimed and d.destination == self.topology.national:
            linked = await self._link_national(d, connector, row, str(claimed))
            if linked is not None:
                return linked
            # LAPOR! answered that it holds no record under that tracking ID: a create
            # cannot double one, so it is made (with a new tracking ID) as for any complaint.
        source_id = None
        if Capability.CREATE not in connector.repeat_safe and (d.in_doubt or await self._sibling_tried(d)):
            try:
                source_id = await connector.find(complaint.external_ref)
            except Unsupported:
                # Only a write that was sent and not answered gets here (one that never
                # left is retried as it stands): a person checks the destination, then
                # confirms it with the id found there or replays it (`sync dead-letters`).
                return Dead(
                    f"outcome unknown: an earlier attempt was sent and not answered, and {d.destination} "
                    "can neither recognise a repeat nor be searched; check there, then confirm or replay "
                    "(penghubung sync dead-letters says how)",
                    in_doubt=True,
                )
        replayed = source_id is not None
        if source_id is None:
            created = await connector.create(complaint)
            source_id, replayed = created.source_id, created.replayed
        now = self.clock()
        holder = await source_links.holder_of(d.destination, source_id)
        if holder is not None and holder.complaint_id != row.id:
            # The destination gave an id the index already knows for another complaint
            # (it lost its records, or reuses ids): never merge two complaints.
            return Dead(f"{d.destination} answered id {source_id}, already linked to another complaint")

        async def link_and_catch_up() -> None:
            # The lock order (gateway.store.locks): the complaint before its new link and the
            # outbox entries below; a pull of the destination linking it too waits here.
            await lock_complaints([row.id])
            if holder is None:
                # False: a pull of the destination linked it just now.
                await source_links.add_link(
                    row.id,
                    d.destination,
                    source_id,
                    synced_at=now,
                    status=Status.BELUM_TERVERIFIKASI,  # where every system starts a new record
                )
            await queue_what_the_copy_lacks(self.topology, row, d.destination, now=now)

        await transaction(link_and_catch_up, what=f"link {d.destination}/{source_id}")
        return Delivered(f"{'found' if replayed else 'created'} {d.destination}/{source_id}")

    async def _link_national(
        self, d: Delivery, connector: Connector, row: OutboundComplaint, tracking: str
    ) -> Step | None:
        """A complaint pulled from a regency that says it came from LAPOR! (it carries a
        tracking ID the index did not know): linked to that record when LAPOR! has it;
        None when LAPOR! answers that it has no such record (it may then be created); a
        dead letter for a person to decide when LAPOR! cannot be asked (never a blind
        create: that could double the national record)."""
        undecided = (
            f"carries LAPOR tracking ID {tracking} that the index does not know; check LAPOR, then link or replay"
        )
        if await source_links.holder_of(d.destination, tracking) is not None:
            # Another complaint of the index is that LAPOR! record: never merge two.
            return self._undeliverable(d, f"{undecided} (already linked to another complaint of the index)")
        if Capability.READ_ONE not in connector.capabilities:
            return self._undeliverable(
                d, f"{undecided} ({d.destination} cannot be read by tracking ID); nothing was created"
            )
        try:
            there = await connector.read_one(tracking)
        except UpstreamRejected as exc:
            # Refused (not a plain "no such record"): LAPOR! could not be asked.
            return self._undeliverable(
                d, f"{undecided} ({d.destination} refused the look-up: {exc.described}); nothing was created"
            )
        if there is None:
            return None
        now = self.clock()
        # False: a pull of LAPOR! linked it just now.
        await source_links.add_link(row.id, d.destination, there.source_id, synced_at=now, status=there.status)
        return Delivered(f"found {d.destination}/{tracking} by its tracking ID; linked, not created")

    async def _sibling_tried(self, d: Delivery) -> bool:
        """Whether another entry for the same write was already attempted and may have reached
        the destination (a duplicate of it may be there even though this entry never was).
        One whose attempts provably never left is not in doubt, so it puts none here."""
        siblings = await outbox_table.tried_payloads(d)
        key = d.payload.get("key")
        return any(p.get("key") == key for p in siblings)

    async def _current(self, connector: Connector, source_id: str) -> SourceComplaint | None:
        if Capability.READ_ONE in connector.capabilities:
            return await connector.read_one(source_id)
        return None

    async def _status(self, d: Delivery, connector: Connector) -> Step:
        if Capability.CHANGE_STATUS not in connector.capabilities:
            return self._undeliverable(
                d, f"{d.destination} takes no status changes (its mapping declares no change_status); nothing was sent"
            )
        link = await self._link(d)
        if not isinstance(link, SourceLink):
            return link
        row = await self._row(d)
        if isinstance(row, Dead):
            return row
        seen = connector.status_as_read(row.status) or row.status
        there = await self._current(connector, link.source_id)
        if there is not None:
            if there.status in (seen, row.status):
                await source_links.set_status(link.id, there.status)
                return Delivered(f"{d.destination} is already at {there.status.value}")
            if link.status is not None and there.status != link.status:
                if is_further(there.status, row.status):
                    # It moved ahead there since we last looked: the next pull brings that in.
                    return Delivered(f"{d.destination} moved ahead to {there.status.value} on its own")
                home = await home_regency(row.routed_agency_id, row.kode_wilayah)
                if await is_owner(d.destination, d.complaint_id, home, self.topology):
                    # The system of record changed it itself (a reopen, a re-disposition):
                    # its word wins and the next pull brings it in; never set it back.
                    return Delivered(
                        f"not sent: {d.destination}, the system of record, changed it to "
                        f"{there.status.value} itself; the index follows it"
                    )
        # Sent whatever its direction: the index's status is the latest word (a re-open,
        # a hand-over), and the destination has not moved on its own since we last synced.
        await connector.change_status(
            link.source_id,
            StatusChange(
                external_ref=f"{row.id}:{row.status.value}",
                status=row.status,
                reason=await _status_note(row),
                unit=await _disposed_unit(row),
            ),
        )
        await source_links.set_status(link.id, seen)
        return Delivered(f"set {row.status.value}")

    async def _follow_up(self, d: Delivery, connector: Connector) -> Step:
        if Capability.ADD_FOLLOW_UP not in connector.capabilities:
            return self._undeliverable(
                d, f"{d.destination} takes no follow-ups (its mapping declares no follow_up); nothing was sent"
            )
        link = await self._link(d)
        if not isinstance(link, SourceLink):
            return link
        key = str(d.payload.get("key", ""))
        from_reporter = is_reply_key(key)
        if from_reporter and not self.topology.takes(d.destination, "reply"):
            return self._undeliverable(
                d,
                f"{d.destination}'s follow_up body cannot mark a reporter's reply (it sends no from_reporter), "
                "so the reply would stand there as an agency's answer; nothing was sent",
            )
        found = (
            await find_reply(d.complaint_id, key) if from_reporter else await outbound.follow_up(d.complaint_id, key)
        )
        if found is None:
            what = "reporter's reply" if from_reporter else "follow-up"
            return self._undeliverable(
                d, f"the {what} was deleted from the gateway before it was delivered; nothing was sent"
            )
        delivered = await outbox_table.delivered_payloads(d)
        if any(p.get("key") == key for p in delivered):
            return Delivered("another entry delivered this follow-up")
        # A source that cannot recognise a repeat is asked first whenever this write may
        # have been sent before, by this entry or a copy of it.
        if Capability.ADD_FOLLOW_UP not in connector.repeat_safe and (d.in_doubt or await self._sibling_tried(d)):
            if not connector.reads_follow_ups:
                return Dead(
                    f"outcome unknown: an earlier attempt may have added it, and {d.destination} "
                    "can neither recognise a repeat nor list follow-ups; check there, then replay or leave",
                    in_doubt=True,
                )
            there = await read_back(connector, link.source_id)
            if there is not None and any(f.text.strip() == found.content.strip() for f in there.follow_ups):
                return Delivered("already there")
        await connector.add_follow_up(
            link.source_id,
            FollowUp(
                external_ref=f"{d.complaint_id}:{key}",
                text=found.content,
                at=found.at,
                author_agency=None if from_reporter else await hops.answering_agency(d.complaint_id, found.agency_id),  # type: ignore[union-attr]  # not from_reporter: found is a FollowUpRow
                from_reporter=from_reporter,
            ),
        )
        return Delivered("added")
