"""Refuse request bodies over a size limit before any of them is parsed (413)."""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from gateway.edge.middleware.asgi_answers import StartTracking, error_json, send_json
from gateway.metrics import refused


class BodyTooLarge(Exception):
    """The client sent more bytes than the limit."""


def _error_body(limit: int) -> bytes:
    return error_json(f"request body is larger than {limit} bytes", "REQUEST_TOO_LARGE")


class BodyLimitMiddleware:
    """Checks Content-Length up front and counts streamed chunks as they arrive."""

    def __init__(self, app: ASGIApp, *, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def _reject(self, send: Send) -> None:
        refused("REQUEST_TOO_LARGE")
        await send_json(send, 413, _error_body(self.max_bytes))

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
