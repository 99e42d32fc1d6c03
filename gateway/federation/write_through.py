"""Writes go to the system of record first; the index follows on success.

A lifecycle action is checked against the index (the one state machine, the caller's
scope and role), then sent to the complaint's owner through its connector within a
deadline, and only then applied to the index, in one transaction with its outbox entries
and its idempotency receipt:
- the owner took it: applied; the owner's outbox entries for this change are settled as
  done in that transaction, so no worker sends them again;
- the owner could not be reached (timeout, 5xx, circuit open): applied to the index and
  left in the outbox for the owner, reported PENDING; a worker delivers it once (an
  attempt that may have landed is marked in doubt, so it is looked up before a resend);
- the owner refused it (4xx): nothing is applied and the caller gets the owner's reason.
A new complaint must never be lost, so a submission is stored first and its create then
delivered to its owner at once through the sync engine's own delivery path; if that does
not finish within the deadline it stays in the outbox, PENDING.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta

from auth.policy import Access
from auth.principal import Principal
from connectors.errors import CircuitOpen, DecodeError, UpstreamRejected, UpstreamUnavailable
from connectors.mapping import MappingError
from connectors.protocol import Capability, Connector, FollowUp, StatusChange, status_as_read
from schema.canonical import Complaint, Status
from schema.lifecycle import Action, ActionRequest
from schema.live import DeliveryState, WriteReceipt, WriteRefused
from schema.validation import ComplaintDraft

from gateway.federation import receipts
from gateway.federation.owner import Owner, owners_of
from gateway.lifecycle import Lifecycle, Planned
from gateway.store import rows
from gateway.store.models import ComplaintRow, ComplaintSourceRow, OutboxRow
from gateway.submission import Submission
from gateway.sync import outbox
from gateway.sync.deliver import Deliverer
from gateway.sync.propagate import follow_up_key, home_regency, status_key
from gateway.sync.topology import Topology


class OwnerRefused(WriteRefused):
    """The system of record refused the write; nothing was applied."""

    code = "SYSTEM_OF_RECORD_REFUSED"


@dataclass
class _Sent:
    """What reached the owner of a change, and what did not."""

    owner: Owner | None
    done: list[str] = field(default_factory=list)  # "status", "follow_up"
    pending: str | None = None  # why the rest waits in the outbox
    in_doubt: bool = False  # the failed call may have reached the owner
    skipped: str | None = None  # what the owner takes none of


def _unit(request: ActionRequest, planned: Planned) -> str | None:
    if request.to_agency_id:
        return request.to_agency_id
    return request.unit_ids[0] if request.unit_ids else planned.routed_agency_id


class WriteThrough:
    """Mutations through the system of record, with idempotency keys."""

    def __init__(
        self, lifecycle: Lifecycle, submission: Submission, topology: Topology | None, *, deadline: float
    ) -> None:
        self.lifecycle = lifecycle
        self.submission = submission
        self.topology = topology
        self.deadline = deadline

    # -- lifecycle actions ----------------------------------------------------------------

    def _writes(
        self, connector: Connector, owner: Owner, request: ActionRequest, planned: Planned, principal: Principal, now: datetime
    ) -> tuple[list[tuple[str, Callable[[], Awaitable[None]]]], list[str]]:
        cid, caps = planned.complaint_id, connector.capabilities
        writes: list[tuple[str, Callable[[], Awaitable[None]]]] = []
        skipped: list[str] = []
        if request.action is Action.POST_FOLLOW_UP:
            if Capability.ADD_FOLLOW_UP in caps:
                text = str(planned.clean["content"])
                note = FollowUp(f"{cid}:{follow_up_key(text)}", text, now, author_agency=principal.agency_id)
                writes.append(("follow_up", lambda: connector.add_follow_up(owner.source_id, note)))
            else:
                skipped.append("follow-ups")
        if request.action is not Action.RATE:  # a rating stays in the gateway
            if Capability.CHANGE_STATUS in caps:
                change = StatusChange(f"{cid}:{planned.status.value}", planned.status, unit=_unit(request, planned))
                writes.append(("status", lambda: connector.change_status(owner.source_id, change)))
            else:
                skipped.append("status changes")
        return writes, skipped

    async def _send(
        self, connectors: Mapping[str, Connector], owner: Owner, request: ActionRequest, planned: Planned, principal: Principal, now: datetime
    ) -> _Sent:
        connector = connectors.get(owner.system)
        if connector is None:
            return _Sent(owner, pending=f"{owner.system} has no connector in this process; a worker delivers it")
        writes, skipped = self._writes(connector, owner, request, planned, principal, now)
        sent = _Sent(owner, skipped=f"{owner.system} takes no {' or '.join(skipped)}" if skipped else None)
        try:
            async with asyncio.timeout(self.deadline):
                for kind, write in writes:
                    await write()
                    sent.done.append(kind)
        except UpstreamRejected as exc:
            if not sent.done:
                raise OwnerRefused(f"{owner.system} refused it: {exc.message}") from None
            sent.pending = f"{owner.system} refused part of it ({exc.message}); see the dead letters"
        except TimeoutError:
            sent.pending, sent.in_doubt = f"{owner.system} did not answer within {self.deadline:g} s", True
        except CircuitOpen as exc:
            sent.pending = f"{owner.system}: {exc.message}"
        except UpstreamUnavailable as exc:
            sent.pending, sent.in_doubt = f"{owner.system}: {exc.message}", exc.in_doubt
        except (DecodeError, MappingError) as exc:
            sent.pending, sent.in_doubt = f"{owner.system} answered unreadably ({exc})"[:300], True
        return sent

    async def _keys(self, sent: _Sent, cid: str, status: Status, request: ActionRequest, planned: Planned) -> dict[str, str]:
        """The outbox keys of this change, by kind (as the announcement enqueued them)."""
        keys = {"status": await status_key(cid, status.value)}
        if request.action is Action.POST_FOLLOW_UP:
            keys["follow_up"] = f"follow_up:{cid}:{follow_up_key(str(planned.clean['content']))}"
        return keys

    async def _settle(
        self, sent: _Sent, connector: Connector | None, keys: dict[str, str], cid: str, status: Status, now: datetime
    ) -> None:
        """Inside the change's transaction: what the owner has is not delivered again."""
        owner = sent.owner
        if owner is None:
            return
        entries = OutboxRow.filter(destination=owner.system, complaint_id=cid, state=outbox.PENDING)
        done = [keys[k] for k in sent.done if k in keys]
        if done:
            await entries.filter(dedupe_key__in=done).update(
                state=outbox.DONE, done_at=now, updated_at=now, last_error="written through by the mutation"
            )
        if "status" in sent.done and connector is not None:
            seen = status_as_read(connector, status) or status
            await ComplaintSourceRow.filter(complaint_id=cid, system=owner.system).update(status=seen, synced_at=now)
        if sent.in_doubt:
            rest = [v for k, v in keys.items() if k not in sent.done]
            await entries.filter(dedupe_key__in=rest).update(in_doubt=True)

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

        Raises what Lifecycle.apply raises, OwnerRefused, receipts.KeyReused/KeyInProgress."""
        now = now.replace(microsecond=0)
        reservation = None
        if idempotency_key is not None:
            asked = receipts.fingerprint("act", {"id": complaint_id, "request": asdict(request)})
            reservation = await receipts.begin(principal.subject, idempotency_key, asked, now=now)
            if reservation.done is not None:
                return await self._replay(reservation.done, idempotency_key)
        try:
            planned = await self.lifecycle.check(complaint_id, request, principal=principal, access=access)
            owner = (await owners_of([planned.complaint_id], self.topology)).get(planned.complaint_id) if self.topology else None
            sent = await self._send(connectors, owner, request, planned, principal, now) if owner else _Sent(None)
            connector = connectors.get(owner.system) if owner else None
            receipt = self._receipt(sent, idempotency_key)
            answer: dict[str, object] = {}

            async def settle(cid: str, status: Status) -> None:
                keys = await self._keys(sent, cid, status, request, planned)
                await self._settle(sent, connector, keys, cid, status, now)
                answer.update(complaint_id=cid, receipt=_receipt_dict(receipt), keys=sorted(keys.values()))
                if reservation is not None:
                    await receipts.finish(reservation, answer, complaint_id=cid, now=now)

            changed = await self.lifecycle.apply(
                complaint_id, request, principal=principal, access=access, now=now, request_id=request_id,
                in_same_transaction=settle,
            )
        except BaseException:
            if reservation is not None:
                await receipts.release(reservation)
            raise
        return changed, receipt

    @staticmethod
    def _receipt(sent: _Sent, key: str | None) -> WriteReceipt:
        if sent.owner is None:
            return WriteReceipt(DeliveryState.LOCAL, idempotency_key=key)
        if sent.pending is not None:
            return WriteReceipt(DeliveryState.PENDING, sent.owner.system, sent.pending, key)
        if not sent.done:
            return WriteReceipt(DeliveryState.LOCAL, sent.owner.system, f"{sent.skipped}; kept in the gateway", key)
        return WriteReceipt(DeliveryState.APPLIED, sent.owner.system, sent.skipped, key)

    async def _replay(self, stored: dict[str, object], key: str) -> tuple[Complaint, WriteReceipt]:
        """The answer to a repeat: the complaint as it is now, the delivery as it stands now."""
        cid = str(stored["complaint_id"])
        # Unscoped here: the caller's payload re-reads it within the caller's scope.
        complaint = rows.complaint_from_row(await ComplaintRow.get(id=cid))
        was = stored["receipt"]
        assert isinstance(was, dict)
        state = DeliveryState(was["state"])
        reason = was.get("reason")
        if state is DeliveryState.PENDING and was.get("system"):
            waiting = await OutboxRow.filter(
                destination=was["system"], complaint_id=cid, dedupe_key__in=list(stored.get("keys") or [])  # type: ignore[arg-type]
            ).exclude(state=outbox.DONE).values_list("state", "last_error")
            if not waiting:
                state, reason = DeliveryState.APPLIED, None
            else:
                reason = next((e for _, e in waiting if e), reason)
        return complaint, WriteReceipt(state, was.get("system"), reason, key, replayed=True)  # type: ignore[arg-type]

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

        Raises ValidationFailed, receipts.KeyReused/KeyInProgress."""
        now = now.replace(microsecond=0)
        reservation = None
        if idempotency_key is not None:
            asked = receipts.fingerprint("submit", asdict(draft))
            reservation = await receipts.begin(principal.subject, idempotency_key, asked, now=now)
            if reservation.done is not None:
                return await self._replay(reservation.done, idempotency_key)
        try:
            owner_of_new: dict[str, str | None] = {}

            async def settle(stored: Complaint) -> None:
                system = await self._new_owner(stored)
                owner_of_new["system"] = system
                state = DeliveryState.PENDING if system else DeliveryState.LOCAL
                answer = {
                    "complaint_id": stored.id,
                    "receipt": {"state": state.value, "system": system, "reason": None},
                    "keys": [f"create:{stored.id}"],
                }
                if reservation is not None:
                    await receipts.finish(reservation, answer, complaint_id=stored.id, now=now)

            stored = await self.submission.submit(draft, now=now, principal=principal, in_same_transaction=settle)
        except BaseException:
            if reservation is not None:
                await receipts.release(reservation)
            raise
        system = owner_of_new.get("system")
        if system is None:
            return stored, WriteReceipt(DeliveryState.LOCAL, idempotency_key=idempotency_key)
        outcome, reason = await self._deliver_create(connectors, system, stored.id)
        state = DeliveryState.APPLIED if outcome == "done" else DeliveryState.PENDING
        return stored, WriteReceipt(state, system, reason if state is DeliveryState.PENDING else None, idempotency_key)

    async def _new_owner(self, stored: Complaint) -> str | None:
        """The system of record of a new complaint: its kab/kota's system, else LAPOR!."""
        if self.topology is None:
            return None
        home = await home_regency(stored.routed_agency_id, stored.location.kode_wilayah)
        return self.topology.regency_system(home) or self.topology.national

    async def _deliver_create(self, connectors: Mapping[str, Connector], system: str, cid: str) -> tuple[str, str | None]:
        if system not in connectors or self.topology is None:
            return "pending", f"{system} has no connector in this process; a worker delivers it"
        leased = await outbox.lease(
            f"write:{cid[:8]}", now=datetime.now(UTC), limit=1, lease_for=timedelta(seconds=self.deadline + 30),
            destination=system, dedupe_key=f"create:{cid}",
        )
        if not leased:
            return "pending", "a worker is delivering it"
        deliverer = Deliverer(connectors, self.topology, owner="write-through", deadline=self.deadline)
        outcome = await deliverer.deliver(leased[0])
        entry = await OutboxRow.filter(id=leased[0].id).first()
        return outcome, entry.last_error if entry else None


def _receipt_dict(r: WriteReceipt) -> dict[str, object]:
    return {"state": r.state.value, "system": r.system, "reason": r.reason}
