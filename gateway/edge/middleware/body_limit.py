"""Refuse request bodies over a size limit before any of them is parsed (413)."""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from gateway.edge.error_answer import ErrorAnswer
from gateway.edge.middleware.asgi_answers import StartTracking
from gateway.telemetry import refused
from schema.errors import RequestError


class BodyTooLarge(RequestError):
    """The client sent more bytes than the limit."""

    code = "REQUEST_TOO_LARGE"
    http_status = 413


class BodyLimitMiddleware:
    """Checks Content-Length up front and counts streamed chunks as they arrive."""

    def __init__(self, app: ASGIApp, *, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def _reject(self, send: Send) -> None:
        refused(BodyTooLarge.code)
        await ErrorAnswer.of(BodyTooLarge(f"request body is larger than {self.max_bytes} bytes")).send(send)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        length = dict(scope["headers"]).get(b"content-length")
        if length is not None and (not length.isdigit() or int(length) > self.max_bytes):
            await self._reject(send)
            return
        seen = 0
        tracked = StartTracking(send)

        async def counted_receive() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_bytes:
                    raise BodyTooLarge
            return message

        try:
            await self.app(scope, counted_receive, tracked)
        except BodyTooLarge:
            if not tracked.started:
                await self._reject(send)
