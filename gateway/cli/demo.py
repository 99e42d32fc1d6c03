"""`penghubung demo`: the gateway with a seeded Sumatera Selatan dataset, files in the current directory."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from gateway.cli.common import add_server_args, cannot_listen, fail

if TYPE_CHECKING:
    from gateway.settings import GatewaySettings

DEMO_COMPLAINTS = 3000


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register `demo`."""
    demo = sub.add_parser(
        "demo",
        help="run the gateway with a seeded Sumatera Selatan dataset, files in the current directory",
    )
    add_server_args(demo)
    demo.add_argument(
        "--complaints",
        type=int,
        default=DEMO_COMPLAINTS,
        help=f"how many complaints to seed into a new demo database (default {DEMO_COMPLAINTS})",
    )
    # The demo reads the environment in demo mode (its own database, the bundled sources).
    demo.set_defaults(run=run, demo_mode=True)


def run(args: argparse.Namespace, settings: GatewaySettings) -> int:
    """Seed the demo database if new, print where to start, then serve."""
    import asyncio

    from gateway.cli.serve import serve_app
    from gateway.demo.run import prepare_demo, print_welcome

    if (code := cannot_listen(args.host, args.port)) is not None:
        return code
    if args.complaints < 0:
        return fail("--complaints must be 0 or more")
    asyncio.run(prepare_demo(settings, complaints=args.complaints))
    print_welcome(args.host, args.port, settings)
    serve_app(settings, args)
    return 0
