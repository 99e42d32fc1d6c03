"""`GET /metrics` on the gateway app: the process's Prometheus metrics (gateway.telemetry),
behind PENGHUBUNG_METRICS_TOKEN when one is set."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from prometheus_client.exposition import CONTENT_TYPE_LATEST
from starlette.requests import Request
from starlette.responses import Response

from gateway.edge.state import app_state
from gateway.telemetry import scrape, token_problem


def metrics_endpoint(token: str | None) -> Callable[[Request], Awaitable[Response]]:
    """`GET /metrics` for the gateway app (behind `token` when one is set)."""

    async def metrics(request: Request) -> Response:
        problem = token_problem(request.headers.get("authorization"), token)
        if problem is not None:
            return Response(
                problem + "\n", status_code=401, media_type="text/plain", headers={"WWW-Authenticate": "Bearer"}
            )
        state = app_state(request.scope)
        sources = state.sources if state is not None else None
        topology = state.topology if state is not None else None
        body = await scrape(sources.connectors if sources is not None else None, topology)
        return Response(body, media_type=CONTENT_TYPE_LATEST)

    return metrics
