"""Fragments that spread each other over and over (twenty short lines, a million fields) are
refused by a linear count before any validation rule walks them; an ordinary operation
with fragments is answered."""

from __future__ import annotations

from graphql import parse

from gateway.edge.graphql_endpoint.fragment_expansion import expanded_size
from tests.conftest import GraphQL


def fragment_bomb(levels: int) -> str:
    """`F0` spreads `F1` twice, `F1` spreads `F2` twice...: 2**levels copies of the leaf."""
    chain = " ".join(f"fragment F{i} on Region {{ ...F{i + 1} ...F{i + 1} }}" for i in range(levels))
    return f"query {{ regions {{ ...F0 }} }} {chain} fragment F{levels} on Region {{ code }}"


def test_the_count_spreads_each_fragment_once_and_stops_past_the_ceiling() -> None:
    small = parse("query { regions { ...R } } fragment R on Region { code name }")
    assert expanded_size(small, ceiling=100) == 4  # regions, the spread, code, name
    # 2**60 leaves: counting them one by one would never end.
    assert expanded_size(parse(fragment_bomb(60)), ceiling=30_000) > 30_000


def test_a_chain_of_fragments_deeper_than_the_interpreter_can_follow_is_too_big() -> None:
    levels = 3_000
    chain = " ".join(f"fragment F{i} on Region {{ ...F{i + 1} }}" for i in range(levels))
    document = parse(
        f"query {{ regions {{ ...F0 }} }} {chain} fragment F{levels} on Region {{ code }}", max_tokens=None
    )
    assert expanded_size(document, ceiling=30_000) > 30_000


async def test_a_fragment_bomb_is_refused_before_validation(database_url: str, gql: GraphQL) -> None:
    body = await gql(fragment_bomb(40))
    (error,) = body["errors"]  # type: ignore[misc]
    assert error["extensions"]["code"] == "QUERY_TOO_COSTLY", error
    assert "spreads its fragments" in error["message"]


async def test_ordinary_fragments_are_answered(database_url: str, gql: GraphQL) -> None:
    body = await gql("query { regions { ...R } } fragment R on Region { code name }")
    assert "errors" not in body, body
    assert body["data"]["regions"]  # type: ignore[index]
