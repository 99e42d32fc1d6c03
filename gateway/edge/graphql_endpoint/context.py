"""The per-request GraphQL context, made from the process's domain services and the app state.

The domain services (repositories, write-through, readers) are the app's own; the live
connectors, and the topology they were opened with, come from the lifespan's state, so a
request where no lifespan ran (tests over ASGI) reads from the index only.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from gateway.domain.audit import AuditTrail, read_audit
from gateway.edge.middleware.request_id import current_request_id
from gateway.federation.service import Federation, Writes
from schema.graphql import GraphQLContext

if TYPE_CHECKING:
    from starlette.requests import Request
    from starlette.responses import Response
    from starlette.websockets import WebSocket

    from auth.principal import Principal
    from gateway.edge.state import AppState
    from gateway.services import Domain
    from gateway.settings import FederationSettings, GraphQLLimits


def request_context(
    domain: Domain,
    state: AppState | None,
    *,
    principal: Principal,
    audit: AuditTrail,
    federation: FederationSettings,
    limits: GraphQLLimits,
    demo: bool,
    router_trusted: bool,
    request: Request | WebSocket,
    response: Response | WebSocket | None,
) -> GraphQLContext:
    """The context one GraphQL request (or one WebSocket) resolves in."""
    sources = state.sources if state is not None else None
    connectors = sources.connectors if sources is not None else {}
    # The lifespan's sources, and the topology they were opened with (the app's own,
    # read from the sources file, unless the state says otherwise).
    topology = state.topology if state is not None and state.topology is not None else domain.topology
    live = (
        Federation(connectors, topology, domain.complaints, federation, max_calls=limits.max_source_calls)
        if sources is not None and topology is not None
        else None
    )
    return GraphQLContext(
        principal=principal,
        complaints=domain.complaints,
        references=domain.references,
        writes=Writes(domain.write_through, connectors),
        audit=audit,
        audit_reader=read_audit,
        deadline_policy=domain.deadlines,
        request_id=current_request_id(),
        sources=sources,
        sync=domain.sync_status,
        federation=live,
        statistics=domain.statistics,
        updates=domain.broker,
        coordination=domain.coordination,
        demo=demo,
        router_trusted=router_trusted,
        max_page_size=limits.max_page_size,
        request=request,
        response=response,
    )
