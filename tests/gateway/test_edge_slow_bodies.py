"""Bodies over a real socket: a trickled body is cut off at its deadline with 408
BODY_TIMEOUT, and a client that hangs up mid-body costs one log line, no traceback."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Callable

import pytest
from starlette.applications import Starlette

from gateway.settings import GraphQLLimits
from tests.loopback import serving

BODY = json.dumps({"query": "{ __typename }"}).encode()


def _head(length: int) -> bytes:
    return (
        "POST /graphql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        f"Content-Length: {length}\r\n\r\n"
    ).encode()


async def _response(reader: asyncio.StreamReader) -> tuple[int, dict[str, object]]:
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1])
    length = next(
        int(line.split(b":")[1]) for line in head.split(b"\r\n") if line.lower().startswith(b"content-length")
    )
    return status, json.loads(await reader.readexactly(length))


async def test_a_trickled_body_is_timed_out_with_a_code(make_app: Callable[..., Starlette]) -> None:
    app = make_app(limits=GraphQLLimits(body_timeout=0.5))
    async with serving(app) as port:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(_head(len(BODY)))
        # One byte every 0.1 s: each chunk is prompt, the body as a whole is not.
        answer = asyncio.create_task(_response(reader))
        for byte in BODY:
            if answer.done():
                break
            writer.write(bytes([byte]))
            await writer.drain()
            await asyncio.sleep(0.1)
        status, body = await asyncio.wait_for(answer, 10)
        writer.close()
    assert status == 408
    (error,) = body["errors"]  # type: ignore[misc]
    assert error["extensions"] == {"code": "BODY_TIMEOUT"}
    assert "0.5 s" in error["message"]


async def test_a_prompt_body_is_answered(make_app: Callable[..., Starlette]) -> None:
    app = make_app(limits=GraphQLLimits(body_timeout=5))
    async with serving(app) as port:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(_head(len(BODY)) + BODY)
        status, body = await asyncio.wait_for(_response(reader), 10)
        writer.close()
    assert (status, body) == (200, {"data": {"__typename": "Query"}})


async def test_an_aborted_body_is_one_log_line_without_a_traceback(
    make_app: Callable[..., Starlette], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    async with serving(make_app()) as port:
        _, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(_head(1000) + b'{"query": "{ __typ')
        await writer.drain()
        await asyncio.sleep(0.2)
        writer.close()
        await writer.wait_closed()
        for _ in range(100):
            if any("went away" in r.getMessage() for r in caplog.records):
                break
            await asyncio.sleep(0.05)
    aborted = [r for r in caplog.records if "went away" in r.getMessage()]
    assert len(aborted) == 1, [r.getMessage() for r in caplog.records]
    assert "\n" not in aborted[0].getMessage() and "18 bytes received" in aborted[0].getMessage()
    assert not [r for r in caplog.records if r.exc_info or r.levelno >= logging.ERROR], [
        r.getMessage() for r in caplog.records
    ]
