"""The answer to an error nothing else handled: a JSON `INTERNAL_ERROR` with the security headers.

Starlette's error middleware is the outermost layer, outside every middleware the app adds, so
without this its plain-text 500 left without `nosniff`, a CSP or the no-framing headers. The
message names no detail of the failure: the traceback goes to the log, never to the caller.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from gateway.edge.error_answer import ErrorAnswer

MESSAGE = "internal error: the gateway failed to answer; the operator's log has the details"
ANSWER = ErrorAnswer(500, "INTERNAL_ERROR", MESSAGE, hardened=True)


async def unhandled_error(request: Request, exc: Exception) -> Response:
    """Starlette's handler for `Exception` (it logs and re-raises the error itself)."""
    return ANSWER.response()
