"""A request id per HTTP request: taken from X-Request-ID when sane, else generated.

Sane is 1 to 64 characters of letters, digits, '.', '_' and '-', starting with a letter or
digit (so never "-", the placeholder outside a request, nor anything a log reader could take
for an option or a path); the whole value must match, a trailing newline included.

It is kept in a context variable for log lines and masked-error messages, and echoed in
the response's X-Request-ID header so that a user's report can be matched to the log.
"""

from __future__ import annotations

import logging
import re
import uuid
from contextvars import ContextVar

from starlette.types import ASGIApp, Message, Receive, Scope, Send

HEADER = "x-request-id"
_SANE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")
_current: ContextVar[str] = ContextVar("request_id", default="-")


def current_request_id() -> str:
    """The id of the request being handled, or "-" outside a request."""
    return _current.get()


class RequestIdMiddleware:
    """Pure ASGI middleware (no BaseHTTPMiddleware: it breaks streaming and contextvars)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        given = dict(scope["headers"]).get(HEADER.encode(), b"").decode("latin-1")
        rid = given if _SANE.fullmatch(given) else uuid.uuid4().hex
        token = _current.set(rid)

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                message.setdefault("headers", [])
                message["headers"] = [*message["headers"], (HEADER.encode(), rid.encode())]
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            _current.reset(token)


class RequestIdLogFilter(logging.Filter):
    """Adds `request_id` to every log record."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = current_request_id()
        return True
