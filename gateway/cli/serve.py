"""`penghubung serve`: run the gateway, and the server start the demo shares."""

from __future__ import annotations

import argparse
import gc
from dataclasses import replace
from typing import TYPE_CHECKING

from gateway.cli.common import (
    add_server_args,
    cannot_listen,
    fail,
    lacks_migrations,
    pending_migrations,
)

if TYPE_CHECKING:
    from gateway.settings import GatewaySettings

# Allocations between first-generation collections in `serve`. The interpreter's default
# (700) collected hundreds of times a second in a busy server. Each young collection scans
# what was allocated since the last, so its pause grows with this number: at 50,000 they
# took 13-25 ms (with a first-generation one of 45 ms) and showed in legitimate p99 under a
# flood (bench/hostile.py); at 7,000 they take about 4 ms (at most ~11), for the same total
# collector time.
GC_FIRST_GENERATION = 7_000


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register `serve`."""
    serve = sub.add_parser(
        "serve",
        help="run the gateway (settings from the environment: DATABASE_URL, PENGHUBUNG_MODE)",
    )
    add_server_args(serve)
    serve.add_argument(
        "--migrate",
        action="store_true",
        help="apply pending migrations at start-up (one instance only; with several, run "
        "`penghubung migrate` once instead)",
    )
    serve.set_defaults(run=run)


def run(args: argparse.Namespace, settings: GatewaySettings) -> int:
    """Check the port and the database, then serve until interrupted."""
    import asyncio

    if (code := cannot_listen(args.host, args.port)) is not None:
        return code
    settings = replace(settings, migrate_on_start=args.migrate)
    if not args.migrate and (pending := asyncio.run(pending_migrations(settings))):
        return fail(f"{lacks_migrations(settings, pending)}; run `penghubung migrate` first (or serve --migrate)")
    serve_app(settings, args)
    return 0


def serve_app(settings: GatewaySettings, args: argparse.Namespace) -> None:
    """Build the app and run it under uvicorn on --host/--port until interrupted."""
    import uvicorn

    from gateway.edge.app import create_app

    app = create_app(settings)
    steady_garbage_collection()
    uvicorn.run(
        app,
        host=args.host,
        port=args.port,
        log_level=args.log_level,
        # The gateway logs with request ids itself; uvicorn's access log stays on.
        log_config=None,
        # A subscription message is small; the HTTP body limit does not reach the socket.
        ws_max_size=settings.limits.max_body_bytes,
        # The client's address (for per-network rate limits) from X-Forwarded-For, only when
        # it comes from a trusted reverse proxy.
        proxy_headers=True,
        forwarded_allow_ips=settings.forwarded_allow_ips,
    )


def steady_garbage_collection() -> None:
    """Keep the collector's pauses out of request latency in a long-running server.

    Everything loaded at start-up (modules, the schema, the registry) lives as long as the
    process: frozen, the collector stops re-scanning it in every full collection, and a
    larger first generation collects less often. Without this, full collections over the
    start-up objects were the longest pauses a request met.
    """
    gc.collect()
    gc.freeze()
    _, second, third = gc.get_threshold()
    gc.set_threshold(GC_FIRST_GENERATION, second, third)
