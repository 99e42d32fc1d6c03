"""The GraphQL face of the canonical model: types, inputs, roots and the schema builder.

Its collaborators' ports (Protocols and plain values) live in `schema.ports`, free of
Strawberry, so that the store, the sync engine and the worker never load this package.
"""

from __future__ import annotations

from schema.graphql.build import build_schema
from schema.graphql.context import GraphQLContext

__all__ = [
    "GraphQLContext",
    "build_schema",
]
