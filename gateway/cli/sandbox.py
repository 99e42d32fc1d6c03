"""`penghubung sandbox`: a simulator for every source of the demo province, on loopback."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from gateway.settings import GatewaySettings


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register `sandbox`."""
    sandbox = sub.add_parser(
        "sandbox",
        help="run a simulator for every source of the demo province (national + 15 kab/kota) on loopback",
    )
    sandbox.add_argument("--host", default="127.0.0.1", help="bind address (default 127.0.0.1)")
    sandbox.add_argument("--base-port", type=int, default=8701, help="first port; the rest follow (default 8701)")
    sandbox.add_argument("--config", type=Path, default=None, help="sources file (default: the Sumatera Selatan demo)")
    sandbox.set_defaults(run=run)


def run(args: argparse.Namespace, settings: GatewaySettings) -> int:
    """Run the simulators until interrupted (the sandbox's own command line does the work)."""
    from connectors.sandbox.__main__ import main as sandbox_main

    extra = ["--config", str(args.config)] if args.config else []
    sandbox_main(["--host", args.host, "--base-port", str(args.base_port), *extra])
    return 0
