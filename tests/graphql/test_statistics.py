"""`statistics`: counts by a dimension per period, within the caller's scope, with counts
that could single a reporter out withheld (primary and complementary suppression)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from auth.roles import Role
from gateway.store.writer import insert_complaints
from schema.canonical import Location
from schema.statistics import suppress
from tests.conftest import GraphQL, Tokens
from tests.factories import BASE_TIME, make_complaint

QUERY = """query($by: StatisticsDimension!, $period: StatisticsPeriod, $filter: ComplaintFilterInput) {
  statistics(groupBy: $by, from: "2026-01-01", to: "2026-12-30", period: $period, filter: $filter) {
    minimumCount suppressedCount buckets { periodStart key count suppressed }
  }
}"""


async def _in(code: str, n: int, **extra: Any) -> None:
    agency = {"16.05": "16.05-pupr", "16.73": "pemkot-16.73", "16.74": "pemkot-16.74", "16.71": "pemkot-16.71"}[code]
    await insert_complaints(
        [
            # No disposition trail: the factory's leads to Musi Rawas's units.
            make_complaint(
                location=Location(f"{code}.01"),
                routed_agency_id=agency,
                suggested_agency_id=None,
                dispositions=(),
                **extra,
            )
            for _ in range(n)
        ]
    )


def _cells(body: dict[str, Any]) -> dict[str | None, int | None]:
    assert "errors" not in body, body
    return {b["key"]: b["count"] for b in body["data"]["statistics"]["buckets"]}


def test_small_counts_are_withheld_and_what_is_withheld_adds_up_to_the_minimum() -> None:
    # One withheld count would be the period's total minus the others: the smallest goes too.
    assert suppress({"a": 7, "b": 6, "c": 2}) == {"a": 7, "b": None, "c": None}
    # Two withheld ones would add up to 2 (so each is 1): withheld until they add up to 5.
    assert suppress({"a": 9, "b": 7, "c": 1, "d": 1}) == {"a": 9, "b": None, "c": None, "d": None}
    assert suppress({"a": 7, "b": 2, "c": 1}) == {"a": None, "b": None, "c": None}
    assert suppress({"a": 7, "b": 9}) == {"a": 7, "b": 9}
    assert suppress({"a": 3}) == {"a": None}


async def test_regions_are_counted_and_small_ones_withheld(database_url: str, gql: GraphQL, tokens: Tokens) -> None:
    await _in("16.05", 7)
    await _in("16.71", 8)
    await _in("16.74", 6)
    await _in("16.73", 2)
    body = await gql(
        QUERY, {"by": "REGION", "period": "ALL", "filter": {"kodeWilayah": "16"}}, token=tokens.national_admin
    )
    assert _cells(body) == {"16.05": 7, "16.71": 8, "16.74": None, "16.73": None}
    stats = body["data"]["statistics"]
    assert stats["minimumCount"] == 5 and stats["suppressedCount"] == 2
    assert all(b["suppressed"] == (b["count"] is None) for b in stats["buckets"])
    assert {b["periodStart"] for b in stats["buckets"]} == {"2026-01-01"}


async def test_periods_split_by_month_in_wib(database_url: str, gql: GraphQL, tokens: Tokens) -> None:
    await _in("16.05", 6)
    await _in("16.05", 5, created_at=BASE_TIME.replace(month=BASE_TIME.month + 1))
    body = await gql(QUERY, {"by": "STATUS", "period": "MONTH"}, token=tokens.national_admin)
    starts = sorted(b["periodStart"] for b in body["data"]["statistics"]["buckets"])
    first = date.fromisoformat(starts[0])
    assert first.day == 1 and len(starts) == 2
    assert [b["count"] for b in body["data"]["statistics"]["buckets"]] == [6, 5]


async def test_the_callers_scope_decides_what_is_counted(database_url: str, gql: GraphQL, tokens: Tokens) -> None:
    await _in("16.05", 6)
    await _in("16.73", 8)
    await _in("16.73", 5, is_secret=True)
    admin_mura = tokens.make(Role.AGENCY_ADMIN, subject="admin-mura", agency="pemkab-16.05")
    mine = await gql(QUERY, {"by": "REGION", "period": "ALL", "filter": {"kodeWilayah": "16"}}, token=admin_mura)
    assert _cells(mine) == {"16.05": 6, "16.73": 8}  # the public's, and its own case scope (no secret ones elsewhere)
    public = await gql(QUERY, {"by": "REGION", "period": "ALL", "filter": {"kodeWilayah": "16"}})
    assert _cells(public) == {"16.05": 6, "16.73": 8}  # secret complaints are not the public's
    citizen = await gql(QUERY, {"by": "REGION", "period": "ALL", "filter": {"kodeWilayah": "16"}}, token=tokens.citizen)
    assert _cells(citizen) == {"16.05": 6, "16.73": 8}  # a token never sees less than the public
    national = await gql(
        QUERY, {"by": "REGION", "period": "ALL", "filter": {"kodeWilayah": "16"}}, token=tokens.national_admin
    )
    assert _cells(national) == {"16.05": 6, "16.73": 13}


async def test_bad_ranges_and_filters_are_refused_with_what_is_expected(
    database_url: str, gql: GraphQL, tokens: Tokens
) -> None:
    backwards = await gql(
        'query { statistics(groupBy: STATUS, from: "2026-02-01", to: "2026-01-01") { minimumCount } }'
    )
    assert (
        backwards["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
        and "is before from" in backwards["errors"][0]["message"]
    )
    daily = await gql(
        'query { statistics(groupBy: STATUS, period: DAY, from: "2026-01-01", to: "2026-12-01") { minimumCount } }'
    )
    assert "WEEK or MONTH" in daily["errors"][0]["message"]
    shifted = await gql(
        'query { statistics(groupBy: STATUS, from: "2026-01-01", to: "2026-02-01", filter: {createdAfter: "2026-01-01T00:00:30Z"}) { minimumCount } }'
    )
    assert "filter.createdAfter: cannot be used in statistics" in shifted["errors"][0]["message"]


async def test_categories_and_agencies_are_counted_and_days_are_wib_days(
    database_url: str, gql: GraphQL, tokens: Tokens
) -> None:
    # 23:30 WIB on 31 January is 16:30 UTC: a January complaint, whatever UTC says.
    late_january = datetime(2026, 1, 31, 16, 30, tzinfo=UTC)
    await _in("16.05", 5, created_at=late_january, category_id="infrastruktur.jalan")
    await _in("16.05", 6, created_at=late_january + timedelta(hours=8), category_id="infrastruktur.jalan")  # 1 Feb WIB
    by_month = await gql(QUERY, {"by": "CATEGORY", "period": "MONTH"}, token=tokens.national_admin)
    cells = [(b["periodStart"], b["key"], b["count"]) for b in by_month["data"]["statistics"]["buckets"]]
    assert cells == [("2026-01-01", "infrastruktur.jalan", 5), ("2026-02-01", "infrastruktur.jalan", 6)]
    by_agency = await gql(QUERY, {"by": "AGENCY", "period": "ALL"}, token=tokens.national_admin)
    assert _cells(by_agency) == {"16.05-pupr": 11}
    below = await gql(
        QUERY, {"by": "REGION", "period": "ALL", "filter": {"kodeWilayah": "16.05"}}, token=tokens.national_admin
    )
    assert _cells(below) == {"16.05": 11}
