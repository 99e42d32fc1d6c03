"""Schema extensions: per-request instances must keep the validation cache effective."""

from __future__ import annotations

from strawberry.extensions import SchemaExtension

from gateway.edge.graphql_endpoint.extensions import schema_extensions
from gateway.settings import GraphQLLimits


def _rules(extensions: list[SchemaExtension]) -> list[object]:
    return [rule for e in extensions for rule in getattr(e, "validation_rules", [])]


def test_every_request_gets_the_same_validation_rule_classes() -> None:
    # ValidationCache keys on (schema, document, rules): a rule class made anew for each
    # request would make every request miss the cache and validate again.
    factories = schema_extensions(GraphQLLimits(), demo=False)
    first = _rules([make() for make in factories])
    second = _rules([make() for make in factories])
    assert len(first) == 3  # no introspection, depth, aliases
    assert first == second
