"""Lifecycle mutations: verify, hold, not our authority, archive, dispose, follow up, reply,
close, rate. Each goes through the one state machine; who acts comes from the token."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import strawberry
from graphql import GraphQLError

from auth.audit import AuditAction
from auth.errors import AuthError
from auth.policy import may_perform
from auth.principal import Principal
from schema import canonical as c
from schema import edge_checks as edge
from schema.graphql.complaint_types import Complaint, case_file
from schema.graphql.inputs import AttachmentInput, IdempotencyKey, UserInputError, checked_key, from_validation
from schema.graphql.live_types import WriteDelivery
from schema.graphql.types import Ctx, Kadar, Status
from schema.lifecycle import (
    Action,
    ActionForbidden,
    ActionRequest,
    ComplaintNotFound,
    IllegalTransition,
    allowed_actions,
)
from schema.live import WriteRefused
from schema.validation import ValidationFailed

# strawberry.enum marks the enum class itself (and returns it): each name below is that
# class, so type checkers take it as a type.
strawberry.enum(Action, name="ComplaintAction", description="A lifecycle action.")
ComplaintAction = Action


@strawberry.type(description="The result of a lifecycle action.")
class ComplaintActionPayload:
    status: Status
    delivery: WriteDelivery = strawberry.field(
        description="Where the change went: applied at its system of record, or pending there."
    )
    allowed_actions: list[ComplaintAction] = strawberry.field(description="What your roles may do next.")
    complaint: Complaint | None = strawberry.field(
        description="The complaint afterwards, if it is still in your case scope (handing it "
        "to another agency moves it out of yours)."
    )


def your_actions(principal: Principal, complaint: c.Complaint) -> list[Action]:
    """The actions the status allows and the principal's roles permit (a rating once)."""
    return [
        a
        for a in allowed_actions(complaint.status)
        if may_perform(principal, a.value) and not (a is Action.RATE and complaint.rating)
    ]


# The mutation argument behind each ActionRequest field, for error messages.
_ARGUMENTS = {
    Action.ARCHIVE: {"note": "reason"},
    Action.RATE: {"note": "comment"},
}


async def _apply(
    info: Ctx, complaint_id: strawberry.ID, request: ActionRequest, idempotency_key: str | None
) -> ComplaintActionPayload:
    ctx = info.context
    if ctx.principal.is_public:
        raise AuthError(f"{request.action.value} needs a token")
    # Shapes and lengths first: nothing oversized or malformed reaches the store.
    refused = edge.complaint_id("id", str(complaint_id)) + edge.action_request(
        request, _ARGUMENTS.get(request.action, {})
    )
    if refused:
        raise UserInputError(refused)
    try:
        changed, receipt = await ctx.writes.act(
            str(complaint_id),
            request,
            principal=ctx.principal,
            access=ctx.access,
            now=datetime.now(UTC),
            request_id=ctx.request_id,
            idempotency_key=checked_key(idempotency_key),
        )
    except WriteRefused as exc:
        if exc.code == "FORBIDDEN":  # a repeat refused to a caller whose access changed
            ctx.audit.record(
                AuditAction.MUTATION_DENIED, complaint_id=str(complaint_id), reason=f"REPLAY:{request.action.value}"
            )
        raise  # a public error of the tree: the error extension gives it its code
    except ComplaintNotFound as exc:
        system = str(complaint_id).partition(":")[0]
        if ctx.sources is not None and system in ctx.sources.connectors:  # a live list's unsynced record
            raise GraphQLError(
                f"this record of {system} is not synced into the gateway yet; expected the gateway's id, "
                "which complaint(id) gives once the next sync has brought it in",
                extensions={"code": exc.code},
            ) from None
        if await ctx.complaints.exists(id=str(complaint_id)):
            ctx.audit.record(AuditAction.MUTATION_DENIED, reason=f"OUT_OF_SCOPE:{request.action.value}")
        raise
    except ActionForbidden:
        ctx.audit.record(AuditAction.MUTATION_DENIED, complaint_id=str(complaint_id), reason=request.action.value)
        raise
    except IllegalTransition as exc:
        raise GraphQLError(
            str(exc),
            extensions={
                "code": exc.code,
                "status": exc.status.value,
                "allowedActions": [a.value for a in exc.allowed],
                "yourAllowedActions": [a.value for a in exc.allowed if may_perform(ctx.principal, a.value)],
            },
        ) from None
    except ValidationFailed as exc:
        rename = _ARGUMENTS.get(request.action, {})
        raise from_validation(
            ValidationFailed([replace(e, field=rename.get(e.field, e.field)) for e in exc.errors]),
            prefix=None,
        ) from None
    visible = await ctx.complaints.get(ctx.access.cases, id=changed.id)
    return ComplaintActionPayload(
        status=changed.status,
        delivery=WriteDelivery.of(receipt),
        allowed_actions=your_actions(ctx.principal, changed),
        complaint=case_file(ctx, visible) if visible else None,
    )


