"""create_app(settings): the Starlette application, its routes, middleware and lifespan."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Route, WebSocketRoute

from auth.tokens import TokenVerifier
from connectors.spec_errors import SpecError
from gateway.edge.endpoints.dashboard import dashboard_routes
from gateway.edge.endpoints.graphiql import static_route
from gateway.edge.endpoints.health import healthz, readyz
from gateway.edge.endpoints.metrics import metrics_endpoint
from gateway.edge.endpoints.webhook import webhook
from gateway.edge.graphql_endpoint.extensions import schema_extensions
from gateway.edge.graphql_endpoint.view import GatewayGraphQL
from gateway.edge.limits.rate_guard import RateGuard
from gateway.edge.limits.rate_limit import RateLimitMiddleware
from gateway.edge.middleware.admission import AdmissionMiddleware
from gateway.edge.middleware.admission_gate import AdmissionGate
from gateway.edge.middleware.authentication import (
    BearerAuthMiddleware,
    build_verifier,
    issuers_for,
)
from gateway.edge.middleware.bad_tokens import BadTokens
from gateway.edge.middleware.body_limit import BodyLimitMiddleware
from gateway.edge.middleware.body_read import BodyReadMiddleware
from gateway.edge.middleware.cors import cors_middleware
from gateway.edge.middleware.request_id import RequestIdMiddleware, current_request_id
from gateway.edge.middleware.security_headers import SecurityHeadersMiddleware
from gateway.edge.middleware.unhandled_error import unhandled_error
from gateway.edge.state import AppState
from gateway.log_privacy import silence_sql_parameter_logs
from gateway.memory_trim import trim_memory_periodically
from gateway.services import Services, StoreUse, build_domain, build_services
from gateway.settings import GatewaySettings, SettingsError
from gateway.startup_warnings import startup_warnings
from gateway.sync.forget import forget_simulated
from gateway.sync.topology import load_topology
from gateway.telemetry import observe_upstream, record_delivery
from schema.graphql import build_schema

log = logging.getLogger(__name__)


@asynccontextmanager
async def _sync_in_process(settings: GatewaySettings, services: Services) -> AsyncIterator[None]:
    """The one-process setup: the sync engine runs beside the gateway (the demo's default)."""
    engine = services.sync_engine(on_delivery=record_delivery) if settings.sync_in_process else None
    if engine is None:
        yield
        return
    if settings.demo and services.sources is not None and services.sources.sandbox_urls:
        await forget_simulated(services.sources.sandbox_urls)
    stop = asyncio.Event()
    task = asyncio.create_task(engine.run(stop=stop), name="sync-engine")
    log.info("sync engine running in this process")
    try:
        yield
    finally:
        stop.set()
        await task


def create_app(
    settings: GatewaySettings,
    *,
    manage_store: bool = True,
    verifier: TokenVerifier | None = None,
) -> Starlette:
    """Build the gateway application.

    Args:
        settings: what to run with.
        manage_store: open and close the database in the app's lifespan; tests that share
            one connection across many apps pass False.
        verifier: the token verifier to use; by default one is built in the lifespan from
            the settings' issuers (JWKS key sets need the lifespan's HTTP session).
    """
    silence_sql_parameter_logs()
    observe_upstream()
    schema = build_schema(
        extensions=schema_extensions(settings.limits, demo=settings.demo, request_id=current_request_id)
    )
    try:
        topology = load_topology(settings.sources_file)
    except SpecError as exc:
        raise SettingsError(f"PENGHUBUNG_SOURCES: {exc}") from None
    # Built before the lifespan runs: the middleware and the GraphQL view hold them from
    # the start (tests run the app over ASGI without a lifespan).
    domain = build_domain(settings, topology)
    # Shared through the same Redis as live updates, so every gateway process counts together.
    rate_guard = RateGuard(settings.rate_limits, settings.redis_url)
    bad_tokens = BadTokens(rate_guard)
    graphql = GatewayGraphQL(
        schema,
        domain=domain,
        verifier=verifier,
        demo=settings.demo,
        limits=settings.limits,
        federation=settings.federation,
        router_secret=settings.router_secret,
        rate_guard=rate_guard,
        bad_tokens=bad_tokens,
        max_subscriptions=settings.rate_limits.subscriptions_per_connection,
    )

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[dict[str, AppState]]:
        store = StoreUse.CHECKED if manage_store else StoreUse.CALLER
        try:
            async with build_services(settings, domain=domain, store=store, announce=True) as services:
                issuers = issuers_for(settings) if verifier is None else []
                if verifier is None and not issuers:
                    log.warning(
                        "no token issuer is trusted (set PENGHUBUNG_AUTH_CONFIG): every token is refused, "
                        "only the public view answers"
                    )
                for warning in startup_warnings(settings):
                    log.warning(warning)
                if settings.sources_file is None:
                    log.info("no sources file (PENGHUBUNG_SOURCES): no sync, no live reads; the index answers")
                state = AppState.of(services, verifier or build_verifier(issuers, services.http))
                trimming_stop = asyncio.Event()
                trimming = asyncio.create_task(trim_memory_periodically(trimming_stop))
                try:
                    if not manage_store:  # tests sharing one store run no sync beside it
                        yield state.lifespan_state()
                        return
                    async with _sync_in_process(settings, services):
                        yield state.lifespan_state()
                finally:
                    trimming_stop.set()
                    await trimming
        finally:
            await rate_guard.close()

    async def index(request: Request) -> Response:
        if settings.demo:
            return RedirectResponse("/graphql")
        return JSONResponse({"service": "penghubung", "graphql": "/graphql"})

    routes: list[BaseRoute] = [
        Route("/", index),
        Route("/graphql", graphql, methods=["GET", "POST"]),
        WebSocketRoute("/graphql", graphql),
        Route("/healthz", healthz),
        Route("/readyz", readyz),
        Route("/metrics", metrics_endpoint(settings.metrics_token)),
        Route("/sync/webhook/{source}", webhook, methods=["POST"]),
    ]
    routes += dashboard_routes()
    if settings.demo:
        routes.append(static_route())
    return Starlette(
        routes=routes,
        middleware=[
            Middleware(RequestIdMiddleware),
            Middleware(SecurityHeadersMiddleware),
            # Before authentication: a preflight carries no token.
            *cors_middleware(settings.cors_origins),
            Middleware(BodyReadMiddleware, timeout=settings.limits.body_timeout),
            Middleware(BodyLimitMiddleware, max_bytes=settings.limits.max_body_bytes),
            Middleware(
                BearerAuthMiddleware, verifier=verifier, own_credentials=frozenset({"/metrics"}), bad_tokens=bad_tokens
            ),
            Middleware(RateLimitMiddleware, guard=rate_guard),
            # Innermost: a refusal costs no body read or parse; a caller over its rate is not
            # held in the tarpit with a slot (gateway.edge.middleware.admission).
            Middleware(
                AdmissionMiddleware,
                gate=AdmissionGate(settings.admission) if settings.admission.enabled else None,
            ),
        ],
        exception_handlers={Exception: unhandled_error},
        lifespan=lifespan,
    )
