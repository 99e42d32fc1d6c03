"""Refusing an act: UNAUTHENTICATED without a token, else FORBIDDEN, recorded in the audit log."""

from __future__ import annotations

from graphql import GraphQLError

from auth.audit import AuditAction
from schema.graphql.context import GraphQLContext


def refuse(
    ctx: GraphQLContext,
    *,
    action: AuditAction,
    reason: str,
    without_token: str,
    with_token: str,
) -> GraphQLError:
    """The error to raise for an act the caller may not do.

    A caller without a token is told that one is needed (nothing to audit: nobody acted);
    an authenticated caller's attempt is recorded as denied.
    """
    if ctx.principal.is_public:
        return GraphQLError(without_token, extensions={"code": "UNAUTHENTICATED"})
    ctx.audit.record(action, reason=reason)
    return GraphQLError(with_token, extensions={"code": "FORBIDDEN"})
