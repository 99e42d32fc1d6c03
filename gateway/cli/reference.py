"""`penghubung reference load`: the command line of the registry loader (gateway.cli.reference_load)."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from gateway.settings import GatewaySettings


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register `reference load`."""
    reference = sub.add_parser("reference", help="reference data: the agency (instansi) and category registries")
    reference_sub = reference.add_subparsers(dest="reference_command", required=True, metavar="ACTION")
    load = reference_sub.add_parser(
        "load",
        help="load instansi, their OPD units and the category tree from a TOML file (docs/reference-data.md); "
        "adds and updates, never deletes",
    )
    load.add_argument("file", type=Path, help="the reference file, e.g. docs/examples/reference-sumsel.toml")
    load.add_argument("--dry-run", action="store_true", help="report what would change; write nothing")
    load.set_defaults(run=run)


def run(args: argparse.Namespace, settings: GatewaySettings) -> int:
    """Load the file into the settings' database, or report what would change."""
    import asyncio

    from gateway.cli.reference_load import run_load

    return asyncio.run(run_load(settings, args.file, dry_run=args.dry_run))
