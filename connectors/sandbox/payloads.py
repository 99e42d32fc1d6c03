"""Request-reading helpers shared by the simulators: JSON objects and bounded integers."""

from __future__ import annotations

import json
from typing import Any

from aiohttp import web


def bad_request(message: str, status: int = 400) -> web.HTTPException:
    """A JSON error the handler can raise."""
    cls = web.HTTPUnprocessableEntity if status == 422 else web.HTTPBadRequest
    return cls(text=json.dumps({"error": message}), content_type="application/json")


async def json_object(request: web.Request) -> dict[str, Any]:
    """The request body as a JSON object, or a 400."""
    try:
        value = await request.json()
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise bad_request(f"body is not JSON: {exc}") from None
    if not isinstance(value, dict):
        raise bad_request("body must be a JSON object")
    return value


def int_param(request: web.Request, name: str, default: int, low: int, high: int) -> int:
    """A query parameter as an int within [low, high], or a 400."""
    raw = request.query.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise bad_request(f"{name} must be an integer") from None
    if not low <= value <= high:
        raise bad_request(f"{name} must be within {low}..{high}")
    return value


def not_found(what: str) -> web.HTTPNotFound:
    """A JSON 404."""
    return web.HTTPNotFound(text=json.dumps({"error": f"{what} not found"}), content_type="application/json")
