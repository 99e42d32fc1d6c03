"""The `penghubung` command: serve, demo, migrate, reference load, and the tools beside them.

Every subcommand reads its settings through `gateway.settings.from_env`; flags override.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import logging
import os
import socket
import sys
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

import uvicorn
from tortoise.exceptions import DBConnectionError

from auth.roles import KNOWN_SCOPES, Role
from gateway.edge.app import create_app
from gateway.log_format import formatter as log_formatter
from gateway.log_privacy import AccessLogPrivacy, RedactPersonalData
from gateway.edge.middleware.request_id import RequestIdLogFilter
from connectors.spec_errors import SpecError
from gateway.settings import GatewaySettings, SettingsError, from_env, redacted

log = logging.getLogger("penghubung")

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000
DEMO_COMPLAINTS = 3000
# Allocations between first-generation collections in `serve` (the interpreter's default
# is 700: a busy server collected hundreds of times a second).
GC_FIRST_GENERATION = 50_000


def _configure_logging(level: str, kind: str | None = None) -> None:
    handler = logging.StreamHandler()
    handler.addFilter(RequestIdLogFilter())
    handler.addFilter(RedactPersonalData())
    handler.setFormatter(log_formatter(kind or os.environ.get("PENGHUBUNG_LOG_FORMAT", "text")))
    logging.basicConfig(level=level.upper(), handlers=[handler], force=True)
    logging.getLogger("uvicorn.access").addFilter(AccessLogPrivacy())
    # Tortoise announces every connection close at INFO; that is noise for operators.
    logging.getLogger("tortoise").setLevel(max(logging.WARNING, logging.getLogger().level))


def _add_server_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--host", default=DEFAULT_HOST, help=f"bind address (default {DEFAULT_HOST})")
    p.add_argument(
        "--port", type=int, default=DEFAULT_PORT, help=f"bind port (default {DEFAULT_PORT})"
    )
    p.add_argument(
        "--log-level",
        default="info",
        choices=["critical", "error", "warning", "info", "debug"],
        help="log level (default info)",
    )


def build_parser() -> argparse.ArgumentParser:
    """The argument parser (exposed for tests and docs)."""
    parser = argparse.ArgumentParser(
        prog="penghubung",
        description="Penghubung: the GraphQL gateway between SP4N-LAPOR! and the complaint "
        "systems of Indonesian regencies and cities.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    serve = sub.add_parser(
        "serve",
        help="run the gateway (settings from the environment: DATABASE_URL, PENGHUBUNG_MODE)",
    )
    _add_server_args(serve)
    serve.add_argument(
        "--migrate",
        action="store_true",
        help="apply pending migrations at start-up (one instance only; with several, run "
        "`penghubung migrate` once instead)",
    )

    demo = sub.add_parser(
        "demo",
        help="run the gateway with a seeded Sumatera Selatan dataset, files in the current "
        "directory",
    )
    _add_server_args(demo)
    demo.add_argument(
        "--complaints",
        type=int,
        default=DEMO_COMPLAINTS,
        help=f"how many complaints to seed into a new demo database (default {DEMO_COMPLAINTS})",
    )

    token = sub.add_parser("token", help="development tokens signed with the local dev key")
    token_sub = token.add_subparsers(dest="token_command", required=True, metavar="ACTION")
    issue = token_sub.add_parser(
        "issue",
        help="print a signed development token (the key pair is made on first use in "
        "PENGHUBUNG_DEV_KEYS, default ./penghubung-dev-keys)",
    )
    issue.add_argument(
        "--role",
        action="append",
        required=True,
        choices=[r.value for r in Role if r is not Role.PUBLIC],
        help="a role to grant (repeatable, all of one token kind)",
    )
    issue.add_argument("--agency", help="agency (instansi) id, e.g. pemkab-16.05 or 16.05-pupr")
    issue.add_argument("--region", help="kode wilayah, e.g. 16 or 16.05")
    issue.add_argument("--subject", default="dev-user", help="the token subject (default dev-user)")
    issue.add_argument(
        "--scope", action="append", default=[], choices=sorted(KNOWN_SCOPES), help="extra scope"
    )
    issue.add_argument(
        "--ttl", type=int, default=8 * 3600, help="lifetime in seconds (default 8 hours)"
    )

    sandbox = sub.add_parser(
        "sandbox",
        help="run a simulator for every source of the demo province (national + 15 kab/kota) on loopback",
    )
    sandbox.add_argument("--host", default="127.0.0.1", help="bind address (default 127.0.0.1)")
    sandbox.add_argument(
        "--base-port", type=int, default=8701, help="first port; the rest follow (default 8701)"
    )
    sandbox.add_argument("--config", type=Path, default=None, help="sources file (default: the Sumatera Selatan demo)")

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
    check.add_argument(
        "--sandbox", action="store_true", help="with --all: simulate the sources whose url is \"sandbox\""
    )
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
    check.add_argument(
        "--read-only", action="store_true", help="only read and map (the default for a real system)"
    )
    check.add_argument("--show", type=int, default=0, metavar="N", help="preview N mapped records (personal values masked)")
    check.add_argument("--strict", action="store_true", help="fail on warnings too (suspicious values, statuses never sent, records stored without a part)")

    sync = sub.add_parser("sync", help="the sync engine: status, dead letters, replay, confirm, reconcile, backfill")
    sync_sub = sync.add_subparsers(dest="sync_command", required=True, metavar="ACTION")
    sync_sub.add_parser("status", help="each source's last success, lag, backlog, failures and dead letters")
    dead = sync_sub.add_parser("dead-letters", help="deliveries that gave up, with their reasons")
    dead.add_argument("--destination", help="only those for one source")
    replay = sync_sub.add_parser("replay", help="send dead letters again")
    replay.add_argument("ids", nargs="*", type=int, help="dead letter ids (see dead-letters)")
    replay.add_argument("--all", action="store_true", help="every dead letter")
    replay.add_argument(
        "--not-there", action="store_true",
        help="you checked the destination and it does not hold them: send those in doubt without looking them up",
    )
    confirm = sync_sub.add_parser(
        "confirm", help="a create in doubt is at its destination after all: link it to the id found there"
    )
    confirm.add_argument("id", type=int, help="the dead letter's id (see dead-letters)")
    confirm.add_argument("source_id", help="the complaint's id in the destination's system")
    rec = sync_sub.add_parser("reconcile", help="compare a source with the index and report the differences")
    rec.add_argument("source", help="the source's name, e.g. 16.05-musi-rawas or lapor")
    rec.add_argument("--repair", action="store_true", help="also fix what can be fixed")
    back = sync_sub.add_parser("backfill", help="pull a source's whole history, resumably, with a progress bar")
    back.add_argument("source", help="the source's name")
    back.add_argument("--from-start", action="store_true", help="ignore the saved cursor and read everything")
    back.add_argument("--deliver", action="store_true", help="then deliver what it queued (else the worker does)")
    back.add_argument("--expect", type=int, help="how many records to expect, for the progress bar")

    worker = sub.add_parser(
        "worker", help="run background jobs: sync (with a sources file) and auto-close after the reply window"
    )
    worker.add_argument("--once", action="store_true", help="run each job once and exit")
    worker.add_argument(
        "--interval", type=float, default=60.0, help="seconds between runs (default 60)"
    )
    worker.add_argument(
        "--log-level",
        default="info",
        choices=["critical", "error", "warning", "info", "debug"],
        help="log level (default info)",
    )

    schema = sub.add_parser(
        "schema",
        help="print the GraphQL schema as an Apollo Federation v2 subgraph SDL (for rover/Hive composition)",
    )
    schema.add_argument("--output", "-o", type=Path, help="write it to this file instead of stdout")
    migrate = sub.add_parser("migrate", help="upgrade the database schema in place")
    migrate.add_argument(
        "--to", metavar="MIGRATION", help="migrate (up or down) to this one, e.g. models.0001_initial"
    )
    migrate.add_argument(
        "--list", action="store_true", help="list shipped migrations and whether each is applied"
    )
    migrate.add_argument(
        "--owner-issuer",
        metavar="ISSUER",
        help="after migrating, record ISSUER as the token issuer of every complaint owner stored "
        "without one (before owners had an issuer, such complaints belong to nobody); use it "
        "only when all of them came from that one citizen issuer",
    )
    reference = sub.add_parser("reference", help="reference data: the agency (instansi) and category registries")
    reference_sub = reference.add_subparsers(dest="reference_command", required=True, metavar="ACTION")
    load = reference_sub.add_parser(
        "load",
        help="load instansi, their OPD units and the category tree from a TOML file (docs/reference-data.md); "
        "adds and updates, never deletes",
    )
    load.add_argument("file", type=Path, help="the reference file, e.g. docs/examples/reference-sumsel.toml")
    load.add_argument("--dry-run", action="store_true", help="report what would change; write nothing")
    return parser


async def _migrate(settings: GatewaySettings, target: str | None, owner_issuer: str | None = None) -> int:
    from gateway.reference import upgrade_database
    from gateway.store.database import migrate_database, store
    from gateway.store.owners import adopt_owners

    if target is not None:
        for step in await migrate_database(settings.database_url, target=target):
            print(f"migrated {step}")
        print(f"database {redacted(settings.database_url)} is at {target}")
        return 0
    steps, added = await upgrade_database(settings.database_url)
    for step in steps:
        print(f"applied {step}")
    if added:
        print(f"loaded {added} regions (38 provinces, 514 kabupaten/kota)")
    if owner_issuer is not None:
        async with store(settings.database_url):
            adopted = await adopt_owners(owner_issuer)
        print(f"recorded issuer {owner_issuer} for {adopted} complaint owners stored without one")
    print(f"database {redacted(settings.database_url)} is up to date")
    return 0


async def _list_migrations(settings: GatewaySettings) -> int:
    from gateway.store.database import known_migrations, pending_migrations

    pending = set(await pending_migrations(settings.database_url))
    for name in known_migrations():
        print(f"{'pending' if name in pending else 'applied'}  {name}")
    return 0


def _issue_token(settings: GatewaySettings, args: argparse.Namespace) -> int:
    from auth.dev import issue_token, load_or_create

    if not (settings.dev_keys_dir / "dev-signing-key.pem").exists():
        print(
            f"penghubung: made a new development key pair in {settings.dev_keys_dir}; "
            "a gateway trusts it only if started from this directory (or with the same "
            "PENGHUBUNG_DEV_KEYS)",
            file=sys.stderr,
        )
    try:
        token = issue_token(
            load_or_create(settings.dev_keys_dir),
            subject=args.subject,
            roles=[Role(r) for r in args.role],
            agency_id=args.agency,
            kode_wilayah=args.region,
            scopes=args.scope,
            ttl=args.ttl,
        )
    except ValueError as exc:
        print(f"penghubung: {exc}", file=sys.stderr)
        return 2
    print(token)
    return 0


def _port_in_use(host: str, port: int) -> str | None:
    """Why (host, port) cannot be bound, or None if it can; checked before any setup."""
    try:
        with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            probe.bind((host, port))
    except OSError as exc:
        return exc.strerror or str(exc)
    return None


async def _pending(settings: GatewaySettings) -> list[str]:
    from gateway.store.database import pending_migrations

    return await pending_migrations(settings.database_url)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `penghubung` command."""
    try:
        return _main(argv)
    except DBConnectionError as exc:
        # The cause is what a person needs ("database ... does not exist"), not the stack.
        cause = exc.__cause__ or exc.__context__ or exc
        print(f"penghubung: cannot reach the database: {str(cause).splitlines()[0][:300]}", file=sys.stderr)
        print("  (is DATABASE_URL right, and does that database exist? e.g. createdb penghubung)", file=sys.stderr)
        return 2
    except BrokenPipeError:
        # The reader went away (`penghubung ... | head`): not an error of ours.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


