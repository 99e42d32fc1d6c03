"""The running service: settings, the Starlette app, the GraphQL endpoint, the store, the CLI."""

from __future__ import annotations

from gateway.edge.app import create_app
from gateway.settings import GatewaySettings, GraphQLLimits, from_env

__all__ = ["GatewaySettings", "GraphQLLimits", "create_app", "from_env"]
