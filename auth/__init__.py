"""Who is calling and what they may read: tokens, principals, row scopes and policies.

Free of web, GraphQL and ORM code; the gateway wires it in.
"""

from __future__ import annotations

from auth.errors import AuthError, ExpiredToken, InvalidToken, MissingToken, PermissionDenied, UnknownKey
from auth.issuers import IssuerConfig, load_issuers
from auth.keys import JwksKeys, KeySet, StaticKeys
from auth.policy import Access, access_for
from auth.principal import Principal
from auth.roles import Role, TokenKind
from auth.scope import PUBLIC, UNRESTRICTED, RowScope
from auth.tokens import TokenVerifier

__all__ = [
    "PUBLIC",
    "UNRESTRICTED",
    "Access",
    "AuthError",
    "ExpiredToken",
    "InvalidToken",
    "IssuerConfig",
    "JwksKeys",
    "KeySet",
    "MissingToken",
    "PermissionDenied",
    "Principal",
    "Role",
    "RowScope",
    "StaticKeys",
    "TokenKind",
    "TokenVerifier",
    "UnknownKey",
    "access_for",
    "load_issuers",
]
