"""Rate-limit test helpers: settings with small per-minute rates and a key prefix of the
test's own, an HTTP client that calls from a chosen client address, one GraphQL request."""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import AsyncIterator
from types import MappingProxyType
from typing import Any

import httpx2 as httpx
from starlette.applications import Starlette

from auth.roles import Role
from gateway.rate_settings import DEFAULT_RATES, RateLimitSettings

QUERY = {"query": "{ __typename }"}


def limits(**changes: Any) -> RateLimitSettings:
    """Settings with small rates (per minute, so no test races a window) and a fresh prefix."""
    rates = dict(DEFAULT_RATES) | {Role(k): v for k, v in changes.pop("rates", {}).items()}
    return RateLimitSettings(
        rates=MappingProxyType(rates),
        key_prefix=f"penghubung-test-{uuid.uuid4().hex[:12]}",
        **({"delay": 0.0} | changes),
    )


@contextlib.asynccontextmanager
async def client_from(app: Starlette, address: str = "203.0.113.7") -> AsyncIterator[httpx.AsyncClient]:
    """A client whose requests come from `address` (a documentation network by default)."""
    transport = httpx.ASGITransport(app=app, client=(address, 40000))
    async with httpx.AsyncClient(transport=transport, base_url="http://gateway.test") as c:
        yield c


async def post(c: httpx.AsyncClient, token: str | None = None) -> httpx.Response:
    """The smallest GraphQL request, with a bearer token if given."""
    headers = {"authorization": f"Bearer {token}"} if token else {}
    return await c.post("/graphql", json=QUERY, headers=headers)
