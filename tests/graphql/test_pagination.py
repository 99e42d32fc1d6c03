"""Cursor pagination: stable order, no duplicates or gaps while new complaints arrive."""

from __future__ import annotations

from datetime import timedelta

import pytest

from gateway.store.writer import insert_complaints
from tests.conftest import GraphQL
from tests.factories import BASE_TIME, make_complaint

PAGE = """
query Page($first: Int!, $after: String, $order: SortOrder!) {
  complaints(first: $first, after: $after, order: $order) {
    totalCount
    edges { cursor node { trackingId } }
    pageInfo { hasNextPage endCursor }
  }
}
"""


async def _walk(gql: GraphQL, *, first: int, order: str, during=None) -> list[str]:
    seen: list[str] = []
    after = None
    pages = 0
    while True:
        body = await gql(PAGE, {"first": first, "after": after, "order": order})
        assert "errors" not in body, body
        conn = body["data"]["complaints"]  # type: ignore[index]
        seen += [e["node"]["trackingId"] for e in conn["edges"]]
        pages += 1
        if during is not None:
            await during(pages)
        if not conn["pageInfo"]["hasNextPage"]:
            assert conn["pageInfo"]["endCursor"] == (conn["edges"][-1]["cursor"] if conn["edges"] else None)
            return seen
        after = conn["pageInfo"]["endCursor"]


@pytest.mark.parametrize("order", ["NEWEST_FIRST", "OLDEST_FIRST"])
async def test_pages_cover_everything_once_while_new_complaints_arrive(
    database_url: str, admin_gql: GraphQL, order: str
) -> None:
    # Several complaints share a created_at: the id breaks the tie.
    originals = [make_complaint(created_at=BASE_TIME + timedelta(minutes=i // 3)) for i in range(47)]
    await insert_complaints(originals)
    arrived: list[str] = []

    async def arrive(page: int) -> None:
        fresh = make_complaint(created_at=BASE_TIME + timedelta(days=30, minutes=page))
        await insert_complaints([fresh])
        arrived.append(fresh.tracking_id)

    seen = await _walk(admin_gql, first=5, order=order, during=arrive)
    assert len(seen) == len(set(seen)), "a complaint was served twice"
    by_key = sorted(originals, key=lambda c: (c.created_at, c.id))
    if order == "NEWEST_FIRST":
        # New complaints sort before the first page: never served, nothing skipped.
        assert seen == [c.tracking_id for c in reversed(by_key)]
    else:
        # Oldest first: the newcomers sort after everything and are reached, once each.
        assert seen[: len(by_key)] == [c.tracking_id for c in by_key]
        assert seen[len(by_key) :] == arrived[: len(seen) - len(by_key)]


async def test_first_is_bounded_and_a_foreign_cursor_is_refused(database_url: str, admin_gql: GraphQL) -> None:
    body = await admin_gql(PAGE, {"first": 101, "after": None, "order": "NEWEST_FIRST"})
    (error,) = body["errors"]  # type: ignore[misc]
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert error["message"] == "first: is 101 (expected an integer from 1 to 100)"
    body = await admin_gql(PAGE, {"first": 0, "after": None, "order": "NEWEST_FIRST"})
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"  # type: ignore[index]
    body = await admin_gql(PAGE, {"first": 5, "after": "YXJyYXljb25uZWN0aW9uOjU", "order": "NEWEST_FIRST"})
    (error,) = body["errors"]  # type: ignore[misc]
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert error["message"].startswith("after: is not a cursor from this API")


async def test_total_count_counts_across_pages(database_url: str, admin_gql: GraphQL) -> None:
    await insert_complaints([make_complaint() for _ in range(7)])
    body = await admin_gql(PAGE, {"first": 2, "after": None, "order": "NEWEST_FIRST"})
    assert body["data"]["complaints"]["totalCount"] == 7  # type: ignore[index]
