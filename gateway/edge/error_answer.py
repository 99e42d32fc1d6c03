"""Every HTTP error answer the gateway sends, built in one place: `ErrorAnswer`.

The body is in the shape of a GraphQL error, whatever the endpoint, so a client reads
every refusal the same way:
`{"errors": [{"message": ..., "extensions": {"code": ..., ...}}]}`. The answer carries its
status and headers: `Retry-After` (and `retryAfter` in the body) where the caller should come back later, and the
security headers where it leaves outside `gateway.edge.middleware.security_headers`' middleware (the
unhandled-error answer). Endpoints and exception handlers return `.response()`; pure ASGI
middlewares, which answer before or instead of the app, `await .send(send)`.
An error of the tree (`schema.errors`) gives its own status, code and message: `of(error)`.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Mapping
from dataclasses import dataclass, field

from starlette.responses import Response
from starlette.types import Scope, Send

from gateway.edge.middleware.security_headers import hardened_headers
from schema.errors import PenghubungError


@dataclass(frozen=True)
class ErrorAnswer:
    """One error answer: status, code, message, more extensions and headers."""

    status: int
    code: str
    message: str
    extensions: Mapping[str, object] = field(default_factory=dict)
    headers: Mapping[str, str] = field(default_factory=dict)
    # Seconds after which trying again may work: the Retry-After header and `retryAfter`.
    retry_after: int | None = None
    # With the security headers itself: for an answer no middleware of ours sees.
    hardened: bool = False

    @classmethod
    def of(cls, error: PenghubungError, *, headers: Mapping[str, str] | None = None) -> ErrorAnswer:
        """The answer reporting `error`: its status, code and message."""
        return cls(error.http_status, error.code, str(error), headers=headers or {})

    @functools.cached_property  # an overload or a flood is answered thousands of times
    def body(self) -> bytes:
        """The JSON body."""
        extensions = {"code": self.code, **self.extensions}
        if self.retry_after is not None:
            extensions["retryAfter"] = self.retry_after
        error = {"message": self.message, "extensions": extensions}
        return json.dumps({"errors": [error]}).encode()

    def header_items(self) -> list[tuple[str, str]]:
        """The headers besides the content type and length."""
        items = [("retry-after", str(self.retry_after))] if self.retry_after is not None else []
        items += self.headers.items()
        if self.hardened:
            items += hardened_headers().items()
        return items

    def response(self) -> Response:
        """As a Starlette response, for endpoints and exception handlers."""
        return Response(
            self.body, status_code=self.status, media_type="application/json", headers=dict(self.header_items())
        )

    async def send(self, send: Send, scope: Scope | None = None) -> None:
        """As one whole raw ASGI response; over a WebSocket handshake (when `scope` is one)
        as the denial response the server lets the app send."""
        prefix = "websocket.http." if scope is not None and scope["type"] == "websocket" else "http."
        body = self.body
        await send(
            {
                "type": f"{prefix}response.start",
                "status": self.status,
                "headers": [
                    (b"content-type", b"application/json"),
                    (b"content-length", str(len(body)).encode()),
                    *((name.encode(), value.encode("latin-1")) for name, value in self.header_items()),
                ],
            }
        )
        await send({"type": f"{prefix}response.body", "body": body})
