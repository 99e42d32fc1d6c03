"""Who is calling and what they may read: tokens, principals, row scopes and policies.

Free of web, GraphQL and ORM code; the gateway wires it in.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from auth.errors import AuthError, ExpiredToken, InvalidToken, MissingToken, PermissionDenied, UnknownKey
    from auth.issuers import IssuerConfig, load_issuers
    from auth.keys import JwksKeys, KeySet, StaticKeys
    from auth.policy import Access, access_for
    from auth.principal import Principal
    from auth.roles import Role, TokenKind
    from auth.scope import PUBLIC, UNRESTRICTED, RowScope
    from auth.tokens import TokenVerifier

# Where each public name lives. Loaded on first use: importing one light module of the
# package (auth.roles, for the CLI's choices) must not load aiohttp and the JWT stack.
_HOMES = {
    "AuthError": "auth.errors",
    "ExpiredToken": "auth.errors",
    "InvalidToken": "auth.errors",
    "MissingToken": "auth.errors",
    "PermissionDenied": "auth.errors",
    "UnknownKey": "auth.errors",
    "IssuerConfig": "auth.issuers",
    "load_issuers": "auth.issuers",
    "JwksKeys": "auth.keys",
    "KeySet": "auth.keys",
    "StaticKeys": "auth.keys",
    "Access": "auth.policy",
    "access_for": "auth.policy",
    "Principal": "auth.principal",
    "Role": "auth.roles",
    "TokenKind": "auth.roles",
    "PUBLIC": "auth.scope",
    "UNRESTRICTED": "auth.scope",
    "RowScope": "auth.scope",
    "TokenVerifier": "auth.tokens",
}


def __getattr__(name: str) -> Any:
    if name not in _HOMES:
        raise AttributeError(f"module 'auth' has no attribute {name!r}")
    return getattr(import_module(_HOMES[name]), name)


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
