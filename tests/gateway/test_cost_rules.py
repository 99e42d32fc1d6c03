"""The cost rules over the gateway's own schema: every list is paged or bounded, pages
and nested lists multiply, fragments and variables count, live lists count their calls."""

from __future__ import annotations

from typing import Any

import pytest
from graphql import GraphQLObjectType, parse

from gateway.edge.graphql_endpoint.query_cost import (
    CONNECTION_BOUNDS,
    LIST_BOUNDS,
    SOURCE_CALL_COST,
    Cost,
    is_list,
    operation_cost,
    page_argument,
)
from gateway.settings import GraphQLLimits, SettingsError, from_env
from schema import regions as r
from schema.graphql.build import build_schema
from schema.graphql.types import REGION_PAGE_MAX

SCHEMA = build_schema()._schema


def _list_fields() -> dict[str, Any]:
    return {
        f"{name}.{field_name}": field
        for name, t in SCHEMA.type_map.items()
        if isinstance(t, GraphQLObjectType) and not name.startswith("__")
        for field_name, field in t.fields.items()
        if is_list(field.type)
    }


def cost(query: str, variables: dict[str, Any] | None = None, *, sources: dict[str | None, int] | None = None) -> Cost:
    found = operation_cost(
        SCHEMA,
        parse(query),
        operation_name=None,
        variables=variables,
        max_page=100,
        sources_in=lambda partition: (sources or {}).get(partition, 0),
    )
    assert found is not None
    return found


def test_every_list_field_has_a_page_argument_or_a_declared_bound() -> None:
    lists = _list_fields()
    declared = LIST_BOUNDS.keys() | CONNECTION_BOUNDS.keys()
    assert not LIST_BOUNDS.keys() & CONNECTION_BOUNDS.keys()
    unbounded = sorted(c for c, f in lists.items() if page_argument(f) is None and c not in declared)
    assert not unbounded, f"list fields with neither a page argument (first/limit) nor a declared bound: {unbounded}"
    # A bound for a field that is gone, or that has a page argument, would hide a mistake.
    stale = sorted(c for c in declared if c not in lists or page_argument(lists[c]) is not None)
    assert not stale, stale


def test_region_children_are_paged_and_no_region_has_more_children_than_its_bound() -> None:
    assert page_argument(SCHEMA.type_map["Region"].fields["children"]) == "first"  # type: ignore[union-attr]
    largest, stack = 0, [None]
    while stack:
        found = r.children(stack.pop())
        largest = max(largest, len(found))
        stack.extend(x.code for x in found if x.level.name != "VILLAGE")
    regions = LIST_BOUNDS["Query.regions"]
    assert callable(regions)
    assert largest <= min(regions({"parent": "16"}), REGION_PAGE_MAX)
    assert len(r.children(None)) <= regions({})


def test_lists_multiply_their_selection_by_their_page_and_nested_lists_multiply() -> None:
    # Provinces (38), a search's matches (50) or a region's children (the bound, 120).
    assert cost("{ regions { code } }").fields == 1 + 38 * 1
    assert cost('{ regions(search: "Musi") { code } }').fields == 1 + 50 * 1
    assert cost('{ regions(parent: "16") { code } }').fields == 1 + 120 * 1
    assert cost("{ regions { code children(first: 10) { code name } } }").fields == 1 + 38 * (1 + 1 + 10 * 2)
    # Unpaged, children take their default page (50); three levels deep the tree is refused.
    tree = cost("{ regions { children { children { children { code name } } } } }")
    assert tree.fields == 1 + 38 * (1 + 50 * (1 + 50 * (1 + 50 * 2)))
    assert tree.total > GraphQLLimits().max_cost
    # A connection's edges and nodes count its page; its other fields once.
    assert cost("{ complaints(first: 7) { totalCount edges { node { id } } } }").fields == 1 + 1 + (1 + 7 * (1 + 1))
    assert cost("{ complaints { nodes { id } } }").fields == 1 + (1 + 20 * 1)  # the argument's default page
    # A page larger than the gateway serves weighs as the largest (the resolver refuses it).
    assert cost("{ complaints(first: 100000) { nodes { id } } }").fields == 1 + (1 + 100 * 1)
    # A list with a larger maximum of its own is counted up to that maximum, not the page limit.
    assert cost("{ regions { children(first: 120) { code } } }").fields == 1 + 38 * (1 + 120 * 1)


def test_a_router_batch_weighs_as_many_entities_as_it_sends() -> None:
    query = "query($r: [_Any!]!) { _entities(representations: $r) { ... on Region { code name } } }"
    three = [{"__typename": "Region", "code": c} for c in ("16", "16.05", "16.01")]
    assert cost(query, {"r": three}).fields == 1 + 3 * 2


def test_fragments_aliases_and_variables_count_as_written() -> None:
    spread = cost(
        "query($n: Int!) { a: regions { ...R } b: regions { ... on Region { code } } } "
        "fragment R on Region { code children(first: $n) { code } }",
        {"n": 3},
    )
    assert spread.fields == (1 + 38 * (1 + 1 + 3)) + (1 + 38 * 1)
    assert cost("{ __typename regions { __typename code } }").fields == 1 + 38 * 1


def test_a_live_list_counts_the_sources_of_its_partition() -> None:
    sources = {"16": 17, "16.05": 1, None: 500}
    listed = cost('{ complaints(live: true, filter: {kodeWilayah: "16"}) { totalCount } }', sources=sources)
    assert listed.source_calls == 17 and listed.total == listed.fields + 17 * SOURCE_CALL_COST
    # A live list names every kab/kota of its partition in `sources` (17 in Sumatera Selatan,
    # connected or not); an index list none.
    named = '{ complaints(live: LIVE, filter: {kodeWilayah: "16"}) { sources { system outcome } } }'
    assert cost(named.replace("LIVE", "true"), sources=sources).fields == 1 + (1 + 17 * 2)
    assert cost(named.replace("LIVE", "false"), sources=sources).fields == 1 + 1
    assert (
        cost(
            "query($f: ComplaintFilterInput) { complaints(live: true, filter: $f) { totalCount } }",
            {"f": {"kodeWilayah": "16.05"}},
            sources=sources,
        ).source_calls
        == 1
    )
    assert cost("{ complaints(live: true) { totalCount } }", sources=sources).source_calls == 500
    assert cost('{ complaints(filter: {kodeWilayah: "16"}) { totalCount } }', sources=sources).source_calls == 0
    aliases = " ".join(
        f'l{i}: complaints(live: true, filter: {{kodeWilayah: "16"}}) {{ totalCount }}' for i in range(30)
    )
    assert cost("{ " + aliases + " }", sources=sources).source_calls == 30 * 17


def test_the_budget_is_read_from_the_environment_and_checked() -> None:
    limits = from_env({"PENGHUBUNG_MAX_COST": "500", "PENGHUBUNG_MAX_SOURCE_CALLS": "7"}).limits
    assert (limits.max_cost, limits.max_source_calls) == (500, 7)
    with pytest.raises(SettingsError, match="max_cost is 0, expected at least 1"):
        GraphQLLimits(max_cost=0)
