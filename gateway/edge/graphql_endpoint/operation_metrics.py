"""The GraphQL operation timer: a schema extension that records each operation's latency
and its errors' codes by operation (its type and first root field, from the schema, never
the client's operation name). The registry, the meters and the scrape live in
gateway.telemetry; the gateway's `/metrics` endpoint is gateway.edge.endpoints.metrics.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

from graphql import GraphQLSchema, OperationDefinitionNode
from strawberry.extensions import SchemaExtension

from gateway.telemetry import GRAPHQL_ERRORS, GRAPHQL_SECONDS


def operation_label(document: Any, schema: GraphQLSchema, operation_name: str | None = None) -> str:
    """`query complaint`, `mutation verifyComplaint`...: the type and first root field of
    the operation run, if the schema has that field (a client's made-up name never becomes
    a label)."""
    for definition in getattr(document, "definitions", ()):
        if isinstance(definition, OperationDefinitionNode):
            if operation_name and (definition.name is None or definition.name.value != operation_name):
                continue
            kind = definition.operation.value
            root = schema.get_root_type(definition.operation)
            for selection in definition.selection_set.selections:
                name = getattr(getattr(selection, "name", None), "value", None)
                if name and root is not None and name in root.fields:
                    return f"{kind} {name}"
            return f"{kind} unknown"
    return "unparsed"


class OperationMetrics(SchemaExtension):
    """Times every operation and counts its errors by code."""

    def on_operation(self) -> Iterator[None]:
        started = time.perf_counter()
        yield
        context = self.execution_context
        label = operation_label(context.graphql_document, context.schema._schema, context.operation_name)
        GRAPHQL_SECONDS.labels(label).observe(time.perf_counter() - started)
        for error in getattr(context.result, "errors", None) or ():
            GRAPHQL_ERRORS.labels(label, str((error.extensions or {}).get("code", "UNKNOWN"))).inc()
