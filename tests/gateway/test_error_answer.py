"""One HTTP error answer: status, code, message, Retry-After and security headers, as a
Starlette response or as raw ASGI messages."""

from __future__ import annotations

import json

from starlette.types import Message

from gateway.edge.error_answer import ErrorAnswer
from gateway.edge.middleware.body_limit import BodyTooLarge


def test_an_error_of_the_tree_answers_with_its_status_code_and_message() -> None:
    answer = ErrorAnswer.of(BodyTooLarge("request body is larger than 10 bytes"))
    assert (answer.status, answer.code) == (413, "REQUEST_TOO_LARGE")
    assert json.loads(answer.body) == {
        "errors": [{"message": "request body is larger than 10 bytes", "extensions": {"code": "REQUEST_TOO_LARGE"}}]
    }


def test_a_retry_after_is_a_header_and_an_extension() -> None:
    answer = ErrorAnswer(429, "RATE_LIMITED", "slow down", retry_after=7)
    response = answer.response()
    assert response.status_code == 429
    assert response.headers["retry-after"] == "7"
    assert response.headers["content-type"] == "application/json"
    assert json.loads(response.body)["errors"][0]["extensions"] == {"code": "RATE_LIMITED", "retryAfter": 7}


def test_only_a_hardened_answer_carries_the_security_headers_itself() -> None:
    assert "x-content-type-options" not in ErrorAnswer(500, "INTERNAL_ERROR", "x").response().headers
    hardened = ErrorAnswer(500, "INTERNAL_ERROR", "x", hardened=True).response().headers
    assert hardened["x-content-type-options"] == "nosniff"
    assert "default-src 'none'" in hardened["content-security-policy"]


async def test_raw_asgi_answers_are_one_whole_response_with_their_headers() -> None:
    sent: list[Message] = []

    async def send(message: Message) -> None:
        sent.append(message)

    answer = ErrorAnswer(408, "BODY_TIMEOUT", "too slow", headers={"connection": "close"})
    await answer.send(send)
    start, body = sent
    assert start["type"] == "http.response.start" and start["status"] == 408
    headers = dict(start["headers"])
    assert headers[b"connection"] == b"close"
    assert headers[b"content-length"] == str(len(body["body"])).encode()
    assert json.loads(body["body"])["errors"][0]["extensions"]["code"] == "BODY_TIMEOUT"

    sent.clear()
    await answer.send(send, {"type": "websocket"})
    assert [m["type"] for m in sent] == ["websocket.http.response.start", "websocket.http.response.body"]
