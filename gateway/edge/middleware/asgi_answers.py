"""Answers the pure-ASGI middlewares send themselves, before or instead of the app: a JSON
body in the shape of a GraphQL error, sent as a whole response, and a `send` that remembers
whether the app has started its own response (after which none may be sent)."""

from __future__ import annotations

import json
from collections.abc import Iterable

from starlette.types import Message, Scope, Send


def error_json(message: str, code: str, **extensions: object) -> bytes:
    """`{"errors": [{"message": ..., "extensions": {"code": ..., ...}}]}` as bytes."""
    return json.dumps({"errors": [{"message": message, "extensions": {"code": code, **extensions}}]}).encode()


async def send_json(
    send: Send, status: int, body: bytes, *, headers: Iterable[tuple[bytes, bytes]] = (), scope: Scope | None = None
) -> None:
    """One whole JSON response; over a WebSocket handshake (when `scope` is one) as the
    denial response the server lets the app send."""
    prefix = "websocket.http." if scope is not None and scope["type"] == "websocket" else "http."
    await send(
        {
            "type": f"{prefix}response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                *headers,
            ],
        }
    )
    await send({"type": f"{prefix}response.body", "body": body})


async def send_retry_later(
    scope: Scope, send: Send, *, status: int, body: bytes, retry_after: int, code: str, ws_close_code: int
) -> None:
    """A refusal to come back later: `status` with `Retry-After` and `body`, or, for a
    WebSocket handshake the server cannot answer over HTTP, a close with `ws_close_code`."""
    if scope["type"] == "websocket" and "websocket.http.response" not in scope.get("extensions", {}):
        await send({"type": "websocket.close", "code": ws_close_code, "reason": f"{code} retry after {retry_after} s"})
        return
    await send_json(send, status, body, headers=[(b"retry-after", str(retry_after).encode())], scope=scope)


class StartTracking:
    """Wraps `send`; `started` turns true once the app has begun its response."""

    def __init__(self, send: Send) -> None:
        self._send = send
        self.started = False

    async def __call__(self, message: Message) -> None:
        if message["type"] == "http.response.start":
            self.started = True
        await self._send(message)
