"""The rate-limit middleware: every request and handshake counted before any GraphQL work.

It sits after authentication (it needs the principal). Refusals are answered by
`gateway.edge.limits.too_many_requests`, after a wait in the tarpit (`gateway.edge.limits.tarpit`) that slows a
closed-loop flood down. Health, readiness and metrics are never limited: monitoring must see a gateway
under attack.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Receive, Scope, Send

from gateway.edge.limits.rate_guard import RateGuard
from gateway.edge.limits.too_many_requests import send_too_many
from gateway.edge.middleware.authentication import principal_of, route_path

EXEMPT = frozenset({"/healthz", "/readyz", "/metrics"})


class RateLimitMiddleware:
    """Counts every HTTP request and WebSocket handshake against its caller's limit."""

    def __init__(self, app: ASGIApp, *, guard: RateGuard, exempt: frozenset[str] = EXEMPT) -> None:
        self.app = app
        self.guard = guard
        self.exempt = exempt

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket") or route_path(scope) in self.exempt:
            await self.app(scope, receive, send)
            return
        verdict = await self.guard.check(principal_of(scope), scope)
        if not verdict.allowed:
            await self.guard.slow_down(verdict)
            await send_too_many(scope, send, verdict.retry_after)
            return
        await self.app(scope, receive, send)
