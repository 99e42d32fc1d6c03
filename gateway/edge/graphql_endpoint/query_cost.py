"""What an operation costs, worked out from its parsed document before any resolver runs.

The rules (README, "Limits"):

- every field costs 1; `__typename` and introspection cost nothing;
- a list field with a page argument (`first` or `limit`) multiplies its selection by the
  page it asks for: the argument, from a literal or a variable, else its default; never more
  than the largest page the gateway serves (the resolver refuses a larger one itself);
- a connection (a paged field that returns one object) counts its `edges` and `nodes` that
  many times, and its other fields (`totalCount`, `pageInfo`...) once;
- a list field without a page argument multiplies its selection by its declared bound
  (`LIST_BOUNDS`, or `CONNECTION_BOUNDS` for a bound the connection's arguments decide);
- nested lists multiply;
- every call to a regency system that a live read or a live list may make costs
  `SOURCE_CALL_COST` and is counted apart, against the per-request cap on source calls.

Fragments are expanded where they are spread (named or inline); fields under `@skip` or
`@include` count as if included, so the cost is an upper bound.

Written here rather than taken from a library: Strawberry has depth and alias limiters but
no cost limiter, and graphql-complexity (the maintained Python one) takes one count argument
by name, has no per-field bounds or schema argument defaults, cannot count source calls,
and its Strawberry extension pins a Strawberry release far older than the gateway's.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLField,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLSchema,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
    get_named_type,
)
from graphql.execution.values import VariableValues, get_argument_values, get_variable_values

from schema.canonical import RegionLevel
from schema.graphql.types import REGION_PAGE_MAX
from schema.regions import lies_in, provinces_and_regencies

# One call to a regency system weighs as much as this many fields: a source call holds a
# connection of a system the gateway does not own for up to the fan-out deadline.
SOURCE_CALL_COST = 10
PAGE_ARGUMENTS = ("first", "limit")
# Paged lists whose own maximum page differs from the gateway's page limit.
PAGE_MAXIMA: dict[str, int] = {"Region.children": REGION_PAGE_MAX}


def _regions(args: dict[str, Any]) -> int:
    """`regions`: the provinces, a search's matches, or a region's children."""
    if args.get("search") is not None:
        return 50  # schema.graphql.reference_query.REGION_SEARCH_LIMIT
    return 38 if args.get("parent") is None else 120


# The most items a list without a page argument can hold, by "Type.field" (a number, or a
# function of the field's arguments). A list field in the schema needs a page argument, an
# entry here or one in CONNECTION_BOUNDS (tests/gateway/test_cost_rules.py walks the schema).
LIST_BOUNDS: dict[str, int | Callable[[dict[str, Any]], int]] = {
    # Reference data. Regions: the largest family in the Kemendagri data is 108 desa.
    "Query.regions": _regions,
    "Query.agencies": 200,
    "Query.categories": 30,
    "Category.children": 20,
    # Inside one complaint: its trail, answers and history stay short (a complaint passes
    # ten statuses at most once each, a trail a few hops), and load in batches per page.
    "Complaint.dispositions": 10,
    "Complaint.followUps": 10,
    "Complaint.statusHistory": 15,
    "Complaint.replies": 10,
    "Complaint.attachments": 10,  # schema.validation.ATTACHMENTS_MAX
    "Complaint.sources": 3,  # LAPOR!, its kab/kota's system, the gateway
    "Complaint.tags": 10,
    "FollowUp.attachments": 10,
    "PublicComplaint.followUps": 10,
    "PublicComplaint.statusHistory": 15,
    # Small enumerations.
    "AuditEvent.actorRoles": 10,
    "Viewer.roles": 10,
    "ComplaintActionPayload.allowedActions": 10,
    "SourceConnection.capabilities": 10,
    "SourceSyncStatus.statusesNotSent": 12,
    # Per source, per agency, per region.
    "Query.syncStatus": 40,
    "ConnectionOverview.regencies": 520,
    "CoordinationView.rows": 200,
    "Query.deadlinePerformance": 200,
    "ComplaintStatistics.buckets": 400,
    # As many as the router sent, at most schema.graphql.subgraph.MAX_ENTITIES.
    "Query._entities": lambda args: min(len(args.get("representations") or ()), 100),
}


def _regencies(partition: str | None) -> int:
    """Kab/kota a partition overlaps: a live list names each, connected or not."""
    return sum(
        1
        for x in provinces_and_regencies()
        if x.level is RegionLevel.REGENCY
        and (lies_in(x.code, partition) or (partition is not None and lies_in(partition, x.code)))
    )


def _partition(args: dict[str, Any]) -> str | None:
    filter = args.get("filter") or {}
    partition = filter.get("kodeWilayah") if isinstance(filter, Mapping) else None
    return partition.strip() if isinstance(partition, str) else None


# Lists of a connection, bounded by the arguments of the field that returned it ("page":
# its page, the page argument's value).
CONNECTION_BOUNDS: dict[str, Callable[[dict[str, Any], int], int]] = {
    "AuditEventConnection.edges": lambda args, page: page,
    "ComplaintConnection.edges": lambda args, page: page,
    "ComplaintConnection.nodes": lambda args, page: page,
    "PublicComplaintConnection.edges": lambda args, page: page,
    "PublicComplaintConnection.nodes": lambda args, page: page,
    # How each kab/kota of the partition answered: only a live list has any.
    "ComplaintConnection.sources": lambda args, page: _regencies(_partition(args)) if args.get("live") else 0,
}

# Source calls a field may make: how many, from its coerced arguments and a count of the
# connected systems overlapping a partition (None: every one).
SourceCount = Callable[[str | None], int]
LiveRule = Callable[[dict[str, Any], SourceCount], int]


def _live_list(args: dict[str, Any], sources_in: SourceCount) -> int:
    return sources_in(_partition(args)) if args.get("live") else 0


def _live_read(args: dict[str, Any], sources_in: SourceCount) -> int:
    return 1 if args.get("live", True) and sources_in(None) else 0


LIVE_FIELDS: dict[str, LiveRule] = {
    "Query.complaints": _live_list,
    "Query.complaint": _live_read,
}


@dataclass(frozen=True, slots=True)
class Cost:
    """An operation's cost: fields weighed by their pages, and the source calls it may make."""

    fields: int
    source_calls: int

    @property
    def total(self) -> int:
        return self.fields + self.source_calls * SOURCE_CALL_COST


