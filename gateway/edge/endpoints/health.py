"""Liveness (/healthz: the process answers) and readiness (/readyz: the store answers)."""

from __future__ import annotations

import logging

from starlette.requests import Request
from starlette.responses import JSONResponse

from gateway.store.database import ping

log = logging.getLogger(__name__)


async def healthz(request: Request) -> JSONResponse:
    """Always 200 while the process runs."""
    return JSONResponse({"status": "ok"})


async def readyz(request: Request) -> JSONResponse:
    """200 when the database answers a query, else 503 with a reason (no DSN, no SQL)."""
    try:
        await ping()
    except Exception as exc:  # any failure means "not ready"; the reason goes to the log
        log.warning("readiness check failed: %s", type(exc).__name__)
        return JSONResponse({"status": "unavailable", "checks": {"database": "unreachable"}}, status_code=503)
    return JSONResponse({"status": "ready", "checks": {"database": "ok"}})
