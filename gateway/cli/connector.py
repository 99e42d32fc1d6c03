"""`penghubung connector check`: the command line of the conformance check (gateway.cli.connector_check)."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from gateway.cli.common import fail

if TYPE_CHECKING:
    from gateway.settings import GatewaySettings


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register `connector check`."""
    connector = sub.add_parser("connector", help="connector tools")
    connector_sub = connector.add_subparsers(dest="connector_command", required=True, metavar="ACTION")
    check = connector_sub.add_parser(
        "check",
        help="conformance check: read a live source with a mapping file and map every record",
    )
    check.add_argument("mapping", nargs="?", type=Path, help="the source's mapping file (TOML)")
    check.add_argument("--base-url", help="the source's base URL, e.g. https://pengaduan.example.go.id")
    check.add_argument("--secret-env", help="environment variable holding the source's token or key")
    check.add_argument(
        "--all", action="store_true", help="check every source of a sources file (--config; default: the demo's)"
    )
    check.add_argument("--sandbox", action="store_true", help='with --all: simulate the sources whose url is "sandbox"')
    check.add_argument(
        "--config",
        type=Path,
        default=None,
        help="sources file for --all (default: the Sumatera Selatan demo)",
    )
    check.add_argument(
        "--write",
        action="store_true",
        help="also try every declared write with two labelled [TEST] records and read them back "
        "(the --all --sandbox simulators are written to without it)",
    )
    check.add_argument("--read-only", action="store_true", help="only read and map (the default for a real system)")
    check.add_argument(
        "--show", type=int, default=0, metavar="N", help="preview N mapped records (personal values masked)"
    )
    check.add_argument(
        "--strict",
        action="store_true",
        help="fail on warnings too (suspicious values, statuses never sent, records stored without a part)",
    )
    check.set_defaults(run=run)


def run(args: argparse.Namespace, settings: GatewaySettings) -> int:
    """Check one mapping against a live source, or every source of a sources file."""
    import asyncio

    from connectors.config import DEMO_CONFIG
    from gateway.cli.connector_check import check_config, check_one

    if args.write and args.read_only:
        return fail("--write and --read-only exclude each other")
    if args.show < 0:
        return fail(f"--show: expected a number of records, 0 or more; found {args.show}")
    # Writes into a real system only when asked for; a simulator may be written to.
    writes = True if args.write else False if args.read_only else None
    if args.all:
        config = args.config or DEMO_CONFIG
        return asyncio.run(
            check_config(config, sandbox=args.sandbox, writes=writes, show=args.show, strict=args.strict)
        )
    if args.sandbox or args.config:
        return fail("--sandbox and --config go with --all")
    if args.mapping is None or args.base_url is None:
        return fail("give a mapping file and --base-url (or --all [--config FILE] [--sandbox])")
    return asyncio.run(
        check_one(args.mapping, args.base_url, args.secret_env, writes=bool(writes), show=args.show, strict=args.strict)
    )
