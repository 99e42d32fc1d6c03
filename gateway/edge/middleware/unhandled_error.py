"""The answer to an error nothing else handled: a JSON `INTERNAL_ERROR` with the security headers.

Starlette's error middleware is the outermost layer, outside every middleware the app adds, so
without this its plain-text 500 left without `nosniff`, a CSP or the no-framing headers. The
message names no detail of the failure: the traceback goes to the log, never to the caller.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from gateway.edge.middleware.asgi_answers import error_json
from gateway.edge.middleware.security_headers import hardened_headers

MESSAGE = "internal error: the gateway failed to answer; the operator's log has the details"


async def unhandled_error(request: Request, exc: Exception) -> Response:
    """Starlette's handler for `Exception` (it logs and re-raises the error itself)."""
    return Response(
        error_json(MESSAGE, "INTERNAL_ERROR"),
        status_code=500,
        media_type="application/json",
        headers=hardened_headers(),
    )
