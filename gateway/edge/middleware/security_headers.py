"""Security headers on every HTTP response the gateway sends.

- `X-Content-Type-Options: nosniff`: a browser never guesses a JSON answer is HTML or script.
- `Referrer-Policy: no-referrer`: tokens and tracking IDs in URLs never leave in a Referer.
- `X-Frame-Options: DENY` and CSP `frame-ancestors 'none'`: no page may frame the gateway
  (clickjacking of GraphiQL or the dashboard).
- `Content-Security-Policy`: pages that run script (GraphiQL, the dashboard) set their own
  policy, which is kept; every other response gets one that allows nothing at all.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

# For JSON, plain text and anything else that is not a page of ours: nothing may load,
# run or frame it.
DEFAULT_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"

_ALWAYS: tuple[tuple[bytes, bytes], ...] = (
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
)
_CSP = b"content-security-policy"


def hardened_headers() -> dict[str, str]:
    """The headers an answer sent outside this middleware carries (the unhandled-error
    answer Starlette's outermost error middleware sends)."""
    return {**{n.decode(): v.decode() for n, v in _ALWAYS}, _CSP.decode(): DEFAULT_CSP}


class SecurityHeadersMiddleware:
    """Pure ASGI middleware: adds the headers to `http.response.start`."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {name.lower() for name, _ in headers}
                headers += [(name, value) for name, value in _ALWAYS if name not in present]
                if _CSP not in present:
                    headers.append((_CSP, DEFAULT_CSP.encode()))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)
