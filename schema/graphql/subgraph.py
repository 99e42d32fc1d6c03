"""The schema as an Apollo Federation v2 subgraph, with its internal entry points guarded.

`_service { sdl }` (the subgraph's SDL, for composition) and `_entities` (the router's
lookups of complaints, agencies, categories and regions by key) answer only requests that
carry the router's shared secret (the context's `router_trusted`); `_service` also answers
in demo mode, where introspection is on anyway. `_entities` then resolves each key through
the same scoped lookups as `complaint(id)`, under the caller's own token, which the router
forwards: a key never reaches a complaint its caller could not read directly.
"""

from __future__ import annotations

from typing import Final

import strawberry
from strawberry.printer import print_schema

from auth.errors import PermissionDenied
from schema.graphql.types import Ctx

FEDERATION_VERSION: Final = "2.5"  # composes in Apollo Router 1.x/2.x and Hive Gateway
MAX_ENTITIES = 100  # representations per `_entities` call (a router batches a page's worth)


def refuse_unless_router(info: Ctx, entry: str) -> None:
    """The federation entry points are for the router only."""
    if not info.context.router_trusted:
        raise PermissionDenied(
            f"{entry} is for the federation router; expected the X-Penghubung-Router header "
            "with the router's shared secret (PENGHUBUNG_ROUTER_SECRET)"
        )


@strawberry.type(name="_Service")
class SubgraphService:
    @strawberry.field
    def sdl(self, info: Ctx) -> str:
        return print_schema(info.schema)


@strawberry.type
class SubgraphQuery:
    @strawberry.field(name="_service")
    def service(self, info: Ctx) -> SubgraphService:
        if not info.context.demo:
            refuse_unless_router(info, "_service")
        return SubgraphService()
