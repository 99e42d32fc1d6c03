"""What the pure-ASGI middlewares need to answer themselves, before or instead of the app: a
refusal to come back later (an HTTP answer, or a close for a WebSocket the server cannot
answer over HTTP), and a `send` that remembers whether the app has started its own response
(after which none may be sent). The answers themselves are `gateway.edge.error_answer`'s."""

from __future__ import annotations

from starlette.types import Message, Scope, Send

from gateway.edge.error_answer import ErrorAnswer


async def send_retry_later(scope: Scope, send: Send, answer: ErrorAnswer, *, ws_close_code: int) -> None:
    """A refusal to come back later: `answer` (with its `Retry-After`), or, for a WebSocket
    handshake the server cannot answer over HTTP, a close with `ws_close_code`."""
    if scope["type"] == "websocket" and "websocket.http.response" not in scope.get("extensions", {}):
        reason = f"{answer.code} retry after {answer.retry_after} s"
        await send({"type": "websocket.close", "code": ws_close_code, "reason": reason})
        return
    await answer.send(send, scope)


class StartTracking:
    """Wraps `send`; `started` turns true once the app has begun its response."""

    def __init__(self, send: Send) -> None:
        self._send = send
        self.started = False

    async def __call__(self, message: Message) -> None:
        if message["type"] == "http.response.start":
            self.started = True
        await self._send(message)
