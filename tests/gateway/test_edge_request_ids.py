"""Client request ids: kept only when they are short and of a safe charset, whole; anything
else is replaced by a fresh id, in the response and in what the gateway records."""

from __future__ import annotations

from collections.abc import Callable

import httpx2 as httpx
from starlette.applications import Starlette
from starlette.types import Message

FRESH = 32  # characters of a generated id (uuid4 hex)


async def _echoed(app: Starlette, raw_id: bytes) -> str:
    """The id the app answers with, for a header value given byte for byte (an HTTP client
    would refuse to send some of these; a proxy or another transport may not)."""
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": "/healthz",
        "raw_path": b"/healthz",
        "query_string": b"",
        "root_path": "",
        "headers": [(b"host", b"t"), (b"x-request-id", raw_id)],
        "client": ("127.0.0.1", 1),
        "server": ("t", 80),
        "state": {},
    }
    sent: list[Message] = []

    async def receive() -> Message:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: Message) -> None:
        sent.append(message)

    await app(scope, receive, send)
    return dict(sent[0]["headers"])[b"x-request-id"].decode()


async def test_only_safe_request_ids_are_kept(make_app: Callable[..., Starlette]) -> None:
    app = make_app()
    kept = ["abc-123", "Req_42.retry", "a" * 64, "7"]
    for given in kept:
        assert await _echoed(app, given.encode()) == given
    refused = [
        b"-",
        b"--help",
        b".",
        b"../../etc/passwd",
        b"_x",
        b"abc\n",
        b"abc\r\nx-evil: 1",
        b"a" * 65,
        b"",
        b"caf\xc3\xa9",
        b"a b",
    ]
    answers = [await _echoed(app, given) for given in refused]
    for given, answer in zip(refused, answers, strict=True):
        assert len(answer) == FRESH and answer.isalnum(), (given, answer)
    assert len(set(answers)) == len(answers)  # each a fresh one


async def test_a_refused_request_id_is_replaced_over_http(client: httpx.AsyncClient) -> None:
    r = await client.get("/healthz", headers={"x-request-id": "-"})
    assert r.headers["x-request-id"] != "-" and len(r.headers["x-request-id"]) == FRESH
