"""How big an operation becomes once its fragments are spread, counted in linear time.

A fragment may spread another fragment twice, that one the next twice, and so on: twenty
short lines become a million fields. graphql-core's validation rules and the depth and
alias limits walk the operation with its fragments spread, so such a document held the
event loop for seconds to minutes before any limit could answer. This count spreads each
fragment once (its size is remembered), so it costs no more than the document's own
length, and it runs before validation (`gateway.edge.graphql_endpoint.extensions.BoundedValidation`).
"""

from __future__ import annotations

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
)


class _Count:
    def __init__(self, document: DocumentNode, ceiling: int) -> None:
        self.ceiling = ceiling
        self.fragments = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}
        self.sizes: dict[str, int] = {}

    def selections(self, node: SelectionSetNode | None, spreading: frozenset[str]) -> int:
        if node is None:
            return 0
        total = 0
        for selection in node.selections:
            total += 1
            if isinstance(selection, FragmentSpreadNode):
                total += self.fragment(selection.name.value, spreading)
            elif isinstance(selection, (FieldNode, InlineFragmentNode)):
                total += self.selections(selection.selection_set, spreading)
            if total > self.ceiling:
                break  # far enough to refuse; the rest need not be counted
        return total

    def fragment(self, name: str, spreading: frozenset[str]) -> int:
        if name in spreading or name not in self.fragments:
            return 0  # a cycle or an unknown fragment: validation names it
        if name not in self.sizes:
            self.sizes[name] = self.selections(self.fragments[name].selection_set, spreading | {name})
        return self.sizes[name]


def expanded_size(document: DocumentNode, *, ceiling: int) -> int:
    """Fields and spreads of every operation with its fragments spread, counted up to a
    little past `ceiling` (an answer over the ceiling means "too big", not how big)."""
    count = _Count(document, ceiling)
    total = 0
    try:
        for definition in document.definitions:
            if isinstance(definition, OperationDefinitionNode):
                total += count.selections(definition.selection_set, frozenset())
    except RecursionError:
        return ceiling + 1  # fragments nested deeper than any real query
    return total
