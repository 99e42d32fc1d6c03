"""Writes go to the system of record first; the index follows on success.

A lifecycle action holds its complaint (one write-through at a time, across processes),
is checked against the index (the one state machine, the caller's scope and role), sent to
the complaint's owner through its connector within a deadline, and only then applied to
the index, in one transaction with its outbox entries and its idempotency receipt:
- the owner took it: applied; the owner's outbox entries for this change are settled as
  done in that transaction, so no worker sends them again;
- the owner could not be reached (timeout, 5xx, circuit open): applied to the index and
  left in the outbox for the owner, reported PENDING; a worker delivers it once (an
  attempt that may have landed is marked in doubt, so it is looked up before a resend);
- the owner refused it (4xx) before anything reached it: nothing is applied and the
  caller gets the owner's reason;
- the owner's mapping cannot express it (a value it has no word for): if nothing of the
  action reached the owner, nothing is applied and the caller gets SYSTEM_OF_RECORD_REFUSED
  with the reason; if an earlier part of it did, the index follows and the part left is a
  dead letter with the reason, reported DEAD_LETTER.
The answer says APPLIED only when the owner confirmed every part it takes.
Once anything reached the owner, the rest runs to the end even if the caller goes away
(it is shielded from cancellation), and the idempotency key is never given back. If the
index then refuses the change (it moved meanwhile), the owner is brought back in line
through the outbox. If the index step fails for another reason (a database error) after
the owner took the change, it is tried again; if it still fails, the owner is left as it
is (never set back), the next pull brings its status into the index, and the caller gets
INDEX_BEHIND_SYSTEM_OF_RECORD. A repeat with the same idempotency key gets that same
answer until the index has caught up (then APPLIED, replayed), and is never sent again.

A new complaint must never be lost, so a submission is stored first and its create then
delivered to its owner at once through the sync engine's own delivery path; if that does
not finish within the deadline it stays in the outbox, PENDING.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import asdict, dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import cast

from auth.policy import Access
from auth.principal import Principal
from connectors.errors import ConnectorError
from connectors.failures import Doubt, Failure, Kind, classify
from connectors.http import watching_writes
from connectors.protocol import Capability, Connector, FollowUp, StatusChange
from gateway.domain.lifecycle import Lifecycle, Planned
from gateway.domain.submission import Submission
from gateway.federation import receipts
from gateway.federation.landed import CannotTell, landed
from gateway.federation.owner import Owner, owners_of
from gateway.store import claims, hops, source_links
from gateway.store import outbox as outbox_table
from gateway.store.complaint_reads import complaint_unscoped, status_of
from gateway.store.errors import ConstraintViolated
from gateway.store.follow_up_reads import has_follow_up
from gateway.store.scoping import in_scope
from gateway.sync import outbox
from gateway.sync.deliver import Deliverer, Outcome, claim_name
from gateway.sync.follow_up_echo import Echo, echo_of
from gateway.sync.propagate import follow_up_key, home_regency, status_key
from gateway.sync.replies import reply_key
from gateway.sync.topology import Topology
from gateway.updates.broker import ComplaintChanged
from schema.canonical import Complaint, Status
from schema.lifecycle import Action, ActionForbidden, ActionRequest, ComplaintNotFound, IllegalTransition
from schema.live import DeliveryState, WriteReceipt, WriteRefused
from schema.validation import ComplaintDraft, ValidationFailed

log = logging.getLogger(__name__)


class OwnerRefused(WriteRefused):
    """The system of record refused the write; nothing was applied."""

    code = "SYSTEM_OF_RECORD_REFUSED"
    http_status = 502


class WriteBusy(WriteRefused):
    """Another change to the same complaint is being written through right now."""

    code = "COMPLAINT_BUSY"


class IndexBehindOwner(WriteRefused):
    """The system of record took the change but the index could not record it; the owner
    keeps it and the next pull brings it into the index (nothing sets the owner back)."""

    code = "INDEX_BEHIND_SYSTEM_OF_RECORD"
    http_status = 502


# Attempts at the index step after the owner took a change (a database error may pass).
INDEX_ATTEMPTS = 3
# The index's own refusals: the complaint moved meanwhile, or the action no longer fits.
_INDEX_REFUSALS = (WriteRefused, IllegalTransition, ComplaintNotFound, ActionForbidden, ValidationFailed)


@dataclass
class _Sent:
    """What reached the owner of a change, and what did not."""

    owner: Owner | None
    done: list[str] = field(default_factory=list)  # "status", "follow_up"
    pending: str | None = None  # why the rest waits in the outbox
    in_doubt: bool = False  # the failed call may have reached the owner
    skipped: str | None = None  # what the owner takes none of
    unsendable: str | None = None  # why one part can never be sent as it is (a dead letter)
    unsendable_kind: str | None = None  # that part: "status" or "follow_up"
    withheld: str | None = None  # the action's own content (a reply) that the owner takes none of
    found: list[str] = field(default_factory=list)  # parts an earlier attempt had already brought there


@dataclass(frozen=True)
class _Write:
    """One lifecycle action on its way through: what was asked, by whom, and what it holds."""

    complaint_id: str
    request: ActionRequest
    planned: Planned
    connectors: Mapping[str, Connector]
    principal: Principal
    access: Access
    now: datetime
    request_id: str
    reservation: receipts.Reservation | None
    key: str | None
    hold: str  # the complaint's write-through hold, and its holder
    holder: str


async def _unit(request: ActionRequest, planned: Planned) -> str | None:
    """The OPD disposed to, and only for DIDISPOSISIKAN (as the outbox sends it): the one
    this action disposes to, else the unit of the current disposition hop (a reporter's
    reply re-opens to DIDISPOSISIKAN and names none). The routed agency is not a unit, and
    a unit map listing OPDs only has no word for it."""
    if planned.status is not Status.DIDISPOSISIKAN:
        return None
    units = planned.clean.get("units") or request.unit_ids
    if units:
        return str(next(iter(units)))  # type: ignore[call-overload]  # clean["units"] is the checked tuple of unit ids
    return await hops.current_unit(planned.complaint_id)


def _reason(planned: Planned) -> str | None:
    """The note given with the action (why it was verified, held, archived, handed on)."""
    note = str(planned.clean.get("note") or "").strip()
    return note or None


async def _let_go(hold: str, holder: str) -> None:
    """Release a complaint's write-through hold; never raises (another error may be on its
    way to the caller), since a hold that cannot be released runs out with its lease."""
    try:
        await claims.release(hold, holder)
    except Exception:
        log.warning("could not release a write's hold on its complaint; it runs out with its lease", exc_info=True)


def _pending(system: str, exc: Exception, failure: Failure, deadline: float) -> str:
    """Why a write waits in the outbox, after a failure that leaves it to be tried again."""
    if failure.kind is Kind.TIMEOUT:
        return f"{system} did not answer within {deadline:g} s"
    if not isinstance(exc, ConnectorError):
        return f"{system} answered unreadably ({type(exc).__name__})"  # a record that did not map
    if failure.kind in (Kind.CIRCUIT_OPEN, Kind.SOURCE_BUSY):
        return f"{system}: {exc.code}: {exc.message}"
    if failure.kind is Kind.UNREADABLE:
        return f"{system} answered unreadably ({type(exc).__name__})"
    return f"{system}: {exc.described}"


def _receipt_dict(r: WriteReceipt) -> dict[str, object]:
    return {"state": r.state.value, "system": r.system, "reason": r.reason}


class WriteThrough:
    """Mutations through the system of record, with idempotency keys."""

    def __init__(
        self,
        lifecycle: Lifecycle,
        submission: Submission,
        topology: Topology | None,
        *,
        deadline: float,
        publish: Callable[[ComplaintChanged], Awaitable[None]] | None = None,
    ) -> None:
        self.lifecycle = lifecycle
        self.submission = submission
        self.topology = topology
        self.deadline = deadline
        # A write cut off at the deadline may still land at the owner a little later: the
        # outbox neither looks it up there nor sends it again before this has passed (the
        # sync engine's rule: three times the time a call may take).
        self.settle = timedelta(seconds=3 * deadline)
        # How long a write's holder keeps its complaint's hold and its idempotency key: the
        # deadline plus the settle wait. A holder that failed or died blocks them no longer;
        # one still at work renews both once its calls to the owner are over.
        self.lease = timedelta(seconds=deadline) + self.settle
        self.publish = publish  # live updates, told after each change committed

    async def _announce(self, complaint: Complaint, kind: str, at: datetime) -> None:
        if self.publish is not None:
            await self.publish(ComplaintChanged(complaint.id, kind, at, complaint.location.kode_wilayah))

    # -- lifecycle actions ----------------------------------------------------------------

    def _writes(
        self,
        connector: Connector,
        owner: Owner,
        request: ActionRequest,
        planned: Planned,
        now: datetime,
        *,
        author: str | None,
        unit: str | None,
    ) -> tuple[list[tuple[str, Callable[[], Awaitable[None]]]], list[str]]:
        cid, caps = planned.complaint_id, connector.capabilities
        writes: list[tuple[str, Callable[[], Awaitable[None]]]] = []
        skipped: list[str] = []
        if request.action is Action.POST_FOLLOW_UP:
            if Capability.ADD_FOLLOW_UP in caps:
                text = str(planned.clean["content"])
                note = FollowUp(f"{cid}:{follow_up_key(text)}", text, now, author_agency=author)
                writes.append(("follow_up", lambda: connector.add_follow_up(owner.source_id, note)))
            else:
                skipped.append("follow-ups")
        if request.action is Action.REPLY:
            # A reporter's reply (tanggapan pelapor) goes to the owner as a follow-up marked
            # from the reporter, under the same key rules as an agency's follow-up.
            # Only where the owner's mapping can mark it as the reporter's: elsewhere it would
            # stand, and be read back, as an agency's answer.
            marks = self.topology is None or self.topology.takes(owner.system, "reply")
            if Capability.ADD_FOLLOW_UP in caps and marks:
                text = str(planned.clean["content"])
                reply = FollowUp(f"{cid}:{reply_key(text)}", text, now, from_reporter=True)
                writes.append(("follow_up", lambda: connector.add_follow_up(owner.source_id, reply)))
            else:
                skipped.append("reporter replies")
        if request.action is not Action.RATE:  # a rating stays in the gateway
            if Capability.CHANGE_STATUS not in caps:
                skipped.append("status changes")
            elif connector.status_as_read(planned.status) is None:
                skipped.append(f"status {planned.status.value} (its system has no word for it)")
            else:
                change = StatusChange(
                    f"{cid}:{planned.status.value}",
                    planned.status,
                    reason=_reason(planned),
                    unit=unit,
                )
                writes.append(("status", lambda: connector.change_status(owner.source_id, change)))
        return writes, skipped

    async def _send(
        self,
        connectors: Mapping[str, Connector],
        owner: Owner,
        request: ActionRequest,
        planned: Planned,
        principal: Principal,
        now: datetime,
        *,
        taken_over: bool = False,
    ) -> _Sent:
        connector = connectors.get(owner.system)
        if connector is None:
            return _Sent(owner, pending=f"{owner.system} has no connector in this process; a worker delivers it")
        # The regency government answering for its own OPD is credited to that OPD.
        author = await hops.answering_agency(planned.complaint_id, principal.agency_id)
        unit = await _unit(request, planned)
        writes, skipped = self._writes(connector, owner, request, planned, now, author=author, unit=unit)
        sent = _Sent(owner, skipped=f"{owner.system} takes no {' or '.join(skipped)}" if skipped else None)
        if "reporter replies" in skipped:
            # The reply itself never reaches the owner: not APPLIED, whatever else went.
            sent.withheld = (
                f"{owner.system} takes no follow-ups marked as the reporter's, so the reply is not written there; "
                "it stays in the gateway and goes on to the systems that take replies"
            )
        current = None
        try:
            with watching_writes() as seen:
                async with asyncio.timeout(self.deadline):
                    for kind, write in writes:
                        current = kind
                        # A key taken over from a holder that failed or died: what it sent
                        # may be there already, and is then not sent again.
                        if taken_over and await landed(connector, owner.source_id, kind, planned):
                            sent.found.append(kind)
                        else:
                            await write()
                        sent.done.append(kind)
        except CannotTell as exc:
            sent.pending, sent.in_doubt = f"{owner.system}: {exc}", True
        except Exception as exc:
            failure = classify(exc, left=seen.may_have_left)  # type: ignore[possibly-undefined]  # bound as the with-block is entered
            if failure is None or failure.kind is Kind.FAILED:  # whatever it was, the outbox holds the write
                log.exception("write-through to %s failed unexpectedly", owner.system)
                sent.pending, sent.in_doubt = (
                    f"{owner.system}: unexpected {type(exc).__name__}; the outbox holds it",
                    True,
                )
            elif failure.kind is Kind.REFUSED:
                said = exc.described if isinstance(exc, ConnectorError) else str(exc)
                if not sent.done:
                    raise OwnerRefused(f"{owner.system} refused it: {said}") from None
                sent.pending = (
                    f"{owner.system} refused part of it ({said}); the outbox tries the rest again "
                    "and keeps it as a dead letter if it is refused again"
                )
            elif failure.kind is Kind.UNSUPPORTED:
                # Its mapping cannot express this write (a value with no word in its maps): it was
                # not sent, and sending it later would fail the same way. With nothing of it at the
                # owner, nothing is applied either: the index moving alone would diverge from the
                # system of record (and offer actions that system does not allow).
                message = exc.message if isinstance(exc, ConnectorError) else str(exc)
                if not sent.done:
                    raise OwnerRefused(
                        f"{owner.system} (the system of record) cannot take this {current or 'change'}: {message}; "
                        "nothing was changed, neither there nor in the gateway; expected: a value its mapping has a word for"
                    ) from None
                # Part of it is at the owner already: the index follows that part, and the rest
                # is a dead letter, so a person sees it (and the answer does not claim the owner has it).
                sent.unsendable = f"{current} to {owner.system}: {message}"
                sent.unsendable_kind = current
                # What came after it in this action still goes, through the outbox.
                if current == "follow_up" and any(k == "status" for k, _ in writes):
                    sent.pending = f"{owner.system}: the status change waits in the outbox"
            else:
                # Left to the outbox; in doubt unless it provably never reached the owner (one
                # cut off while it waited for a connection, its circuit open, its bulkhead full).
                sent.pending = _pending(owner.system, exc, failure, self.deadline)
                sent.in_doubt = failure.doubt is not Doubt.NO
        return sent

    async def _keys(self, cid: str, status: Status, request: ActionRequest, planned: Planned) -> dict[str, str]:
        """The outbox keys of this change, by kind (as the announcement enqueued them)."""
        keys = {"status": await status_key(cid, status.value)}
        if request.action is Action.POST_FOLLOW_UP:
            keys["follow_up"] = f"follow_up:{cid}:{follow_up_key(str(planned.clean['content']))}"
        if request.action is Action.REPLY:
            keys["follow_up"] = f"follow_up:{cid}:{reply_key(str(planned.clean['content']))}"
        return keys

    async def _settle(
        self,
        sent: _Sent,
        connector: Connector | None,
        keys: dict[str, str],
        cid: str,
        status: Status,
        now: datetime,
        *,
        may_double: bool = False,
    ) -> None:
        """Inside the change's transaction: what the owner has is not delivered again."""
        owner = sent.owner
        if owner is None:
            return
        system = owner.system
        done = [keys[k] for k in sent.done if k in keys]
        if done:
            await outbox_table.settle_pending(system, cid, done, now=now, note="written through by the mutation")
        if "status" in sent.done and connector is not None:
            seen = connector.status_as_read(status) or status
            await source_links.record_status(cid, system, seen, synced_at=now)
        if sent.unsendable is not None and sent.unsendable_kind in keys:
            await outbox_table.bury_pending(
                system, cid, keys[sent.unsendable_kind], reason=sent.unsendable[:300], now=now
            )
        if sent.in_doubt:
            rest = [v for k, v in keys.items() if k not in sent.done]
            await outbox_table.mark_pending_in_doubt(system, cid, rest)
            if "follow_up" in keys and may_double:
                await outbox_table.postpone_pending(
                    system, cid, keys["follow_up"], until=datetime.now(UTC) + self.settle
                )

    async def _repair(self, sent: _Sent, connector: Connector | None, planned: Planned, now: datetime) -> None:
        """The owner took a change the index then refused: send the owner the index's
        status again (from what the owner now shows, so the delivery is not skipped)."""
        if sent.owner is None or "status" not in sent.done:
            return
        cid, system = planned.complaint_id, sent.owner.system
        shown = (connector.status_as_read(planned.status) if connector else None) or planned.status
        await source_links.record_status(cid, system, shown)
        # The delivery sends the index's status as it is now: the owner must have a word for it.
        indexed = await status_of(cid)
        current = indexed.value if indexed is not None else planned.status_before.value
        queued = await outbox.enqueue_if_taken(
            self.topology or Topology(),
            system,
            "status",
            cid,
            f"status:{cid}:repair:{secrets.token_hex(6)}",
            now=now,
            status=current,
        )
        if queued:
            log.warning(
                "write-through to %s: the index refused a change %s had taken; its status is sent again", system, system
            )
        else:
            log.warning(
                "write-through to %s: the index refused a change %s had taken, and %s has no word for the index's "
                "status %s, so it cannot be set back; reconcile it by hand",
                system,
                system,
                system,
                current,
            )

    async def act(
        self,
        complaint_id: str,
        request: ActionRequest,
        *,
        principal: Principal,
        access: Access,
        now: datetime,
        request_id: str,
        connectors: Mapping[str, Connector],
        idempotency_key: str | None = None,
    ) -> tuple[Complaint, WriteReceipt]:
        """Apply a lifecycle action through the complaint's system of record.

        Raises what Lifecycle.apply raises, OwnerRefused, WriteBusy, ChangedMeanwhile,
        receipts.KeyReused/KeyInProgress/KeyOutOfScope."""
        now = now.replace(microsecond=0)
        reservation = None
        if idempotency_key is not None:
            asked = receipts.fingerprint("act", {"id": complaint_id, "request": asdict(request)})
            reservation = await receipts.begin(
                principal, idempotency_key, asked, now=now, lease=self.lease, complaint_id=complaint_id
            )
            if reservation.done is not None:
                # Re-checked against the caller's scope now: the answer speaks of a complaint.
                done_id = str(reservation.done.get("complaint_id") or "")
                if not await in_scope(access.cases, done_id):
                    raise receipts.out_of_scope(idempotency_key)
                return await self._replay(reservation.done, idempotency_key)
        hold, holder = f"write|{complaint_id}", f"write:{secrets.token_hex(6)}"
        handed_over = False
        try:
            if not await claims.take(hold, holder, now=now, hold=self.lease):
                raise WriteBusy(
                    "another change to this complaint is being applied right now; expected: try again in a moment"
                )
            planned = await self.lifecycle.check(complaint_id, request, principal=principal, access=access)
            # From the first byte sent to the owner, the write must run to its end whatever
            # the caller does (a client gone, an operation deadline): shielded.
            handed_over = True
            write = _Write(
                complaint_id,
                request,
                planned,
                connectors,
                principal,
                access,
                now,
                request_id,
                reservation,
                idempotency_key,
                hold,
                holder,
            )
            through = asyncio.ensure_future(self._through(write))
            return await asyncio.shield(through)
        except BaseException:
            if not handed_over:
                await _let_go(hold, holder)
                if reservation is not None:
                    await receipts.release(reservation, now=now)
            raise

    async def _through(self, w: _Write) -> tuple[Complaint, WriteReceipt]:
        """Send to the owner, then apply to the index (see `act`)."""
        planned = w.planned
        try:
            owner = (
                (await owners_of([planned.complaint_id], self.topology)).get(planned.complaint_id)
                if self.topology
                else None
            )
            taken_over = w.reservation is not None and w.reservation.taken_over
            sent = (
                await self._send(w.connectors, owner, w.request, planned, w.principal, w.now, taken_over=taken_over)
                if owner
                else _Sent(None)
            )
        except BaseException:
            # Refused by the owner (nothing applied there), or failed before anything went.
            await _let_go(w.hold, w.holder)
            if w.reservation is not None:
                await receipts.release(w.reservation, now=w.now)
            raise
        await self._renew(w)
        may_double = self._may_double(sent, w)
        if may_double:
            # The worker's claim on this follow-up, held until a late landing is surely in
            # (the outbox entry's schedule says the same; this also stops a copy of it).
            key = follow_up_key(str(planned.clean["content"]))
            name = claim_name(sent.owner.system, "follow_up", planned.complaint_id, key)  # type: ignore[union-attr]  # may_double: the owner was called
            try:
                await claims.take(name or "", f"write-through:{w.holder}", now=datetime.now(UTC), hold=self.settle)
            except Exception:  # the change still goes into the index and the outbox
                log.warning("could not hold back the follow-up's redelivery to %s", sent.owner.system, exc_info=True)  # type: ignore[union-attr]  # may_double: the owner was called
        return await self._finish(w, sent, may_double=may_double)

    async def _renew(self, w: _Write) -> None:
        """The calls to the owner are over and the index step follows: the hold and the key
        are kept for another lease, so a slow index step is not taken for a dead holder."""
        until = datetime.now(UTC) + self.lease
        try:
            await claims.keep(w.hold, w.holder, until=until)
            if w.reservation is not None:
                await receipts.keep(w.reservation, until=until)
        except Exception:  # they then run out at their first lease; the index step goes on
            log.warning("could not renew a write's hold on its complaint", exc_info=True)

    @staticmethod
    async def _give_back(w: _Write, sent: _Sent) -> None:
        """The change was not recorded: the key is given back when nothing of it reached the
        owner. When something may have (a call cut off on its way), it is kept until its
        lease runs out (the settle wait included), and a repeat then takes it over and
        looks at the owner first; what the owner surely has keeps the key too."""
        if w.reservation is None or sent.done or sent.in_doubt:
            return
        await receipts.release(w.reservation, now=w.now)

    @staticmethod
    def _may_double(sent: _Sent, w: _Write) -> bool:
        """Whether a follow-up cut off on its way may land late at an owner that cannot
        recognise it if sent again (a status sent again sets it once)."""
        connector = w.connectors.get(sent.owner.system) if sent.owner else None
        return (
            sent.in_doubt
            and connector is not None
            and w.request.action is Action.POST_FOLLOW_UP
            and Capability.ADD_FOLLOW_UP not in connector.repeat_safe
        )

    async def _finish(self, w: _Write, sent: _Sent, *, may_double: bool) -> tuple[Complaint, WriteReceipt]:
        connector = w.connectors.get(sent.owner.system) if sent.owner else None
        receipt = self._receipt(sent, w.key)

        async def settle(cid: str, status: Status) -> None:
            keys = await self._keys(cid, status, w.request, w.planned)
            await self._settle(sent, connector, keys, cid, status, w.now, may_double=may_double)
            if w.reservation is not None:
                answer = {"complaint_id": cid, "receipt": _receipt_dict(receipt), "keys": sorted(keys.values())}
                await receipts.finish(w.reservation, answer, complaint_id=cid, now=w.now)

        echo = None
        if sent.owner is not None and (sent.done or sent.in_doubt):
            # A pull of the owner may read this change back before the index step: that
            # copy is this change's, not news (nor a change meanwhile).
            echo = echo_of(sent.owner.system, connector, late=timedelta(seconds=self.deadline) + self.settle)
        try:
            changed = await self._apply(w, settle, owner_took=bool(sent.done), echo=echo)
        except receipts.ReservationLost:
            # It outran its lease and a repeat took the key over: that repeat looks at the
            # owner and records the change; nothing is set back here.
            raise
        except _INDEX_REFUSALS:
            if sent.done:
                await self._repair(sent, connector, w.planned, w.now)
            if "follow_up" not in sent.done:
                await self._give_back(w, sent)
                raise
            # The owner has the follow-up (or reply) and it cannot be taken back: it is the
            # index's too, whatever moved meanwhile, and the answer says so (never an error
            # for words that were published).
            changed, receipt = await self._landed(w, sent, connector, echo)
        except Exception as exc:
            if not sent.done:
                await self._give_back(w, sent)
                raise
            raise await self._behind_owner(w, sent, exc) from None
        except BaseException:
            await self._give_back(w, sent)
            raise
        finally:
            await _let_go(w.hold, w.holder)
        kind = {Action.POST_FOLLOW_UP: "follow_up", Action.RATE: "rated"}.get(w.request.action, "status")
        await self._announce(changed, kind, w.now)
        return changed, receipt

    async def _landed(
        self, w: _Write, sent: _Sent, connector: Connector | None, echo: Echo | None
    ) -> tuple[Complaint, WriteReceipt]:
        """Record a follow-up or reply the owner took after the index refused the action;
        its status part, if the owner took that too, is being set back (`_repair`)."""
        system = sent.owner.system  # type: ignore[union-attr]  # only a write the owner took gets here
        words = "reply" if w.request.action is Action.REPLY else "follow-up"
        only_words = replace(sent, done=["follow_up"])
        answered: list[WriteReceipt] = []

        async def settle(cid: str, status: Status) -> None:
            reason = (
                f"the {words} is at {system} and in the gateway; the complaint's status had changed meanwhile, "
                f"so it stays {status.value}" + (f" (and {system} is set back to it)" if "status" in sent.done else "")
            )
            receipt = WriteReceipt(DeliveryState.APPLIED, system, reason, w.key)
            answered.append(receipt)
            keys = await self._keys(cid, status, w.request, w.planned)
            await self._settle(only_words, connector, keys, cid, status, w.now)
            if w.reservation is not None:
                answer = {"complaint_id": cid, "receipt": _receipt_dict(receipt), "keys": [keys["follow_up"]]}
                await receipts.finish(w.reservation, answer, complaint_id=cid, now=w.now)

        log.warning("write-through: %s took a %s the index then refused; recorded as it stands", system, words)
        changed = await self.lifecycle.record_landed(
            w.complaint_id,
            w.request,
            w.planned.clean,
            principal=w.principal,
            now=w.now,
            request_id=w.request_id,
            in_same_transaction=settle,
            echo=echo,
        )
        return changed, answered[-1]

    async def _apply(
        self, w: _Write, settle: Callable[[str, Status], Awaitable[None]], *, owner_took: bool, echo: Echo | None = None
    ) -> Complaint:
        """The index step; once the owner took the change, a failure that may pass (a
        database error other than a constraint) is tried again rather than left behind."""
        attempt = 1
        while True:
            try:
                return await self.lifecycle.apply(
                    w.complaint_id,
                    w.request,
                    principal=w.principal,
                    access=w.access,
                    now=w.now,
                    request_id=w.request_id,
                    in_same_transaction=settle,
                    expected_status=w.planned.status_before,
                    echo=echo,
                )
            except _INDEX_REFUSALS:
                raise
            except Exception as exc:
                if not owner_took or isinstance(exc, ConstraintViolated) or attempt >= INDEX_ATTEMPTS:
                    raise
                log.warning("write-through: the index step failed (%s); trying again", type(exc).__name__)
                await asyncio.sleep(0.2 * attempt)
                attempt += 1

    async def _behind_owner(self, w: _Write, sent: _Sent, exc: Exception) -> IndexBehindOwner:
        """The owner took the change and the index cannot record it. Nothing is sent to set
        the owner back: the owner's link keeps the status it showed before, so the next
        pull sees the owner's new status as news and brings it into the index, and a
        status delivery from the index sees the owner moved ahead and leaves it. The
        idempotency key keeps this answer, so a repeat does not send the change again."""
        system = sent.owner.system  # type: ignore[union-attr]  # only a write the owner took gets here
        log.error(
            "write-through: %s took a change to %s, but the index could not record it (%s); "
            "the next pull of %s brings it in",
            system,
            w.complaint_id,
            type(exc).__name__,
            system,
        )
        message = (
            f"{system} (the system of record) has the change, but the gateway could not record it "
            f"({type(exc).__name__}); it is not undone there, and the gateway takes it from {system} at "
            "its next sync; expected: do not send it again, read the complaint after the next sync"
        )
        if w.reservation is not None:
            # Kept as index-behind, with what the index must show to have caught up: a
            # repeat answers the same error until then, never APPLIED on the owner's word alone.
            follow_up = (
                follow_up_key(str(w.planned.clean["content"])) if w.request.action is Action.POST_FOLLOW_UP else None
            )
            answer = {
                "complaint_id": w.complaint_id,
                "receipt": {"state": DeliveryState.APPLIED.value, "system": system, "reason": message},
                "keys": [],
                "index_behind": {
                    "status_before": w.planned.status_before.value,
                    "status": w.planned.status.value,
                    "follow_up": follow_up,
                },
            }
            try:
                await receipts.finish(w.reservation, answer, complaint_id=w.complaint_id, now=w.now)
            except (
                Exception
            ):  # the key then stays "in progress" until its lease runs out; a repeat then looks at the owner
                log.warning("could not keep the answer of a write the index could not record", exc_info=True)
        return IndexBehindOwner(message)

    @staticmethod
    def _receipt(sent: _Sent, key: str | None) -> WriteReceipt:
        if sent.owner is None:
            return WriteReceipt(DeliveryState.LOCAL, idempotency_key=key)
        # What an earlier attempt under this key had brought to the owner: answered as its repeat.
        again = bool(sent.found)
        if sent.unsendable is not None:
            return WriteReceipt(DeliveryState.DEAD_LETTER, sent.owner.system, sent.unsendable, key, again)
        if sent.pending is not None:
            return WriteReceipt(DeliveryState.PENDING, sent.owner.system, sent.pending, key, again)
        if sent.withheld is not None:
            return WriteReceipt(DeliveryState.LOCAL, sent.owner.system, sent.withheld, key, again)
        if not sent.done:
            why = (
                f"{sent.skipped}; kept in the gateway"
                if sent.skipped
                else "nothing of this action goes to it; kept in the gateway"
            )
            return WriteReceipt(DeliveryState.LOCAL, sent.owner.system, why, key)
        return WriteReceipt(DeliveryState.APPLIED, sent.owner.system, sent.skipped, key, again)

    async def _replay(self, stored: dict[str, object], key: str) -> tuple[Complaint, WriteReceipt]:
        """The answer to a repeat: the complaint as it is now, the delivery as it stands now."""
        cid = str(stored["complaint_id"])
        # Unscoped here: the caller's payload re-reads it within the caller's scope.
        complaint = await complaint_unscoped(cid)
        was = stored["receipt"]
        assert isinstance(was, dict)
        behind = stored.get("index_behind")
        if isinstance(behind, dict):
            if not await self._caught_up(cid, complaint.status, behind):
                raise IndexBehindOwner(str(was.get("reason") or "the index is behind the system of record"))
            why = f"{was.get('system')} (the system of record) has it, and the gateway has since taken it from there"
            return complaint, WriteReceipt(DeliveryState.APPLIED, was.get("system"), why, key, replayed=True)
        state = DeliveryState(was["state"])
        reason = was.get("reason")
        if state in (DeliveryState.PENDING, DeliveryState.DEAD_LETTER) and was.get("system"):
            entries = await outbox_table.states_of(was["system"], cid, list(cast(list[str], stored.get("keys") or [])))
            states = {s for s, _ in entries}
            if outbox.DEAD in states:
                state = DeliveryState.DEAD_LETTER
                reason = next((e for s, e in entries if s == outbox.DEAD and e), reason)
            elif outbox.PENDING in states:
                state = DeliveryState.PENDING
                reason = next((e for s, e in entries if s == outbox.PENDING and e), reason)
            elif states:  # every entry of it delivered (none at all: the stored answer stands)
                state, reason = DeliveryState.APPLIED, None
        return complaint, WriteReceipt(state, was.get("system"), reason, key, replayed=True)

    @staticmethod
    async def _caught_up(cid: str, status: Status, behind: dict[str, object]) -> bool:
        """Whether the index now has a change it could not record when the owner took it:
        its status moved on from where the change started (a pull brought the owner's), and
        a follow-up of it is in the index."""
        if behind.get("status") != behind.get("status_before") and status.value == behind.get("status_before"):
            return False
        key = behind.get("follow_up")
        return not key or await has_follow_up(cid, str(key))

    # -- submissions ------------------------------------------------------------------------

    async def submit(
        self,
        draft: ComplaintDraft,
        *,
        principal: Principal,
        now: datetime,
        connectors: Mapping[str, Connector],
        idempotency_key: str | None = None,
    ) -> tuple[Complaint, WriteReceipt]:
        """Store a new complaint and create it in its system of record at once.

        Raises ValidationFailed, receipts.KeyReused/KeyInProgress/KeyOutOfScope."""
        now = now.replace(microsecond=0)
        reservation = None
        if idempotency_key is not None:
            asked = receipts.fingerprint("submit", asdict(draft))
            # A submitter need not have the new complaint in its case scope (a walk-in an
            # officer enters is routed elsewhere): the receipt's access check suffices here.
            reservation = await receipts.begin(principal, idempotency_key, asked, now=now, lease=self.lease)
            if reservation.done is not None:
                return await self._replay(reservation.done, idempotency_key)
        owner_of_new: dict[str, str | None] = {}

        async def settle(stored: Complaint) -> None:
            system = await self._new_owner(stored)
            owner_of_new["system"] = system
            state = DeliveryState.PENDING if system else DeliveryState.LOCAL
            if reservation is not None:
                answer = {
                    "complaint_id": stored.id,
                    "receipt": {"state": state.value, "system": system, "reason": None},
                    "keys": [f"create:{stored.id}"],
                }
                await receipts.finish(reservation, answer, complaint_id=stored.id, now=now)

        try:
            stored = await self.submission.submit(draft, now=now, principal=principal, in_same_transaction=settle)
        except BaseException:
            if reservation is not None:
                await receipts.release(reservation, now=now)
            raise
        await self._announce(stored, "created", now)
        system = owner_of_new.get("system")
        if system is None:
            return stored, WriteReceipt(DeliveryState.LOCAL, idempotency_key=idempotency_key)
        # Stored: from here the create is the outbox's, delivered now if the owner answers.
        outcome, reason = await asyncio.shield(self._deliver_create(connectors, system, stored.id))
        state = (
            {Outcome.DONE: DeliveryState.APPLIED, Outcome.DEAD: DeliveryState.DEAD_LETTER}.get(
                outcome, DeliveryState.PENDING
            )
            if outcome is not None
            else DeliveryState.PENDING
        )
        return stored, WriteReceipt(state, system, None if state is DeliveryState.APPLIED else reason, idempotency_key)

    async def _new_owner(self, stored: Complaint) -> str | None:
        """The system of record of a new complaint: its kab/kota's system, else LAPOR!."""
        if self.topology is None:
            return None
        home = await home_regency(stored.routed_agency_id, stored.location.kode_wilayah)
        return self.topology.regency_system(home) or self.topology.national

    async def _deliver_create(
        self, connectors: Mapping[str, Connector], system: str, cid: str
    ) -> tuple[Outcome | None, str | None]:
        """Deliver a new complaint's create now; no outcome when it is left to a worker."""
        if system not in connectors or self.topology is None:
            return None, f"{system} has no connector in this process; a worker delivers it"
        leased = await outbox.lease(
            f"write:{cid[:8]}",
            now=datetime.now(UTC),
            limit=1,
            lease_for=timedelta(seconds=self.deadline + 30),
            destination=system,
            dedupe_key=f"create:{cid}",
        )
        if not leased:
            return None, "a worker is delivering it"
        deliverer = Deliverer(
            connectors,
            self.topology,
            owner="write-through",
            deadline=self.deadline,
            settle_wait=self.settle.total_seconds(),
        )
        outcome = await deliverer.deliver(leased[0])
        return outcome, await outbox_table.last_error_of(leased[0].id)