@strawberry.type
class LifecycleMutation:
    @strawberry.mutation(description="A1 verifikasi: the complaint is valid; optionally set kadar, title, category.")
    async def verify_complaint(
        self,
        info: Ctx,
        id: strawberry.ID,
        kadar: Kadar | None = None,
        title: str | None = None,
        category_id: strawberry.ID | None = None,
        note: str | None = None,
        idempotency_key: IdempotencyKey = None,
    ) -> ComplaintActionPayload:
        request = ActionRequest(
            Action.VERIFY, note=note, kadar=kadar, title=title, category_id=str(category_id) if category_id else None
        )
        return await _apply(info, id, request, idempotency_key)

    @strawberry.mutation(description="A2 tunda: hold, waiting for the reporter's clarification.")
    async def hold_complaint(
        self, info: Ctx, id: strawberry.ID, note: str, idempotency_key: IdempotencyKey = None
    ) -> ComplaintActionPayload:
        return await _apply(info, id, ActionRequest(Action.HOLD, note=note), idempotency_key)

    @strawberry.mutation(description="A3 bukan wewenang: hand it to the competent agency; the tracking ID stays.")
    async def mark_not_our_authority(
        self,
        info: Ctx,
        id: strawberry.ID,
        to_agency_id: strawberry.ID,
        note: str | None = None,
        idempotency_key: IdempotencyKey = None,
    ) -> ComplaintActionPayload:
        request = ActionRequest(Action.NOT_OUR_AUTHORITY, note=note, to_agency_id=str(to_agency_id))
        return await _apply(info, id, request, idempotency_key)

    @strawberry.mutation(description="A4 arsipkan: archive, with a reason.")
    async def archive_complaint(
        self, info: Ctx, id: strawberry.ID, reason: str, idempotency_key: IdempotencyKey = None
    ) -> ComplaintActionPayload:
        return await _apply(info, id, ActionRequest(Action.ARCHIVE, note=reason), idempotency_key)

    @strawberry.mutation(description="Disposisi: send it to one or more units that must act.")
    async def dispose_complaint(
        self,
        info: Ctx,
        id: strawberry.ID,
        unit_ids: list[strawberry.ID],
        note: str | None = None,
        idempotency_key: IdempotencyKey = None,
    ) -> ComplaintActionPayload:
        request = ActionRequest(Action.DISPOSE, note=note, unit_ids=tuple(str(u) for u in unit_ids))
        return await _apply(info, id, request, idempotency_key)

    @strawberry.mutation(description="Tindak lanjut: an answer. `final: true` opens the reporter's reply window.")
    async def post_follow_up(
        self,
        info: Ctx,
        id: strawberry.ID,
        content: str,
        final: bool = False,
        attachments: list[AttachmentInput] | None = None,
        idempotency_key: IdempotencyKey = None,
    ) -> ComplaintActionPayload:
        files = tuple(
            c.Attachment(name=a.name, media_type=a.media_type, size=a.size, sha256=a.sha256) for a in attachments or ()
        )
        request = ActionRequest(Action.POST_FOLLOW_UP, content=content, final=final, attachments=files)
        return await _apply(info, id, request, idempotency_key)

    @strawberry.mutation(description="The reporter's tanggapan: a clarification, or re-opening.")
    async def reply_to_complaint(
        self, info: Ctx, id: strawberry.ID, content: str, idempotency_key: IdempotencyKey = None
    ) -> ComplaintActionPayload:
        return await _apply(info, id, ActionRequest(Action.REPLY, content=content), idempotency_key)

    @strawberry.mutation(description="Selesai: close the complaint.")
    async def close_complaint(
        self, info: Ctx, id: strawberry.ID, note: str | None = None, idempotency_key: IdempotencyKey = None
    ) -> ComplaintActionPayload:
        return await _apply(info, id, ActionRequest(Action.CLOSE, note=note), idempotency_key)

    @strawberry.mutation(description="The reporter rates a closed complaint, 1 to 5, once.")
    async def rate_complaint(
        self,
        info: Ctx,
        id: strawberry.ID,
        score: int,
        comment: str | None = None,
        idempotency_key: IdempotencyKey = None,
    ) -> ComplaintActionPayload:
        return await _apply(info, id, ActionRequest(Action.RATE, score=score, note=comment), idempotency_key)
