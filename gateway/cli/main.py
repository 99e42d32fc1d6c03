"""The `penghubung` command: the parser, and the dispatch to each subcommand's module.

Every subcommand reads its settings through `gateway.settings.from_env`; flags override.
Each command module registers its parser with `set_defaults(run=...)`; `main` calls that
`run(args, settings)`, and its return value is the exit code.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from gateway.cli import (
    connector,
    demo,
    migrate,
    reference,
    sandbox,
    schema_sdl,
    serve,
    sync,
    tokens,
    worker,
)
from gateway.cli.common import configure_logging, fail

# In the order `penghubung --help` lists them.
COMMANDS = (serve, demo, tokens, sandbox, connector, sync, worker, schema_sdl, migrate, reference)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser (exposed for tests and docs)."""
    parser = argparse.ArgumentParser(
        prog="penghubung",
        description="Penghubung: the GraphQL gateway between SP4N-LAPOR! and the complaint "
        "systems of Indonesian regencies and cities.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for command in COMMANDS:
        command.add_parser(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `penghubung` command."""
    try:
        return _main(argv)
    except BrokenPipeError:
        # The reader went away (`penghubung ... | head`): not an error of ours.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except Exception as exc:
        if not _is_unreachable_database(exc):
            raise
        # The cause is what a person needs ("database ... does not exist"), not the stack.
        cause = exc.__cause__ or exc.__context__ or exc
        print(f"penghubung: cannot reach the database: {str(cause).splitlines()[0][:300]}", file=sys.stderr)
        print("  (is DATABASE_URL right, and does that database exist? e.g. createdb penghubung)", file=sys.stderr)
        return 2


def _is_unreachable_database(exc: Exception) -> bool:
    # Only a command that loaded the ORM can fail to reach the database; the others must
    # not pay for importing it just to name the exception.
    errors = sys.modules.get("tortoise.exceptions")
    return errors is not None and isinstance(exc, errors.DBConnectionError)


def _main(argv: Sequence[str] | None) -> int:
    args = build_parser().parse_args(argv)
    # After parsing: `--help` and a usage error never read the settings.
    from gateway.settings import SettingsError, from_env

    try:
        configure_logging(getattr(args, "log_level", "info"))
    except ValueError as exc:
        return fail(str(exc))
    try:
        settings = from_env(demo=True if getattr(args, "demo_mode", False) else None)
    except SettingsError as exc:
        return fail(str(exc))
    code: int = args.run(args, settings)
    return code
