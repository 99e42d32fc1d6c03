"""submitComplaint: stored with a tracking ID, or refused whole with named errors."""

from __future__ import annotations

import re

from gateway.store.models import ComplaintRow, ReporterRow, StatusEventRow
from schema.tracking import PATTERN
from tests.conftest import GraphQL, Tokens
from tests.submissions import GOOD, SUBMIT


async def test_submit_stores_and_assigns_a_tracking_id(database_url: str, gql: GraphQL, tokens: Tokens) -> None:
    body = await gql(SUBMIT, {"input": GOOD}, token=tokens.citizen)
    assert "errors" not in body, body
    payload = body["data"]["submitComplaint"]  # type: ignore[index]
    complaint = payload["complaint"]
    assert PATTERN.match(payload["trackingId"])
    assert complaint["trackingId"] == payload["trackingId"]
    assert complaint["status"] == "BELUM_TERVERIFIKASI"
    assert complaint["publicBucket"] == "WAITING"
    assert complaint["timeZone"] == "WIB"
    assert re.search(r"\+07:00$", complaint["createdAt"])
    assert complaint["tags"] == ["lampu", "jalan"]
    assert complaint["location"]["region"]["name"] == "Lubuk Linggau Timur I"
    assert complaint["category"] == {"id": "infrastruktur", "name": "Infrastruktur"}
    assert complaint["suggestedAgency"]["id"] == "pemkot-16.73"
    assert complaint["attachments"][0]["sha256"] == "a" * 64

    row = await ComplaintRow.get(tracking_id=payload["trackingId"])
    assert row.regency_code == "16.73" and row.province_code == "16"
    reporter = await ReporterRow.get(id=row.reporter_id)  # type: ignore[attr-defined]
    assert reporter.phone == "+6281234567890"
    assert [e.status.value for e in await StatusEventRow.filter(complaint_id=row.id).order_by("id")] == [
        "SUBMITTED",
        "BELUM_TERVERIFIKASI",
    ]

    assert row.owner_subject == "warga-1"  # from the token, not from the input
    again = await gql(
        "query($t: String!) { complaint(trackingId: $t) { id isAnonymous } }",
        {"t": payload["trackingId"]},
        token=tokens.citizen,
    )
    assert again["data"]["complaint"] == {"id": complaint["id"], "isAnonymous": True}  # type: ignore[index]


async def test_invalid_input_is_refused_whole(database_url: str, gql: GraphQL, tokens: Tokens) -> None:
    bad = {
        **GOOD,
        "title": "x" * 151,
        "location": {"kodeWilayah": "1673"},
        "reporter": {"nik": "167301410190000"},
        "categoryId": "nope",
    }
    body = await gql(SUBMIT, {"input": bad}, token=tokens.citizen)
    (error,) = body["errors"]  # type: ignore[misc]
    assert body["data"] is None
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    fields = {e["field"]: e for e in error["extensions"]["fieldErrors"]}
    assert set(fields) == {"input.title", "input.location.kodeWilayah", "input.reporter.nik", "input.categoryId"}
    assert fields["input.title"]["expected"] == "at most 150 characters"
    assert "167301410190000" not in str(body)
    assert await ComplaintRow.all().count() == 0
    assert await ReporterRow.all().count() == 0


async def test_unknown_enum_value_in_input(database_url: str, gql: GraphQL, tokens: Tokens) -> None:
    body = await gql(SUBMIT, {"input": {**GOOD, "classification": "KELUHAN"}}, token=tokens.citizen)
    (error,) = body["errors"]  # type: ignore[misc]
    assert error["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
    assert "classification" in error["message"]
    assert "Expected one of: PENGADUAN, PERMINTAAN_INFORMASI, ASPIRASI" in error["message"]
    assert await ComplaintRow.all().count() == 0


async def test_missing_required_field_is_named(database_url: str, gql: GraphQL, tokens: Tokens) -> None:
    body = await gql(SUBMIT, {"input": {k: v for k, v in GOOD.items() if k != "content"}}, token=tokens.citizen)
    (error,) = body["errors"]  # type: ignore[misc]
    assert "content" in error["message"]
    assert error["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
