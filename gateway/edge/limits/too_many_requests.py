"""The answer to a caller over its limit: `429` with `Retry-After` and a GraphQL-style body.

`{"errors": [{"message": ..., "extensions": {"code": "RATE_LIMITED", "retryAfter": n}}]}`.
A WebSocket handshake over the limit is answered 429 too where the server can send an HTTP
response to a handshake, else closed with 4429 (the code graphql-transport-ws also uses for
"too many"); a socket refused at `connection_init` is closed with 4429 as well.
"""

from __future__ import annotations

import functools

from starlette.types import Scope, Send

from gateway.edge.error_answer import ErrorAnswer
from gateway.edge.middleware.asgi_answers import send_retry_later
from gateway.telemetry import refused

CODE = "RATE_LIMITED"
WS_CLOSE_CODE = 4429


@functools.lru_cache(maxsize=128)  # a flood is refused thousands of times with few distinct waits
def answer(retry_after: int) -> ErrorAnswer:
    """The 429, its body in the shape of a GraphQL error."""
    return ErrorAnswer(
        429,
        CODE,
        f"too many requests; expected at most the rate your role allows, retry after {retry_after} s",
        retry_after=retry_after,
    )


async def send_too_many(scope: Scope, send: Send, retry_after: int) -> None:
    """Answer 429 (or close a socket with 4429)."""
    refused(CODE)
    await send_retry_later(scope, send, answer(retry_after), ws_close_code=WS_CLOSE_CODE)
