"""Every complaint filter, alone, combined, and pushed into the count."""

from __future__ import annotations

from datetime import timedelta

import pytest

from gateway.store.writer import insert_complaints
from schema.canonical import Channel, Classification, Location, Status
from tests.conftest import GraphQL
from tests.factories import BASE_TIME, make_complaint

LIST = """
query List($filter: ComplaintFilterInput) {
  complaints(first: 100, filter: $filter) {
    totalCount
    edges { node { trackingId } }
  }
}
"""

ROWS = {
    "a": dict(
        location=Location("16.05.01.2002"),
        status=Status.BELUM_TERVERIFIKASI,
        routed_agency_id=None,
        category_id="infrastruktur.jalan",
        classification=Classification.PENGADUAN,
        channel=Channel.WEB,
        original_title="Jalan berlubang",
        title=None,
        content="Jalan di depan sekolah berlubang besar.",
        created_at=BASE_TIME,
    ),
    "b": dict(
        location=Location("16.05.02"),
        status=Status.DIDISPOSISIKAN,
        routed_agency_id="16.05-pupr",
        category_id="infrastruktur.jembatan",
        classification=Classification.ASPIRASI,
        channel=Channel.SMS,
        original_title="Jembatan gantung miring",
        title=None,
        content="Jembatan gantung di dusun dua sudah miring.",
        created_at=BASE_TIME + timedelta(days=1),
    ),
    "c": dict(
        location=Location("16.71"),
        status=Status.SELESAI,
        routed_agency_id="16.71-dinkes",
        category_id="kesehatan.puskesmas",
        classification=Classification.PERMINTAAN_INFORMASI,
        channel=Channel.WHATSAPP,
        original_title="Jam buka puskesmas",
        title="Jadwal Puskesmas Sukarami",
        content="Mohon informasi JAM BUKA puskesmas pada hari Sabtu.",
        created_at=BASE_TIME + timedelta(days=2),
    ),
    "d": dict(
        location=Location("16.08.01"),
        status=Status.TUNDA,
        routed_agency_id="pemkab-16.08",
        category_id="kesehatan",
        classification=Classification.PENGADUAN,
        channel=Channel.WEB,
        original_title="Antrean rumah sakit",
        title=None,
        content="Antrean di rumah sakit daerah sangat panjang, kécamatan jauh.",
        created_at=BASE_TIME + timedelta(days=3),
    ),
    "e": dict(
        location=Location("16.05.01"),
        status=Status.ARSIP,
        routed_agency_id="pemkab-16.05",
        category_id=None,
        classification=Classification.PENGADUAN,
        channel=Channel.EMAIL,
        original_title="Keluhan umum",
        title=None,
        content="Pelayanan kantor desa lambat 100% setiap hari.",
        created_at=BASE_TIME + timedelta(days=4),
    ),
}


@pytest.fixture
async def seeded(database_url: str) -> dict[str, str]:
    made = {k: make_complaint(tracking_id=f"FLT-{k}", **v) for k, v in ROWS.items()}  # type: ignore[arg-type]
    await insert_complaints(made.values())
    return {k: c.tracking_id for k, c in made.items()}


