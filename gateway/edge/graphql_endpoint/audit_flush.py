"""The audit trail of one GraphQL request, written before its answer goes out.

A confidential read that cannot be recorded is not served: when the write fails, the
answer's data is withheld and the caller gets AUDIT_UNAVAILABLE with the request id.
"""

from __future__ import annotations

import logging

from graphql import GraphQLError
from starlette.requests import Request
from strawberry.types import ExecutionResult

from gateway.domain.audit import AuditTrail
from gateway.edge.middleware.request_id import current_request_id

log = logging.getLogger(__name__)


async def flushed(request: Request, result: ExecutionResult) -> ExecutionResult:
    """`result` once the request's audit trail is written, or the withheld answer."""
    trail: AuditTrail | None = getattr(request.state, "audit_trail", None)
    if trail is None:
        return result
    try:
        await trail.flush()
    except Exception:
        # A confidential read that cannot be recorded is not served.
        log.exception("audit log write failed; withholding the response data")
        return ExecutionResult(
            data=None,
            errors=[
                GraphQLError(
                    f"the audit log could not be written, so the answer is withheld; request id {current_request_id()}",
                    extensions={"code": "AUDIT_UNAVAILABLE"},
                )
            ],
        )
    return result
