"""The composition root: one `build_services` gives the app, the worker and the sync commands
what they run with, and the app's requests reach it through one typed state."""

from __future__ import annotations

import uuid
from dataclasses import replace

import httpx2 as httpx
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from connectors.config import DEMO_CONFIG
from gateway.edge.app import create_app
from gateway.edge.state import AppState, app_state, with_app_state
from gateway.services import StoreUse, build_domain, build_services
from gateway.settings import GatewaySettings
from gateway.sync.topology import load_topology
from gateway.updates.broker import LocalBroker


async def test_without_a_sources_file_nothing_syncs(settings: GatewaySettings) -> None:
    domain = build_domain(settings, None)
    assert domain.sync_status is None and domain.topology is None
    async with build_services(settings, domain=domain, store=StoreUse.CALLER, announce=False) as services:
        assert services.sources is None and services.ingestor is None
        assert services.connectors == {}
        assert services.sync_engine() is None
        http = services.http
        assert not http.closed
    assert http.closed


async def test_the_sandbox_sources_give_one_engine_that_announces_only_with_a_broker(
    settings: GatewaySettings,
) -> None:
    sandboxed = replace(settings, sources_file=DEMO_CONFIG, sandbox=True)
    broker = LocalBroker()
    domain = build_domain(sandboxed, load_topology(DEMO_CONFIG), broker=broker)
    assert domain.broker is broker and domain.write_through.topology is domain.topology
    async with build_services(sandboxed, domain=domain, store=StoreUse.CALLER, announce=False) as services:
        assert services.sources is not None and services.ingestor is not None
        quiet = services.sync_engine()
        assert quiet is not None and quiet.notify is None
        assert set(quiet.connectors) == set(services.connectors) and services.connectors
    async with build_services(sandboxed, domain=domain, store=StoreUse.CALLER, announce=True) as services:
        engine = services.sync_engine()
        assert engine is not None and engine.notify is not None
        async with broker.subscribe() as heard:
            changed = str(uuid.uuid4())  # no such complaint: announced without a region
            await engine.notify([changed])
            assert (await heard.get()).complaint_id == changed


async def test_the_lifespan_hands_requests_a_typed_state(settings: GatewaySettings) -> None:
    async def peek(request: Request) -> JSONResponse:
        state = app_state(request.scope)
        assert state is not None
        return JSONResponse({"verifier": state.verifier is not None, "sources": state.sources is not None})

    app = create_app(settings, manage_store=False)
    seen: dict[str, object] = {}
    async with app.router.lifespan_context(app) as state:
        assert set(state) == {"penghubung"}
        typed = next(iter(state.values()))
        assert isinstance(typed, AppState) and typed.verifier is not None and typed.broker is not None
        inner = Starlette(routes=[Route("/peek", peek)])
        transport = httpx.ASGITransport(app=with_app_state(inner, typed))
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
            seen = (await client.get("/peek")).json()
    assert seen == {"verifier": True, "sources": False}


def test_a_request_without_a_lifespan_has_no_state() -> None:
    assert app_state({"type": "http"}) is None
    assert app_state({"type": "http", "state": {"penghubung": "not a state"}}) is None
