"""The answer to a caller over its limit: `429` with `Retry-After` and a GraphQL-style body.

`{"errors": [{"message": ..., "extensions": {"code": "RATE_LIMITED", "retryAfter": n}}]}`.
A WebSocket handshake over the limit is answered 429 too where the server can send an HTTP
response to a handshake, else closed with 4429 (the code graphql-transport-ws also uses for
"too many"); a socket refused at `connection_init` is closed with 4429 as well.
"""

from __future__ import annotations

import functools

from starlette.types import Scope, Send

from gateway.edge.middleware.asgi_answers import error_json, send_retry_later
from gateway.metrics import refused

CODE = "RATE_LIMITED"
WS_CLOSE_CODE = 4429


@functools.lru_cache(maxsize=128)  # a flood is refused thousands of times with few distinct waits
def error_body(retry_after: int) -> bytes:
    """The JSON body of a 429, in the shape of a GraphQL error."""
    return error_json(
        f"too many requests; expected at most the rate your role allows, retry after {retry_after} s",
        CODE,
        retryAfter=retry_after,
    )


async def send_too_many(scope: Scope, send: Send, retry_after: int) -> None:
    """Answer 429 (or close a socket with 4429)."""
    refused(CODE)
    await send_retry_later(
        scope, send, status=429, body=error_body(retry_after), retry_after=retry_after, code=CODE, ws_close_code=WS_CLOSE_CODE
    )