def _main(argv: Sequence[str] | None) -> int:
    args = build_parser().parse_args(argv)
    try:
        _configure_logging(getattr(args, "log_level", "info"))
    except ValueError as exc:
        print(f"penghubung: {exc}", file=sys.stderr)
        return 2
    try:
        settings = from_env(demo=True if args.command == "demo" else None)
    except SettingsError as exc:
        print(f"penghubung: {exc}", file=sys.stderr)
        return 2

    if args.command == "token":
        return _issue_token(settings, args)

    if args.command == "schema":
        from schema.graphql import build_schema

        sdl = build_schema().as_str() + "\n"
        if args.output is None:
            sys.stdout.write(sdl)
        else:
            args.output.write_text(sdl, encoding="utf-8")
            print(f"wrote the subgraph SDL to {args.output}", file=sys.stderr)
        return 0

    if args.command == "connector":
        from connectors.config import DEMO_CONFIG
        from gateway.connector_check import check_config, check_one

        if args.write and args.read_only:
            print("penghubung: --write and --read-only exclude each other", file=sys.stderr)
            return 2
        if args.show < 0:
            print(f"penghubung: --show: expected a number of records, 0 or more; found {args.show}", file=sys.stderr)
            return 2
        # Writes into a real system only when asked for; a simulator may be written to.
        writes = True if args.write else False if args.read_only else None
        if args.all:
            config = args.config or DEMO_CONFIG
            return asyncio.run(
                check_config(config, sandbox=args.sandbox, writes=writes, show=args.show, strict=args.strict)
            )
        if args.sandbox or args.config:
            print("penghubung: --sandbox and --config go with --all", file=sys.stderr)
            return 2
        if args.mapping is None or args.base_url is None:
            print("penghubung: give a mapping file and --base-url (or --all [--config FILE] [--sandbox])", file=sys.stderr)
            return 2
        return asyncio.run(
            check_one(args.mapping, args.base_url, args.secret_env, writes=bool(writes), show=args.show, strict=args.strict)
        )

    if args.command == "sandbox":
        from connectors.sandbox.__main__ import main as sandbox_main

        extra = ["--config", str(args.config)] if args.config else []
        sandbox_main(["--host", args.host, "--base-port", str(args.base_port), *extra])
        return 0

    if args.command == "sync":
        from gateway import sync_cli

        try:
            if args.sync_command == "status":
                return asyncio.run(sync_cli.show_status(settings))
            if args.sync_command == "dead-letters":
                return asyncio.run(sync_cli.show_dead_letters(settings, args.destination))
            if args.sync_command == "replay":
                return asyncio.run(sync_cli.replay_dead_letters(settings, args.ids, args.all, args.not_there))
            if args.sync_command == "confirm":
                return asyncio.run(sync_cli.confirm_dead_letter(settings, args.id, args.source_id))
            if args.sync_command == "reconcile":
                return asyncio.run(sync_cli.run_reconcile(settings, args.source, args.repair))
            return asyncio.run(sync_cli.run_backfill(settings, args.source, args.from_start, args.deliver, args.expect))
        except (SettingsError, SpecError) as exc:
            print(f"penghubung: {exc}", file=sys.stderr)
            return 2

    if args.command == "worker":
        from gateway.worker import run_worker

        if pending := asyncio.run(_pending(settings)):
            print(
                f"penghubung: database {redacted(settings.database_url)} lacks migrations "
                f"{', '.join(pending)}. Is it the right one? The worker uses DATABASE_URL "
                "(default ./penghubung.sqlite3; the demo's is ./penghubung-demo.sqlite3, "
                "used with PENGHUBUNG_MODE=demo); a new database needs `penghubung migrate`.",
                file=sys.stderr,
            )
            return 2
        try:
            asyncio.run(run_worker(settings, once=args.once, interval=args.interval))
        except (SettingsError, SpecError) as exc:
            print(f"penghubung: {exc}", file=sys.stderr)
            return 2
        except KeyboardInterrupt:
            return 0
        return 0

    if args.command == "reference":
        from gateway.reference_cli import run_load

        return asyncio.run(run_load(settings, args.file, dry_run=args.dry_run))

    if args.command == "migrate":
        if args.list:
            return asyncio.run(_list_migrations(settings))
        if args.owner_issuer is not None and (args.to or not args.owner_issuer.strip() or len(args.owner_issuer) > 200):
            print(
                "penghubung: --owner-issuer expects a token issuer (1 to 200 characters) and goes "
                "with a full upgrade, not with --to",
                file=sys.stderr,
            )
            return 2
        return asyncio.run(_migrate(settings, args.to, args.owner_issuer))

    if (busy := _port_in_use(args.host, args.port)) is not None:
        print(
            f"penghubung: cannot listen on {args.host}:{args.port} ({busy}); "
            "choose another port with --port",
            file=sys.stderr,
        )
        return 2

    if args.command == "demo":
        from gateway.demo.run import prepare_demo

        if args.complaints < 0:
            print("penghubung: --complaints must be 0 or more", file=sys.stderr)
            return 2
        asyncio.run(prepare_demo(settings, complaints=args.complaints))
        from gateway.demo.run import print_welcome

        print_welcome(args.host, args.port, settings)
    else:
        settings = replace(settings, migrate_on_start=args.migrate)
        if not args.migrate and (pending := asyncio.run(_pending(settings))):
            print(
                f"penghubung: database {redacted(settings.database_url)} lacks migrations "
                f"{', '.join(pending)}; run `penghubung migrate` first (or serve --migrate)",
                file=sys.stderr,
            )
            return 2
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
    return 0


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


if __name__ == "__main__":
    sys.exit(main())
