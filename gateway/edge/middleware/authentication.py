"""Bearer-token authentication for HTTP requests: the principal, or a 401 with a code.

A pure ASGI middleware (no GraphQL inside): it reads the Authorization header, asks the
TokenVerifier, and puts the Principal in the ASGI scope for the GraphQL view. A request
without a header is the public principal; a bad token is refused before any GraphQL work,
counted, charged to the client network's rate and audited at a bounded rate
(gateway.edge.middleware.bad_tokens), by its code, never by its text.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import TYPE_CHECKING

import aiohttp
from starlette.types import ASGIApp, Receive, Scope, Send

from auth.audit import AuditAction, AuditEvent
from auth.dev import load_or_create
from auth.errors import AuthError, InvalidToken
from auth.issuers import IssuerConfig, load_issuers
from auth.keys import JwksKeys, KeySet, StaticKeys
from auth.principal import Principal
from auth.tokens import TokenVerifier
from gateway.domain.audit import record_now
from gateway.edge.error_answer import ErrorAnswer
from gateway.edge.limits.too_many_requests import send_too_many
from gateway.edge.middleware.request_id import current_request_id
from gateway.edge.state import app_state
from gateway.settings import GatewaySettings
from gateway.telemetry import refused

if TYPE_CHECKING:
    from gateway.edge.middleware.bad_tokens import BadTokens

log = logging.getLogger(__name__)
PRINCIPAL_KEY = "penghubung.principal"


def principal_of(scope: Scope) -> Principal:
    """The principal the middleware established (public if none)."""
    found = scope.get(PRINCIPAL_KEY)
    return found if isinstance(found, Principal) else Principal.public()


def issuers_for(settings: GatewaySettings) -> list[IssuerConfig]:
    """The trusted issuers: from the config file, plus the dev keys where trusted."""
    issuers = load_issuers(settings.auth_config) if settings.auth_config else []
    if settings.trust_dev_tokens:
        issuers.append(load_or_create(settings.dev_keys_dir).issuer())
    return issuers


def build_verifier(issuers: Sequence[IssuerConfig], session: aiohttp.ClientSession | None) -> TokenVerifier:
    """A verifier with a key set per issuer (JWKS ones fetch through `session`)."""
    keysets: dict[str, KeySet] = {}
    for issuer in issuers:
        if issuer.jwks_url:
            if session is None:
                raise ValueError(f"issuer {issuer.issuer} uses a JWKS URL but no HTTP session was given")
            keysets[issuer.issuer] = JwksKeys(issuer.jwks_url, session, algorithms=issuer.algorithms)
        else:
            keysets[issuer.issuer] = StaticKeys(issuer.keys)
    return TokenVerifier(issuers, keysets)


def _bearer(scope: Scope) -> str | None:
    for name, value in scope.get("headers", ()):
        if name == b"authorization":
            text: str = value.decode("latin-1").strip()
            scheme, _, token = text.partition(" ")
            if scheme.lower() != "bearer" or not token.strip():
                raise InvalidToken("Authorization header is not 'Bearer <token>'", code="MALFORMED_AUTHORIZATION")
            return token.strip()
    return None


def route_path(scope: Scope) -> str:
    """The path as the app's routes see it (without a `--root-path` prefix)."""
    path, root = str(scope.get("path", "")), str(scope.get("root_path", ""))
    return path[len(root) :] if root and path.startswith(root) else path


class BearerAuthMiddleware:
    """Sets the principal on every HTTP and WebSocket request; refuses bad tokens."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        verifier: TokenVerifier | None = None,
        own_credentials: frozenset[str] = frozenset(),
        bad_tokens: BadTokens | None = None,
    ) -> None:
        self.app = app
        self.verifier = verifier
        self.bad_tokens = bad_tokens
        # Paths whose Authorization header carries their own credential, not a user's token
        # (a Prometheus scrape's bearer token): passed through as the public principal.
        self.own_credentials = own_credentials

    async def _refuse(self, error: AuthError, scope: Scope, send: Send) -> None:
        refused(error.code)
        if self.bad_tokens is not None:
            verdict = await self.bad_tokens.rejected(error.code, scope, current_request_id())
            if not verdict.allowed:  # a flood of bad tokens: told to slow down, not why
                await self.bad_tokens.guard.slow_down(verdict)
                await send_too_many(scope, send, verdict.retry_after)
                return
        else:
            try:
                await record_now(
                    Principal.public(),
                    AuditEvent(AuditAction.TOKEN_REJECTED, reason=error.code),
                    current_request_id(),
                )
            except Exception:  # the refusal stands even if the log cannot be written
                log.exception("could not record a rejected token")
        if scope["type"] == "websocket":
            await send({"type": "websocket.close", "code": 4401, "reason": error.code})
            return
        challenge = f'Bearer error="invalid_token", error_description="{error.code}"'
        await ErrorAnswer.of(error, headers={"www-authenticate": challenge}).send(send)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        if scope["type"] == "http" and route_path(scope) in self.own_credentials:
            scope[PRINCIPAL_KEY] = Principal.public()
            await self.app(scope, receive, send)
            return
        state = app_state(scope)
        verifier = self.verifier or (state.verifier if state is not None else None)
        try:
            token = _bearer(scope)
            if token is None:
                principal = Principal.public()
            elif verifier is None:
                raise InvalidToken("this gateway trusts no token issuer", code="UNKNOWN_ISSUER")
            else:
                principal = await verifier.verify(token)
        except AuthError as error:
            await self._refuse(error, scope, send)
            return
        scope[PRINCIPAL_KEY] = principal
        await self.app(scope, receive, send)