@pytest.mark.parametrize(
    ("filter", "expected"),
    [
        pytest.param({}, "abcde", id="none"),
        pytest.param({"status": ["TUNDA", "SELESAI"]}, "cd", id="status"),
        pytest.param({"publicBucket": ["WAITING"]}, "ad", id="bucket-waiting"),
        pytest.param({"publicBucket": ["DONE"]}, "ce", id="bucket-done"),
        pytest.param({"publicBucket": ["PROCESS"], "status": ["DIDISPOSISIKAN", "TUNDA"]}, "b", id="bucket-and-status"),
        pytest.param({"kodeWilayah": "16"}, "abcde", id="province"),
        pytest.param({"kodeWilayah": "16.05"}, "abe", id="regency"),
        pytest.param({"kodeWilayah": "16.05.01"}, "ae", id="district"),
        pytest.param({"kodeWilayah": "16.05.01.2002"}, "a", id="village"),
        pytest.param({"kodeWilayah": "17"}, "", id="other-province"),
        pytest.param({"agencyId": "pemkab-16.05"}, "be", id="agency-and-its-units"),
        pytest.param({"agencyId": "16.05-pupr"}, "b", id="unit"),
        pytest.param({"categoryId": "infrastruktur"}, "ab", id="category-tree"),
        pytest.param({"categoryId": "kesehatan.puskesmas"}, "c", id="category-leaf"),
        pytest.param({"classification": ["ASPIRASI", "PERMINTAAN_INFORMASI"]}, "bc", id="classification"),
        pytest.param({"channel": ["WEB"]}, "ad", id="channel"),
        pytest.param({"createdAfter": "2026-03-14T02:00:00+00:00"}, "bcde", id="created-after-inclusive"),
        pytest.param({"createdBefore": "2026-03-15T09:00:00+07:00"}, "ab", id="created-before-exclusive"),
        pytest.param({"text": "jam buka"}, "c", id="text-words"),
        pytest.param({"text": "SUKARAMI"}, "c", id="text-admin-title-any-case"),
        pytest.param({"text": "kecamatan"}, "d", id="text-folds-accents"),
        pytest.param({"text": "100%"}, "e", id="text-like-metacharacter"),
        pytest.param({"text": "_"}, "", id="text-underscore-is-literal"),
        pytest.param({"kodeWilayah": "16.05", "status": ["ARSIP"], "text": "desa"}, "e", id="combined"),
    ],
)
async def test_filter(seeded: dict[str, str], admin_gql: GraphQL, filter: dict[str, object], expected: str) -> None:
    body = await admin_gql(LIST, {"filter": filter})
    assert "errors" not in body, body
    conn = body["data"]["complaints"]  # type: ignore[index]
    found = sorted(e["node"]["trackingId"] for e in conn["edges"])
    assert found == sorted(seeded[k] for k in expected)
    assert conn["totalCount"] == len(expected)


async def test_secret_complaints_are_neither_listed_nor_counted_for_the_public(database_url: str, gql: GraphQL) -> None:
    await insert_complaints([make_complaint(), make_complaint(is_secret=True)])
    body = await gql(LIST.replace("complaints(", "publicComplaints("), {"filter": {}})
    assert body["data"]["publicComplaints"]["totalCount"] == 1  # type: ignore[index]
    assert len(body["data"]["publicComplaints"]["edges"]) == 1  # type: ignore[index]
    # And the public sees nothing through the case view.
    body = await gql(LIST, {"filter": {}})
    assert body["data"]["complaints"] == {"totalCount": 0, "edges": []}  # type: ignore[index]


@pytest.mark.parametrize(
    ("filter", "field", "expected"),
    [
        ({"kodeWilayah": "1605"}, "filter.kodeWilayah", "a Kemendagri code"),
        ({"createdAfter": "2026-03-14T02:00:00"}, "filter.createdAfter", "with an offset"),
        ({"text": "x" * 201}, "filter.text", "at most 200"),
    ],
)
async def test_bad_filter_values_are_named(
    admin_gql: GraphQL, database_url: str, filter: dict[str, object], field: str, expected: str
) -> None:
    gql = admin_gql
    body = await gql(LIST, {"filter": filter})
    (error,) = body["errors"]  # type: ignore[misc]
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    (field_error,) = error["extensions"]["fieldErrors"]
    assert field_error["field"] == field
    assert expected in field_error["expected"]


async def test_unknown_enum_value_names_the_allowed_values(gql: GraphQL, database_url: str) -> None:
    body = await gql(LIST, {"filter": {"status": ["DONE"]}})
    (error,) = body["errors"]  # type: ignore[misc]
    assert error["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
    assert "filter.status" in error["message"] or "status" in error["message"]
    assert "Expected one of: SUBMITTED, BELUM_TERVERIFIKASI" in error["message"]
