"""The answer when the gateway is saturated: `503` with `Retry-After` and a GraphQL-style body.

`{"errors": [{"message": ..., "extensions": {"code": "OVERLOADED", "retryAfter": n}}]}`,
the envelope of a 429 (gateway.edge.limits.too_many_requests) with its own code: the caller did nothing
wrong, this process has no room right now. A WebSocket handshake is answered 503 too where
the server can send an HTTP response to a handshake, else closed with 1013 ("try again
later", RFC 6455).
"""

from __future__ import annotations

import functools

from starlette.types import Scope, Send

from gateway.edge.error_answer import ErrorAnswer
from gateway.edge.middleware.asgi_answers import send_retry_later
from gateway.telemetry import ADMISSION_SHED, refused

CODE = "OVERLOADED"
WS_CLOSE_CODE = 1013


@functools.lru_cache(maxsize=64)  # an overload is answered thousands of times with few distinct waits
def answer(retry_after: int) -> ErrorAnswer:
    """The 503, its body in the shape of a GraphQL error."""
    return ErrorAnswer(
        503,
        CODE,
        f"the gateway is at capacity and cannot take this request now; retry after {retry_after} s",
        retry_after=retry_after,
    )


async def send_overloaded(scope: Scope, send: Send, retry_after: int, reason: str) -> None:
    """Answer 503 (or close a socket with 1013), counted by `reason`."""
    refused(CODE)
    ADMISSION_SHED.labels(reason).inc()
    await send_retry_later(scope, send, answer(retry_after), ws_close_code=WS_CLOSE_CODE)
