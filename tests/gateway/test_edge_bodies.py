"""The protocol edge: JSON that is not an operation, NUL characters and forged cursors are
refused with a code (400 at the transport, BAD_USER_INPUT inside GraphQL), never a 500 or an
INTERNAL_ERROR."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable

import httpx2 as httpx
import pytest
from starlette.applications import Starlette

from auth.roles import Role
from tests.conftest import GraphQL, Tokens

NOT_OPERATIONS = {
    "string": (b'"x"', "request body is a string"),
    "number": (b"5", "request body is a number"),
    "null": (b"null", "request body is null"),
    "true": (b"true", "request body is a boolean"),
    "array": (b"[]", "request body is an array"),
    "object-without-query": (b"{}", "query is missing"),
    "query-null": (b'{"query": null}', "query is null"),
    "query-number": (b'{"query": 5}', "query is a number"),
    "query-blank": (b'{"query": "  "}', "query is blank"),
    "variables-string": (b'{"query": "{ __typename }", "variables": "x"}', "variables is a string"),
    "variables-array": (b'{"query": "{ __typename }", "variables": [1]}', "variables is an array"),
    "extensions-number": (b'{"query": "{ __typename }", "extensions": 5}', "extensions is a number"),
    "operation-name-number": (b'{"query": "{ __typename }", "operationName": 5}', "operationName is a number"),
}


@pytest.mark.parametrize("name", sorted(NOT_OPERATIONS))
async def test_json_that_is_not_an_operation_is_a_coded_400(client: httpx.AsyncClient, name: str) -> None:
    body, says = NOT_OPERATIONS[name]
    r = await client.post("/graphql", content=body, headers={"content-type": "application/json"})
    assert r.status_code == 400, r.text
    (error,) = r.json()["errors"]
    assert error["extensions"] == {"code": "BAD_REQUEST"}
    assert error["message"].startswith(says), error["message"]
    assert "expected" in error["message"]


async def test_a_nul_character_anywhere_in_the_body_is_bad_user_input(client: httpx.AsyncClient) -> None:
    query = "query($t: String) { complaints(first: 2, filter: {text: $t}) { totalCount } }"
    bodies = [
        {"query": query, "variables": {"t": "a\u0000b"}},
        {"query": query, "variables": {"t\u0000": "x"}},
        {"query": "{ __typename \u0000 }"},
        {"query": query, "variables": {"t": "x"}, "operationName": "\u0000"},
    ]
    for body in bodies:
        r = await client.post("/graphql", json=body)
        assert r.status_code == 400, r.text
        (error,) = r.json()["errors"]
        assert error["extensions"] == {"code": "BAD_USER_INPUT"}
        assert "NUL" in error["message"] and "expected" in error["message"]


async def test_a_nul_character_in_a_get_query_is_bad_user_input(make_app: Callable[..., Starlette]) -> None:
    # Queries over GET are a demo-mode convenience; the same rule holds there.
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=make_app(demo=True)), base_url="http://t") as c:
        r = await c.get("/graphql", params={"query": "{ __typename \u0000 }"})
    assert r.status_code == 400, r.text
    assert r.json()["errors"][0]["extensions"] == {"code": "BAD_USER_INPUT"}


def _cursor(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


FORGED_CURSORS = {
    "nested-brackets": _cursor(b"[" * 20_000),
    "oversized": "A" * 30_000,
    "oversized-valid-shape": _cursor(json.dumps(["c1", "2024-01-01T00:00:00+00:00", "x" * 400]).encode()),
    "nul-in-id": _cursor(json.dumps(["c1", "2024-01-01T00:00:00+00:00", "a\u0000b"]).encode()),
    "wrong-arity": _cursor(json.dumps(["c1", "2024-01-01T00:00:00+00:00"]).encode()),
}


@pytest.mark.parametrize("name", sorted(FORGED_CURSORS))
async def test_forged_and_oversized_cursors_are_bad_user_input(admin_gql: GraphQL, name: str) -> None:
    query = "query($a: String) { complaints(first: 2, after: $a) { totalCount } }"
    body = await admin_gql(query, {"a": FORGED_CURSORS[name]})
    (error,) = body["errors"]  # type: ignore[misc]
    assert error["extensions"]["code"] == "BAD_USER_INPUT", error
    assert error["message"].startswith("after: is not a cursor from this API")


async def test_a_forged_audit_cursor_is_bad_user_input(gql: GraphQL, tokens: Tokens) -> None:
    # An audit cursor whose row id is not a number: refused by the audit reader itself.
    forged = _cursor(json.dumps(["c1", "2024-01-01T00:00:00+00:00", "not-a-number"]).encode())
    auditor = tokens.make(Role.AUDITOR, subject="auditor-edge")
    body = await gql(
        "query($a: String) { auditEvents(first: 2, after: $a) { pageInfo { hasNextPage } } }",
        {"a": forged},
        token=auditor,
    )
    (error,) = body["errors"]  # type: ignore[misc]
    assert error["extensions"]["code"] == "BAD_USER_INPUT", error
