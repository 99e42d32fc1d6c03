"""The Mutation root: submitting complaints (lifecycle actions arrive with their issue)."""

from __future__ import annotations

from datetime import UTC, datetime

import strawberry

from schema.graphql.inputs import SubmitComplaintInput, from_validation
from schema.graphql.types import Complaint, Ctx
from schema.validation import ValidationFailed


@strawberry.type(description="The result of submitting a complaint.")
class SubmitComplaintPayload:
    tracking_id: str = strawberry.field(description="Give this to the reporter.")
    complaint: Complaint


@strawberry.type
class Mutation:
    @strawberry.mutation(
        description="Submit a new complaint into the local store; assigns a tracking ID."
    )
    async def submit_complaint(
        self, info: Ctx, input: SubmitComplaintInput
    ) -> SubmitComplaintPayload:
        try:
            stored = await info.context.submission.submit(
                input.to_draft(), now=datetime.now(UTC)
            )
        except ValidationFailed as exc:
            raise from_validation(exc) from None
        return SubmitComplaintPayload(
            tracking_id=stored.tracking_id, complaint=Complaint.from_canonical(stored)
        )
