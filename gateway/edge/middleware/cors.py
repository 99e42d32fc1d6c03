"""Cross-origin calls from browser apps on other origins, for an allow-list only.

Starlette's CORSMiddleware answers preflights for POST /graphql with the headers a browser
app sends (Authorization for the bearer token, Content-Type for JSON, X-Request-Id). No
credentials mode: the gateway authenticates by bearer token, never by cookie, so a page
must hold a token to act, and an origin outside the list gets no CORS headers at all.
"""

from __future__ import annotations

from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware

ALLOWED_METHODS = ("GET", "POST")
ALLOWED_HEADERS = ("Authorization", "Content-Type", "X-Request-Id")
# What a page's script may read from an answer: the id to quote in a report, and how long
# to wait when refused for load.
EXPOSED_HEADERS = ("X-Request-Id", "Retry-After")
PREFLIGHT_MAX_AGE = 600  # seconds a browser may cache a preflight answer


def cors_middleware(origins: tuple[str, ...]) -> list[Middleware]:
    """The middleware for `origins` (PENGHUBUNG_CORS_ORIGINS); none when the list is empty."""
    if not origins:
        return []
    return [
        Middleware(
            CORSMiddleware,
            allow_origins=list(origins),
            allow_methods=list(ALLOWED_METHODS),
            allow_headers=list(ALLOWED_HEADERS),
            expose_headers=list(EXPOSED_HEADERS),
            allow_credentials=False,
            max_age=PREFLIGHT_MAX_AGE,
        )
    ]
