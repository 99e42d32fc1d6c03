"""The coordinators' dashboard: one static page and its assets, served by the gateway.

No build step and no external assets: plain HTML, CSS and JavaScript under
gateway/edge/endpoints/static/dashboard/, reading the gateway's own GraphQL API (`coordination`, and
`complaintUpdates` over graphql-transport-ws) with the token the viewer pastes in.
"""

from __future__ import annotations

from pathlib import Path

from starlette.requests import Request
from starlette.responses import FileResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles

DASHBOARD_DIR = Path(__file__).parent / "static" / "dashboard"
# The page runs only its own script and talks only to this gateway.
_CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; "
    "img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)


async def dashboard(request: Request) -> Response:
    """`GET /dashboard`: the page."""
    return FileResponse(
        DASHBOARD_DIR / "index.html",
        headers={"content-security-policy": _CSP, "referrer-policy": "no-referrer", "cache-control": "no-cache"},
    )


def dashboard_routes() -> list[BaseRoute]:
    """The page and its assets."""
    return [
        Route("/dashboard", dashboard),
        Mount("/static/dashboard", app=StaticFiles(directory=DASHBOARD_DIR)),
    ]