def _unwrap(t: GraphQLOutputType) -> GraphQLOutputType:
    return t.of_type if isinstance(t, GraphQLNonNull) else t


def is_list(t: GraphQLOutputType) -> bool:
    """Whether a field returns a list (of anything)."""
    return isinstance(_unwrap(t), GraphQLList)


def page_argument(field: GraphQLField) -> str | None:
    """The field's page argument, if it has one."""
    return next((a for a in PAGE_ARGUMENTS if a in field.args), None)


@dataclass(frozen=True, slots=True)
class _Within:
    """The arguments of the field whose selection is being weighed, and its page."""

    args: dict[str, Any]
    page: int | None


class _Walk:
    def __init__(
        self,
        schema: GraphQLSchema,
        fragments: dict[str, FragmentDefinitionNode],
        variables: VariableValues,
        *,
        max_page: int,
        sources_in: SourceCount,
    ) -> None:
        self.schema = schema
        self.fragments = fragments
        self.variables = variables
        self.max_page = max_page
        self.sources_in = sources_in
        self.calls = 0

    def _args(self, field: GraphQLField, node: FieldNode) -> dict[str, Any] | None:
        try:
            return get_argument_values(field, node, self.variables)
        except GraphQLError:
            return None  # an argument that does not coerce: execution refuses it anyway

    def _page(self, coordinate: str, field: GraphQLField, args: dict[str, Any] | None) -> int | None:
        name = page_argument(field)
        if name is None:
            return None
        value = (args or {}).get(name)
        if not isinstance(value, int) or isinstance(value, bool):
            return self.max_page
        # A field with a maximum of its own (Region.children) returns up to that many; any
        # other list refuses a page over the gateway's page limit.
        return max(0, min(value, PAGE_MAXIMA.get(coordinate, self.max_page)))

    def _multiplier(self, coordinate: str, field: GraphQLField, args: dict[str, Any] | None, within: _Within) -> int:
        if not is_list(field.type):
            return 1
        page = self._page(coordinate, field, args)
        if page is not None:
            return page
        by_connection = CONNECTION_BOUNDS.get(coordinate)
        if by_connection is not None:
            return by_connection(within.args, self.max_page if within.page is None else within.page)
        bound = LIST_BOUNDS.get(coordinate, self.max_page)
        return bound(args or {}) if callable(bound) else bound

    def selection(self, parent: Any, node: SelectionSetNode | None, seen: frozenset[str], within: _Within) -> int:
        if node is None:
            return 0
        total = 0
        for selection in node.selections:
            if isinstance(selection, FieldNode):
                total += self.field(parent, selection, seen, within)
            elif isinstance(selection, InlineFragmentNode):
                on = self.schema.get_type(selection.type_condition.name.value) if selection.type_condition else parent
                total += self.selection(on, selection.selection_set, seen, within)
            elif isinstance(selection, FragmentSpreadNode):
                name = selection.name.value
                fragment = self.fragments.get(name)
                if fragment is None or name in seen:  # validation refuses both
                    continue
                on = self.schema.get_type(fragment.type_condition.name.value)
                total += self.selection(on, fragment.selection_set, seen | {name}, within)
        return total

    def field(self, parent: Any, node: FieldNode, seen: frozenset[str], within: _Within) -> int:
        name = node.name.value
        if name.startswith("__") or not isinstance(parent, GraphQLObjectType):
            # Introspection (demo mode only) and abstract parents: the gateway's schema has
            # no interfaces or unions of its own but `_Entity`, whose members are listed
            # objects; a field under one is weighed on each member it is spread on.
            return 0 if name.startswith("__") else self._abstract(parent, node, seen, within)
        field = parent.fields.get(name)
        if field is None:
            return 0
        coordinate = f"{parent.name}.{name}"
        args = self._args(field, node)
        rule = LIVE_FIELDS.get(coordinate)
        if rule is not None and args is not None:
            self.calls += rule(args, self.sources_in)
        inner = self.selection(
            get_named_type(field.type),
            node.selection_set,
            seen,
            _Within(args or {}, self._page(coordinate, field, args)),
        )
        return 1 + self._multiplier(coordinate, field, args, within) * inner

    def _abstract(self, parent: Any, node: FieldNode, seen: frozenset[str], within: _Within) -> int:
        members = self.schema.get_possible_types(parent) if parent is not None else []
        return max((self.field(m, node, seen, within) for m in members), default=1)


def operation_cost(
    schema: GraphQLSchema,
    document: DocumentNode,
    *,
    operation_name: str | None,
    variables: dict[str, Any] | None,
    max_page: int,
    sources_in: SourceCount,
) -> Cost | None:
    """The cost of the operation `operation_name` picks in `document`; None when there is
    no such operation or its variables do not coerce (execution then refuses it)."""
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    chosen = [o for o in operations if operation_name is None or (o.name and o.name.value == operation_name)]
    if len(chosen) != 1:
        return None
    operation = chosen[0]
    coerced = get_variable_values(schema, operation.variable_definitions or (), variables or {})
    if isinstance(coerced, list):
        return None
    fragments = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}
    walk = _Walk(schema, fragments, coerced, max_page=max_page, sources_in=sources_in)
    root = schema.get_root_type(operation.operation)
    fields = walk.selection(root, operation.selection_set, frozenset(), _Within({}, None))
    return Cost(fields=fields, source_calls=walk.calls)
