"""Prometheus metrics: GraphQL latency by operation, upstream calls per source, circuit
states, deliveries, deliveries not queued, outbox depth and sync lag, in the text exposition format: served at the
gateway's `/metrics` and, for the sync worker's own calls, by `penghubung worker` when
PENGHUBUNG_WORKER_METRICS names an address (gateway.worker.metrics_server). The registry,
the meters and the scrape live in gateway.telemetry; this module is their HTTP and GraphQL
face: the operation timer (a schema extension) and the gateway's endpoint.

Request, upstream and delivery metrics are recorded as they happen (a schema extension, an
observer of every connector call, the sync engine's delivery hook, an observer of the
outbox's skips); circuit states, outbox
depth and sync lag are read at scrape time, so every process reports its own circuits and
what it sees of the shared tables. Labels are bounded: operations are named by their type
and first root field (from the schema, never the client's operation name), sources by
their configured names. No label holds a complaint, a reporter or a token. With
PENGHUBUNG_METRICS_TOKEN set, a scrape must bring it as a bearer token.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

from graphql import GraphQLSchema, OperationDefinitionNode
from prometheus_client.exposition import CONTENT_TYPE_LATEST
from starlette.requests import Request
from starlette.responses import Response
from strawberry.extensions import SchemaExtension

from gateway.telemetry import GRAPHQL_ERRORS, GRAPHQL_SECONDS, scrape, token_problem


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


def metrics_endpoint(token: str | None) -> Any:
    """`GET /metrics` for the gateway app (behind `token` when one is set)."""

    async def metrics(request: Request) -> Response:
        problem = token_problem(request.headers.get("authorization"), token)
        if problem is not None:
            return Response(problem + "\n", status_code=401, media_type="text/plain", headers={"WWW-Authenticate": "Bearer"})
        state = request.scope.get("state", {})
        sources = state.get("sources")
        body = await scrape(sources.connectors if sources is not None else None, state.get("topology"))
        return Response(body, media_type=CONTENT_TYPE_LATEST)

    return metrics
