"""Assemble the Strawberry schema from the roots, with the extensions the gateway chooses."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import strawberry
from graphql import GraphQLError
from strawberry.extensions import SchemaExtension
from strawberry.federation.schema import FederationAny
from strawberry.schema.config import StrawberryConfig
from strawberry.tools import merge_types
from strawberry.types import Info

from schema.graphql.access_query import AccessQuery
from schema.graphql.complaint_query import ComplaintQuery
from schema.graphql.connection_query import ConnectionQuery
from schema.graphql.coordination_query import CoordinationQuery
from schema.graphql.deadline_query import DeadlineQuery
from schema.graphql.lifecycle_mutation import LifecycleMutation
from schema.graphql.mutation import SubmitMutation
from schema.graphql.reference_query import ReferenceQuery
from schema.graphql.statistics_query import StatisticsQuery
from schema.graphql.subgraph import FEDERATION_VERSION, MAX_ENTITIES, SubgraphQuery, refuse_unless_router
from schema.graphql.subscription import Subscription
from schema.graphql.sync_query import SyncQuery

Query = merge_types(
    "Query",
    (
        ComplaintQuery,
        DeadlineQuery,
        ReferenceQuery,
        AccessQuery,
        ConnectionQuery,
        SyncQuery,
        StatisticsQuery,
        CoordinationQuery,
        SubgraphQuery,
    ),
)
Mutation = merge_types("Mutation", (SubmitMutation, LifecycleMutation))


class GatewaySchema(strawberry.federation.Schema):
    """The gateway's schema: an Apollo Federation v2 subgraph, without Strawberry's default
    error logging, and with `_entities` for the router only (schema.graphql.subgraph).

    Strawberry logs every error with the operation's variables, which can hold a
    reporter's personal data; the gateway's error extension logs internal errors itself
    (redacted) and client errors need no log line.
    """

    def process_errors(self, errors: list[GraphQLError], execution_context: Any = None) -> None:
        return None

    def entities_resolver(self, info: Info, representations: list[FederationAny]) -> list[FederationAny]:
        refuse_unless_router(info, "_entities")
        if len(representations) > MAX_ENTITIES:
            raise GraphQLError(
                f"_entities got {len(representations)} representations; expected at most {MAX_ENTITIES} per request",
                extensions={"code": "BAD_USER_INPUT"},
            )
        return super().entities_resolver(info, representations)


def build_schema(*, extensions: Sequence[type[SchemaExtension] | Callable[[], SchemaExtension]] = ()) -> GatewaySchema:
    """The gateway's schema.

    Args:
        extensions: classes or factories (not instances: Strawberry deprecates those).
    """
    ext: list[Any] = list(extensions)
    return GatewaySchema(
        query=Query,
        mutation=Mutation,
        subscription=Subscription,
        extensions=ext,
        config=StrawberryConfig(auto_camel_case=True),
        federation_version=FEDERATION_VERSION,
    )
