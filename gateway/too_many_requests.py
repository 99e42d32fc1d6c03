"""The answer to a caller over its limit: `429` with `Retry-After` and a GraphQL-style body.

`{"errors": [{"message": ..., "extensions": {"code": "RATE_LIMITED", "retryAfter": n}}]}`.
A WebSocket handshake over the limit is answered 429 too where the server can send an HTTP
response to a handshake, else closed with 4429 (the code graphql-transport-ws also uses for
"too many"); a socket refused at `connection_init` is closed with 4429 as well.
"""

from __future__ import annotations

import functools
import json

from starlette.types import Scope, Send

from gateway.metrics import refused

CODE = "RATE_LIMITED"
WS_CLOSE_CODE = 4429


@functools.lru_cache(maxsize=128)  # a flood is refused thousands of times with few distinct waits
def error_body(retry_after: int) -> bytes:
    """The JSON body of a 429, in the shape of a GraphQL error."""
    return json.dumps(
        {
            "errors": [
                {
                    "message": f"too many requests; expected at most the rate your role allows, "
                    f"retry after {retry_after} s",
                    "extensions": {"code": CODE, "retryAfter": retry_after},
                }
            ]
        }
    ).encode()


async def send_too_many(scope: Scope, send: Send, retry_after: int) -> None:
    """Answer 429 (or close a socket with 4429)."""
    refused(CODE)
    start = "http.response.start"
    if scope["type"] == "websocket":
        if "websocket.http.response" not in scope.get("extensions", {}):
            await send({"type": "websocket.close", "code": WS_CLOSE_CODE, "reason": f"{CODE} retry after {retry_after} s"})
            return
        start = "websocket.http.response.start"
    body = error_body(retry_after)
    await send(
        {
            "type": start,
            "status": 429,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                (b"retry-after", str(retry_after).encode()),
            ],
        }
    )
    body_type = "websocket.http.response.body" if scope["type"] == "websocket" else "http.response.body"
    await send({"type": body_type, "body": body})
