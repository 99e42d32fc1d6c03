"""Arguments are shape- and length-checked at the edge: a tracking ID that cannot be one,
an id that cannot be an id, or an overlong free text is refused with BAD_USER_INPUT naming
the argument and what was expected, without a store query and without echoing the value."""

from __future__ import annotations

import json

import pytest

from schema import edge_checks as edge
from tests.conftest import GraphQL, Tokens

NIK = "3201234567890001"


@pytest.mark.parametrize(
    "value",
    ["PGH-7K3M9QXZ", "pgh-7k3m9qxz", " 1000001 ", "ADU/2026/0001", "4000000", "A" * 40],
)
def test_tracking_ids_of_every_system_pass(value: str) -> None:
    assert edge.tracking_id("trackingId", value) == []


@pytest.mark.parametrize(
    "value",
    ["", "   ", "A" * 41, "a" * 60_000 + "@", "PGH 7K3M9QXZ", "x' OR '1'='1", "-1", "Ibu Sari", "a\x00b"],
)
def test_what_cannot_be_a_tracking_id_is_refused(value: str) -> None:
    (error,) = edge.tracking_id("trackingId", value)
    assert error.field == "trackingId" and "tracking ID" in error.expected
    assert value.strip() == "" or value not in error.message


ACTION = "mutation($id: ID!, $note: String!) { holdComplaint(id: $id, note: $note) { status } }"


async def test_a_long_tracking_id_is_refused_by_name(database_url: str, gql: GraphQL) -> None:
    body = await gql("query($t: String) { publicComplaint(trackingId: $t) { id } }", {"t": "a" * 60_000})
    (error,) = body["errors"]  # type: ignore[misc]
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert error["extensions"]["fieldErrors"][0]["field"] == "trackingId"
    assert "aaaa" not in error["message"]


@pytest.mark.parametrize(
    ("query", "variables", "field"),
    [
        (
            "query($t: String) { complaint(trackingId: $t, live: false) { id } }",
            {"t": f"{NIK} sari@example.com"},
            "trackingId",
        ),
        ("query($i: ID) { publicComplaint(id: $i) { id } }", {"i": "../../etc/passwd"}, "id"),
        ("query($i: ID) { complaint(id: $i) { id } }", {"i": "x" * 201}, "id"),
        ("query($a: ID) { publicComplaints(filter: {agencyId: $a}) { totalCount } }", {"a": "a b"}, "filter.agencyId"),
        (
            "query($a: ID) { complaints(filter: {categoryId: $a}) { totalCount } }",
            {"a": "c" * 101},
            "filter.categoryId",
        ),
        (
            "query($k: String) { publicComplaints(filter: {kodeWilayah: $k}) { totalCount } }",
            {"k": NIK},
            "filter.kodeWilayah",
        ),
    ],
)
async def test_malformed_keys_are_refused_naming_the_argument(
    database_url: str, gql: GraphQL, tokens: Tokens, query: str, variables: dict[str, object], field: str
) -> None:
    body = await gql(query, variables, token=tokens.national_admin)
    (error,) = body["errors"]  # type: ignore[misc]
    assert error["extensions"]["code"] == "BAD_USER_INPUT", error
    assert [e["field"] for e in error["extensions"]["fieldErrors"]] == [field]
    assert error["extensions"]["fieldErrors"][0]["expected"]
    assert NIK not in json.dumps(body) and "sari@example.com" not in json.dumps(body)


@pytest.mark.parametrize(
    ("mutation", "variables", "field"),
    [
        (ACTION, {"id": "00000000-0000-4000-8000-000000000000", "note": "n" * 2_001}, "note"),
        (ACTION, {"id": "not an id", "note": "ok"}, "id"),
        (
            "mutation($id: ID!, $r: String!) { archiveComplaint(id: $id, reason: $r) { status } }",
            {"id": "00000000-0000-4000-8000-000000000000", "r": "r" * 5_000},
            "reason",
        ),
        (
            "mutation($id: ID!, $c: String!) { postFollowUp(id: $id, content: $c) { status } }",
            {"id": "00000000-0000-4000-8000-000000000000", "c": "c" * 10_001},
            "content",
        ),
        (
            "mutation($id: ID!, $u: [ID!]!) { disposeComplaint(id: $id, unitIds: $u) { status } }",
            {"id": "00000000-0000-4000-8000-000000000000", "u": ["ok", NIK + " x"]},
            "unitIds[1]",
        ),
    ],
)
async def test_lifecycle_arguments_are_checked_before_the_store(
    database_url: str, gql: GraphQL, tokens: Tokens, mutation: str, variables: dict[str, object], field: str
) -> None:
    # The id names no complaint: a store look-up would answer NOT_FOUND; the edge answers first.
    body = await gql(mutation, variables, token=tokens.national_admin)
    (error,) = body["errors"]  # type: ignore[misc]
    assert error["extensions"]["code"] == "BAD_USER_INPUT", error
    assert field in [e["field"] for e in error["extensions"]["fieldErrors"]]
    assert NIK not in json.dumps(body)
