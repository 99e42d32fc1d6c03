"""The GraphQL face of the canonical model: types, inputs, roots and the schema builder."""

from __future__ import annotations

from schema.graphql.build import build_schema
from schema.graphql.context import ComplaintReader, GraphQLContext, ReferenceReader, WritePort

__all__ = [
    "ComplaintReader",
    "GraphQLContext",
    "ReferenceReader",
    "WritePort",
    "build_schema",
]
