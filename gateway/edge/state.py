"""What the app's lifespan hands every request: `AppState`, read through `app_state(scope)`.

Starlette copies the mapping a lifespan yields into each request's `scope["state"]`; the
gateway's mapping has one key, so the only string read is here and everything else gets a
typed object. Tests that run the app without its lifespan put their own in with
`with_app_state`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from starlette.types import ASGIApp, Receive, Scope, Send

if TYPE_CHECKING:
    from auth.tokens import TokenVerifier
    from gateway.domain.sources import ConfiguredSources
    from gateway.services import Services
    from gateway.sync.ingest import Ingestor
    from gateway.sync.topology import Topology
    from gateway.updates.broker import LocalBroker

STATE_KEY = "penghubung"


@dataclass(frozen=True, slots=True)
class AppState:
    """What the requests of a running app share (built from its `Services`)."""

    sources: ConfiguredSources | None = None
    topology: Topology | None = None
    verifier: TokenVerifier | None = None
    ingestor: Ingestor | None = None
    broker: LocalBroker | None = None

    @classmethod
    def of(cls, services: Services, verifier: TokenVerifier) -> AppState:
        """The state of an app running with `services`."""
        return cls(
            sources=services.sources,
            topology=services.topology,
            verifier=verifier,
            ingestor=services.ingestor,
            broker=services.domain.broker,
        )

    def lifespan_state(self) -> dict[str, AppState]:
        """The mapping the lifespan yields (Starlette wants a mapping)."""
        return {STATE_KEY: self}


def app_state(scope: Scope) -> AppState | None:
    """The app's state for this request (None where no lifespan ran)."""
    state: Mapping[str, object] = scope.get("state") or {}
    found = state.get(STATE_KEY)
    return found if isinstance(found, AppState) else None


def with_app_state(app: ASGIApp, state: AppState) -> ASGIApp:
    """`app` as its lifespan would run it, with `state` in every request (for tests and
    benches that run the app without its lifespan)."""

    async def run(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] in ("http", "websocket"):
            scope = {**scope, "state": {**(scope.get("state") or {}), STATE_KEY: state}}
        await app(scope, receive, send)

    return run
