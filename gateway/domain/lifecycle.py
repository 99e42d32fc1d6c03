"""Applying lifecycle actions to stored complaints: the state machine, roles, and records.

One path for every change, whoever asks (a GraphQL mutation, the worker's auto-close, and
later the sync engine): the complaint is read within the caller's case scope and locked,
the role and the transition are checked, the change and its status event, disposition,
follow-up, reply or rating are written, the deadlines are recomputed, and an audit entry
is written in the same transaction.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from auth.audit import AuditAction, AuditEvent
from auth.policy import Access, may_perform
from auth.principal import Principal
from auth.roles import Role
from gateway.domain.audit import record_now
from gateway.domain.reference import LOAD_COMMAND
from gateway.domain.submission import LOCAL_SYSTEM
from gateway.store import registry, rows
from gateway.store.echoes import read_back_follow_ups, read_back_reply, take_over_follow_up
from gateway.store.rows import attachment_to_dict
from gateway.store.source_details import complete_pulled_hop, pulled_hop_to
from gateway.store.transactions import transaction
from gateway.store.trees import AGENCY_TREE
from gateway.store.unit_of_work import StoredComplaint, UnitOfWork, complaint_in_scope, unit_of_work
from gateway.sync.follow_up_echo import Echo, Precision
from gateway.sync.propagate import announce_follow_up, announce_new, announce_status, follow_up_key, home_regency
from gateway.sync.replies import reply_key
from gateway.sync.topology import Topology
from schema.canonical import Complaint, Disposition, DispositionKind, Status
from schema.deadlines import DeadlinePolicy
from schema.lifecycle import Action, ActionForbidden, ActionRequest, ComplaintNotFound, IllegalTransition, transition
from schema.live import ChangedMeanwhile
from schema.validation import CONTENT_MAX, TITLE_MAX, FieldChecker

NOTE_MAX = 2000
FOLLOW_UP_MIN = 10


async def _check_category(check: FieldChecker, category_id: str) -> None:
    """A category an action writes must be in the registry (the column is a foreign key)."""
    if await registry.category_registry_empty():
        check.add(
            "categoryId", "cannot be set: the category registry is empty", f"a registry loaded with `{LOAD_COMMAND}`"
        )
    elif await registry.unknown_categories([category_id]):
        check.add(
            "categoryId", f"'{category_id[:60]}' is not in the category registry", "an id from the categories query"
        )


def _not_registered(agency_id: str) -> str:
    return f"agency '{agency_id[:60]}' is not in the registry; load it with `{LOAD_COMMAND}`"


async def _check(request: ActionRequest, row: StoredComplaint, principal: Principal) -> dict[str, object]:
    """Validate what the action needs; returns the cleaned values.

    Runs before anything is sent to the complaint's system of record, so every agency or
    category id the action will store is checked against the registry here: a missing one
    would otherwise fail on its foreign key only after the owner had accepted.
    """
    check = FieldChecker()
    a = request.action
    clean: dict[str, object] = {
        "note": check.text("note", request.note, max_len=NOTE_MAX, required=a in (Action.ARCHIVE, Action.HOLD)) or None
    }
    if a is Action.VERIFY:
        clean["title"] = check.text("title", request.title, max_len=TITLE_MAX, min_len=5) or None
        if request.category_id:
            await _check_category(check, request.category_id)
        routed = row.routed_agency_id
        if routed is None and principal.agency_id and await registry.unknown_agencies([principal.agency_id]):
            # Verifying routes an unrouted complaint to the verifier's agency (from the token).
            check.add(
                "agency",
                f"the complaint would be routed to your token's {_not_registered(principal.agency_id)}",
                "a token for an agency in the registry (the agencies query lists them)",
            )
    if a is Action.NOT_OUR_AUTHORITY:
        target = request.to_agency_id
        if not target:
            check.add("toAgencyId", "is empty", "an id from the agencies query")
        elif await registry.unknown_agencies([target]):
            check.add("toAgencyId", _not_registered(target), "an id from the agencies query")
        elif target == row.routed_agency_id:
            check.add("toAgencyId", "is the agency it is routed to already", "another agency")
    if a is Action.DISPOSE:
        units = list(dict.fromkeys(request.unit_ids))
        routed = row.routed_agency_id
        unknown = set(await registry.unknown_agencies(units))
        if principal.has(Role.NATIONAL_ADMIN):
            # LAPOR!'s admin disposes to any competent agency.
            allowed = set(units) - unknown
            expected = "ids from the agencies query"
        else:
            # An agency disposes only down to its own units.
            allowed = set(await AGENCY_TREE.subtree(routed)) - {routed} if routed else set()
            expected = f"units under {routed} (from the agencies query, parentId: {routed})"
        if not units:
            check.add("unitIds", "is empty", expected)
        for unit in units:
            if unit in unknown:
                check.add("unitIds", _not_registered(unit), expected)
            elif unit not in allowed:
                check.add("unitIds", f"'{unit[:60]}' is not one of them", expected)
        clean["units"] = units
    if a in (Action.POST_FOLLOW_UP, Action.REPLY):
        clean["content"] = check.text(
            "content", request.content, max_len=CONTENT_MAX, min_len=FOLLOW_UP_MIN, required=True
        )
    if a is Action.RATE:
        if request.score is None or not 1 <= request.score <= 5:
            check.add("score", f"is {request.score}", "an integer from 1 to 5")
        if row.rating_score is not None:
            check.add("score", "was given already", "one rating per complaint")
    check.raise_if_any()
    return clean


def _leads_to(status: Status, request: ActionRequest) -> Status | None:
    """The status `request` leads to from `status`, None if it does not apply there."""
    try:
        return transition(status, request.action, final=request.final)
    except IllegalTransition:
        return None


async def _read_back(cid: str, key: str, now: datetime, echo: Echo | None) -> int | None:
    """The id of this follow-up's own copy, read back from the system it was written to
    first (by a pull before this step), if there is one."""
    if echo is None:
        return None
    for copy in await read_back_follow_ups(cid, key, echo.system):
        if echo.same(now, copy.at):
            return int(copy.id)
    return None


def _uuid(complaint_id: str) -> uuid.UUID:
    try:
        return uuid.UUID(complaint_id)
    except ValueError:
        raise ComplaintNotFound from None


@dataclass(frozen=True, slots=True)
class Planned:
    """What a checked action would do: the status it leads to, and its cleaned values."""

    complaint_id: str
    status_before: Status
    status: Status
    clean: dict[str, object]
    routed_agency_id: str | None


async def _admit(
    row: StoredComplaint, request: ActionRequest, principal: Principal
) -> tuple[Status, dict[str, object]]:
    """The role, the transition and the values: the status the action leads to, and its
    cleaned values. Raises ActionForbidden, IllegalTransition, ValidationFailed."""
    if not may_perform(principal, request.action.value):
        raise ActionForbidden(request.action)
    new_status = transition(row.status, request.action, final=request.final)
    return new_status, await _check(request, row, principal)


class Lifecycle:
    """Applies actions to stored complaints."""

    def __init__(self, policy: DeadlinePolicy, *, topology: Topology | None = None) -> None:
        self.policy = policy
        self.topology = topology  # where changes are delivered, when syncing

    async def check(
        self, complaint_id: str, request: ActionRequest, *, principal: Principal, access: Access
    ) -> Planned:
        """Everything `apply` checks, without changing anything: what the action would do.

        Raises:
            ComplaintNotFound, ActionForbidden, IllegalTransition, ValidationFailed.
        """
        cid = _uuid(complaint_id)
        row = await complaint_in_scope(cid, access.cases)
        if row is None:
            raise ComplaintNotFound
        new_status, clean = await _admit(row, request, principal)
        return Planned(str(cid), row.status, new_status, clean, row.routed_agency_id)

    async def apply(
        self,
        complaint_id: str,
        request: ActionRequest,
        *,
        principal: Principal,
        access: Access,
        now: datetime,
        request_id: str,
        in_same_transaction: Callable[[str, Status], Awaitable[None]] | None = None,
        expected_status: Status | None = None,
        echo: Echo | None = None,
    ) -> Complaint:
        """Apply one action; returns the complaint as it is afterwards.

        `in_same_transaction(complaint_id, new_status)` runs last, inside the change's
        transaction (the write-through settles its outbox entries and receipt there).
        `expected_status`: the status the action was checked against (and sent to its
        system of record from); anything else now is ChangedMeanwhile, except the very
        status this action leads to when `echo` says where it was written first: a pull of
        that system brought the action's own result in meanwhile (no second status event),
        and a follow-up or reply it read back there is this action's (taken over, not
        added again).

        Raises:
            ComplaintNotFound, ActionForbidden, IllegalTransition, ValidationFailed,
            ChangedMeanwhile, StoreBusy (every attempt collided with concurrent changes).
        """
        cid = _uuid(complaint_id)
        now = now.replace(microsecond=0)

        async def work() -> Complaint:
            async with unit_of_work() as uow:
                # The lock order (gateway.store.locks): the complaint first, then its links,
                # outbox entries and receipt (`in_same_transaction` writes those last).
                await uow.lock([cid])
                row = await uow.complaint(cid, cases=access.cases)
                if row is None:
                    raise ComplaintNotFound
                echoed = False
                if expected_status is not None and row.status is not expected_status:
                    if echo is None or row.status is not _leads_to(expected_status, request):
                        raise ChangedMeanwhile(
                            f"the complaint moved from {expected_status.value} to {row.status.value} while this "
                            "change was on its way; expected: read it again and decide anew"
                        )
                    # Its system of record took this change and a pull read the result back
                    # before this step: the status is this action's own, not a change meanwhile.
                    echoed = True
                    row.status = expected_status  # admitted as it was checked and sent
                new_status, clean = await _admit(row, request, principal)
                await self._effects(uow, row, request, clean, principal, now, echo=echo)
                # A rating leaves the status as it is, and an echoed status has its event
                # from the pull already: both save the row (and its derived columns) alone.
                await uow.change_status(
                    row,
                    new_status,
                    at=now,
                    policy=self.policy,
                    note=clean["note"] or request.action.value,  # type: ignore[arg-type]  # the check leaves the note as str | None
                    actor_agency_id=principal.agency_id,
                    record_event=request.action is not Action.RATE and not echoed,
                )
                if self.topology is not None:
                    await self._announce(uow, str(cid), request, clean, new_status, now, status_changed=not echoed)
                await record_now(
                    principal,
                    AuditEvent(AuditAction.COMPLAINT_CHANGED, str(cid), reason=request.action.value),
                    request_id,
                )
                if in_same_transaction is not None:
                    await in_same_transaction(str(cid), new_status)
                return rows.complaint_from_row(row)

        # Run again whole if PostgreSQL ends it as one side of a deadlock (or SQLite's write
        # lock stays taken): the client never sees that as an internal error.
        return await transaction(work, what=f"{request.action.value} on {cid}")

    async def record_landed(
        self,
        complaint_id: str,
        request: ActionRequest,
        clean: dict[str, object],
        *,
        principal: Principal,
        now: datetime,
        request_id: str,
        in_same_transaction: Callable[[str, Status], Awaitable[None]],
        echo: Echo | None = None,
    ) -> Complaint:
        """Record a follow-up or reply its system of record has taken although the index
        refused the action (the complaint moved meanwhile): the words are there and cannot
        be taken back, so they are the index's too; the status stays as it is now.
        `clean` are the values the action was checked with; the row is read unscoped (the
        caller was allowed when it was sent, and the pull would bring it in anyway)."""
        assert request.action in (Action.POST_FOLLOW_UP, Action.REPLY)
        cid = _uuid(complaint_id)
        now = now.replace(microsecond=0)

        async def work() -> Complaint:
            async with unit_of_work() as uow:
                # The lock order (gateway.store.locks): the complaint row first.
                await uow.lock([cid])
                row = await uow.complaint(cid)
                if row is None:
                    raise ComplaintNotFound
                await self._effects(uow, row, request, clean, principal, now, echo=echo)
                await uow.touch(row, at=now)
                if self.topology is not None:
                    await self._announce(uow, str(cid), request, clean, row.status, now, status_changed=False)
                await record_now(
                    principal,
                    AuditEvent(AuditAction.COMPLAINT_CHANGED, str(cid), reason=request.action.value),
                    request_id,
                )
                await in_same_transaction(str(cid), row.status)
                return rows.complaint_from_row(row)

        return await transaction(work, what=f"{request.action.value} recorded on {cid}")

    async def _announce(
        self,
        uow: UnitOfWork,
        cid: str,
        request: ActionRequest,
        clean: dict[str, object],
        status: Status,
        now: datetime,
        *,
        status_changed: bool = True,
    ) -> None:
        """Enqueue the change for the other systems (in the change's transaction). A status
        read back from the system of record before this step was announced by that pull."""
        assert self.topology is not None
        if status_changed:
            await announce_status(cid, status.value, origin=None, topology=self.topology, now=now)
        if request.action is Action.NOT_OUR_AUTHORITY and request.to_agency_id:
            # Handed to another agency (pelimpahan): its kab/kota's system gets it too.
            row = await uow.complaint(cid)
            assert row is not None  # locked by this transaction
            regency = await home_regency(request.to_agency_id, row.kode_wilayah)
            await announce_new(cid, regency_code=regency, origin=None, topology=self.topology, now=now)
        if request.action is Action.POST_FOLLOW_UP:
            key = follow_up_key(str(clean["content"]))
            await announce_follow_up(cid, key, origin=None, topology=self.topology, now=now)
        if request.action is Action.REPLY:
            # The reporter's reply goes where follow-ups go, marked as the reporter's.
            await announce_follow_up(
                cid, reply_key(str(clean["content"])), origin=None, topology=self.topology, now=now, reply=True
            )

    async def _effects(
        self,
        uow: UnitOfWork,
        row: StoredComplaint,
        request: ActionRequest,
        clean: dict[str, object],
        principal: Principal,
        now: datetime,
        *,
        echo: Echo | None = None,
    ) -> None:
        a, cid = request.action, row.id
        if a is Action.VERIFY:
            if request.kadar is not None:
                row.kadar = request.kadar
            if clean.get("title"):
                row.title = str(clean["title"])
            if request.category_id:
                row.category_id = request.category_id
            if row.routed_agency_id is None and principal.agency_id:
                row.routed_agency_id = principal.agency_id
        elif a is Action.NOT_OUR_AUTHORITY:
            assert request.to_agency_id is not None  # the check refuses an empty one
            await uow.add_disposition(
                cid,
                Disposition(
                    kind=DispositionKind.PELIMPAHAN,
                    from_agency_id=row.routed_agency_id,
                    to_agency_id=request.to_agency_id,
                    at=now,
                    note=clean["note"],  # type: ignore[arg-type]  # the check leaves the note as str | None
                ),
            )
            row.routed_agency_id = request.to_agency_id
        elif a is Action.DISPOSE:
            sender = principal.agency_id or row.routed_agency_id
            for unit in clean["units"]:  # type: ignore[attr-defined]  # DISPOSE's check leaves a tuple of unit ids
                # Read back from its system of record meanwhile: the same hop, which keeps
                # this one's note (that system has none). Only a hop pulled since this
                # change was sent: an earlier hop to the same OPD is another disposition.
                pulled = (
                    await pulled_hop_to(str(cid), unit, since=echo.floor(now, Precision.DAY))
                    if echo is not None
                    else None
                )
                if pulled is not None:
                    await complete_pulled_hop(pulled, note=clean["note"], from_agency_id=sender)  # type: ignore[arg-type]  # the check leaves the note as str | None
                    continue
                await uow.add_disposition(
                    cid,
                    Disposition(
                        kind=DispositionKind.DISPOSISI,
                        from_agency_id=sender,
                        to_agency_id=unit,
                        at=now,
                        note=clean["note"],  # type: ignore[arg-type]  # the check leaves the note as str | None
                    ),
                )
        elif a is Action.POST_FOLLOW_UP:
            values: dict[str, Any] = {
                "agency_id": principal.agency_id or row.routed_agency_id or "unknown",
                "content": clean["content"],
                "at": now,
                "attachments": [attachment_to_dict(x) for x in request.attachments],
                "origin_system": LOCAL_SYSTEM,
            }
            key = follow_up_key(str(clean["content"]))
            copy = await _read_back(str(cid), key, now, echo)
            if copy is not None:
                await take_over_follow_up(copy, **values)
            else:
                await uow.add_follow_up(
                    cid,
                    key=key,
                    agency_id=str(values["agency_id"]),
                    content=str(clean["content"]),
                    at=now,
                    attachments=request.attachments,
                    origin_system=LOCAL_SYSTEM,
                )
        elif a is Action.REPLY:
            key = follow_up_key(str(clean["content"]))
            reply = None
            if echo is not None:
                reply = await read_back_reply(
                    str(cid), lambda text: follow_up_key(text) == key, lambda at: echo.same(now, at)
                )
            if reply is None:
                await uow.add_reply(cid, str(clean["content"]), now)
        elif a is Action.RATE:
            row.rating_score = request.score
            row.rating_comment = clean["note"]  # type: ignore[assignment]  # the check leaves the note as str | None
            row.rated_at = now


__all__ = ["Lifecycle"]
