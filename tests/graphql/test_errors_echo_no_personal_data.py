"""Refusals of wrongly typed input name the field and what was expected, and never echo
the value sent: a NIK, phone or e-mail in the wrong place stays out of the answer."""

from __future__ import annotations

import json

import pytest

from tests.conftest import GraphQL, Tokens
from tests.submissions import GOOD, SUBMIT

NIK = "3201234567890001"
PHONE = "081234567890"
EMAIL = "sari@example.com"
SECRETS = (NIK, PHONE, EMAIL, "3201234567", "0812345")

WRONG_TYPES = {
    "a NIK where a String is expected": ({"reporter": {"nik": int(NIK)}}, ".reporter.nik", "String"),
    "a phone in a list": ({"reporter": {"phone": [PHONE]}}, ".reporter.phone", "String"),
    "a NIK where a Float is expected": (
        {"location": {"kodeWilayah": "16.73.01", "latitude": NIK}},
        ".location.latitude",
        "Float",
    ),
    "a phone where an Int is expected": (
        {"attachments": [{"name": "a.jpg", "mediaType": "image/jpeg", "size": PHONE, "sha256": "a" * 64}]},
        ".attachments[0].size",
        "Int",
    ),
    "a phone as an enum value": ({"classification": PHONE}, ".classification", "PENGADUAN"),
    "a NIK as a date": ({"incidentDate": NIK}, ".incidentDate", "Date"),
    "an e-mail as a field name": ({"reporter": {EMAIL: "x"}}, ".reporter", "ReporterInput"),
    "an e-mail where a Boolean is expected": ({"isAnonymous": EMAIL}, ".isAnonymous", "Boolean"),
}


@pytest.mark.parametrize(("change", "field", "expected"), WRONG_TYPES.values(), ids=WRONG_TYPES.keys())
async def test_a_wrongly_typed_variable_is_refused_without_its_value(
    database_url: str, gql: GraphQL, tokens: Tokens, change: dict[str, object], field: str, expected: str
) -> None:
    body = await gql(SUBMIT, {"input": {**GOOD, **change}}, token=tokens.citizen)
    assert body.get("data") is None
    (error,) = body["errors"]  # type: ignore[misc]
    assert error["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
    assert field in error["message"] and expected in error["message"], error["message"]
    shown = json.dumps(body)
    for secret in SECRETS:
        assert secret not in shown, shown


@pytest.mark.parametrize(
    "query",
    [
        f"{{ publicComplaint(trackingId: {NIK}) {{ id }} }}",
        f"mutation {{ submitComplaint(input: {{classification: PENGADUAN, title: {PHONE}}}) {{ trackingId }} }}",
        f"{{ publicComplaints(first: {NIK}) {{ totalCount }} }}",
        f"{{ publicComplaints(order: P{PHONE}) {{ totalCount }} }}",
    ],
)
async def test_a_wrongly_typed_literal_is_refused_without_its_value(
    database_url: str, gql: GraphQL, query: str
) -> None:
    body = await gql(query)
    assert body["errors"]
    shown = json.dumps(body)
    for secret in SECRETS:
        assert secret not in shown, shown


async def test_too_long_personal_data_is_refused_by_length_alone(
    database_url: str, gql: GraphQL, tokens: Tokens
) -> None:
    name = "Ibu Sari " * 20
    reporter = {"name": name, "nik": NIK + "0", "phone": PHONE * 3, "email": EMAIL * 20}
    body = await gql(SUBMIT, {"input": {**GOOD, "reporter": reporter}}, token=tokens.citizen)
    (error,) = body["errors"]  # type: ignore[misc]
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    fields = {e["field"] for e in error["extensions"]["fieldErrors"]}
    assert {"input.reporter.name", "input.reporter.nik", "input.reporter.phone", "input.reporter.email"} <= fields
    shown = json.dumps(body)
    for secret in (*SECRETS, "Ibu Sari"):
        assert secret not in shown, shown
