"""`penghubung schema`: print the GraphQL schema as an Apollo Federation v2 subgraph SDL."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from gateway.settings import GatewaySettings


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register `schema`."""
    schema = sub.add_parser(
        "schema",
        help="print the GraphQL schema as an Apollo Federation v2 subgraph SDL (for rover/Hive composition)",
    )
    schema.add_argument("--output", "-o", type=Path, help="write it to this file instead of stdout")
    schema.set_defaults(run=run)


def run(args: argparse.Namespace, settings: GatewaySettings) -> int:
    """Write the SDL to stdout or to --output."""
    from schema.graphql import build_schema

    sdl = build_schema().as_str() + "\n"
    if args.output is None:
        sys.stdout.write(sdl)
    else:
        args.output.write_text(sdl, encoding="utf-8")
        print(f"wrote the subgraph SDL to {args.output}", file=sys.stderr)
    return 0
