"""Refusing an act: UNAUTHENTICATED without a token, else FORBIDDEN, recorded in the audit log."""

from __future__ import annotations

from auth.audit import AuditAction
from auth.errors import AuthError, PermissionDenied
from schema.graphql.context import GraphQLContext


def refuse(
    ctx: GraphQLContext,
    *,
    action: AuditAction,
    reason: str,
    without_token: str,
    with_token: str,
) -> AuthError:
    """The error to raise for an act the caller may not do.

    A caller without a token is told that one is needed (nothing to audit: nobody acted);
    an authenticated caller's attempt is recorded as denied.
    """
    if ctx.principal.is_public:
        return AuthError(without_token)  # UNAUTHENTICATED
    ctx.audit.record(action, reason=reason)
    return PermissionDenied(with_token)  # FORBIDDEN
