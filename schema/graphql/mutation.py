"""The Mutation root: submitting complaints (lifecycle actions arrive with their issue).

Who acts comes from the caller's token, never from arguments or headers.
"""

from __future__ import annotations

from datetime import UTC, datetime

import strawberry

from auth.audit import AuditAction
from schema.graphql.complaint_types import Complaint, case_file
from schema.graphql.inputs import SubmitComplaintInput, from_validation
from schema.graphql.refusal import refuse
from schema.graphql.types import Ctx
from schema.validation import ValidationFailed


@strawberry.type(description="The result of submitting a complaint.")
class SubmitComplaintPayload:
    tracking_id: str = strawberry.field(description="Give this to the reporter.")
    complaint: Complaint | None = strawberry.field(
        description="The stored complaint, if it is in your case scope (a citizen's own "
        "complaint is; an officer entering a walk-in complaint may not see it afterwards)."
    )


@strawberry.type
class SubmitMutation:
    @strawberry.mutation(
        description="Submit a new complaint into the local store; assigns a tracking ID."
    )
    async def submit_complaint(
        self, info: Ctx, input: SubmitComplaintInput
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
            stored = await ctx.submission.submit(
                input.to_draft(), now=datetime.now(UTC), principal=ctx.principal
            )
        except ValidationFailed as exc:
            raise from_validation(exc) from None
        ctx.audit.record(AuditAction.COMPLAINT_SUBMITTED, complaint_id=stored.id)
        visible = await ctx.complaints.get(ctx.access.cases, id=stored.id)
        return SubmitComplaintPayload(
            tracking_id=stored.tracking_id,
            complaint=case_file(ctx, visible) if visible else None,
        )
