"""The Mutation root: submitting complaints (lifecycle actions arrive with their issue).

Who acts comes from the caller's token, never from arguments or headers.
"""

from __future__ import annotations

from datetime import UTC, datetime

import strawberry

from auth.audit import AuditAction
from schema.graphql.complaint_types import Complaint, case_file
from schema.graphql.inputs import IdempotencyKey, SubmitComplaintInput, checked_key, from_validation
from schema.graphql.live_types import WriteDelivery
from schema.graphql.refusal import refuse
from schema.graphql.types import Ctx
from schema.live import WriteRefused
from schema.validation import ValidationFailed


@strawberry.type(description="The result of submitting a complaint.")
class SubmitComplaintPayload:
    tracking_id: str = strawberry.field(description="Give this to the reporter.")
    delivery: WriteDelivery = strawberry.field(
        description="Where it went: created in its system of record, or pending there."
    )
    complaint: Complaint | None = strawberry.field(
        description="The stored complaint, if it is in your case scope (a citizen's own "
        "complaint is; an officer entering a walk-in complaint may not see it afterwards)."
    )


@strawberry.type
class SubmitMutation:
    @strawberry.mutation(
        description="Submit a new complaint: stored, given a tracking ID, and created in its "
        "system of record (its kab/kota's system if connected, else LAPOR!)."
    )
    async def submit_complaint(
        self, info: Ctx, input: SubmitComplaintInput, idempotency_key: IdempotencyKey = None
    ) -> SubmitComplaintPayload:
        ctx = info.context
        if not ctx.access.may_submit:
            raise refuse(
                ctx,
                action=AuditAction.MUTATION_DENIED,
                reason="SUBMIT_COMPLAINT",
                without_token="submitting a complaint needs a token (a citizen's or an agency's)",
                with_token="your roles may not submit complaints",
            )
        try:
            stored, receipt = await ctx.writes.submit(
                input.to_draft(),
                now=datetime.now(UTC),
                principal=ctx.principal,
                idempotency_key=checked_key(idempotency_key),
            )
        except ValidationFailed as exc:
            raise from_validation(exc) from None
        except WriteRefused as exc:
            if exc.code == "FORBIDDEN":  # a repeat refused to a caller whose access changed
                ctx.audit.record(AuditAction.MUTATION_DENIED, reason="REPLAY:SUBMIT")
            raise  # a public error of the tree: the error extension gives it its code
        if not receipt.replayed:
            ctx.audit.record(AuditAction.COMPLAINT_SUBMITTED, complaint_id=stored.id)
        visible = await ctx.complaints.get(ctx.access.cases, id=stored.id)
        return SubmitComplaintPayload(
            tracking_id=stored.tracking_id,
            delivery=WriteDelivery.of(receipt),
            complaint=case_file(ctx, visible) if visible else None,
        )
