"""`penghubung migrate`: upgrade the database schema in place, list or pick migrations."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from gateway.cli.common import fail

if TYPE_CHECKING:
    from gateway.settings import GatewaySettings


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register `migrate`."""
    migrate = sub.add_parser("migrate", help="upgrade the database schema in place")
    migrate.add_argument("--to", metavar="MIGRATION", help="migrate (up or down) to this one, e.g. models.0001_initial")
    migrate.add_argument("--list", action="store_true", help="list shipped migrations and whether each is applied")
    migrate.add_argument(
        "--owner-issuer",
        metavar="ISSUER",
        help="after migrating, record ISSUER as the token issuer of every complaint owner stored "
        "without one (before owners had an issuer, such complaints belong to nobody); use it "
        "only when all of them came from that one citizen issuer",
    )
    migrate.set_defaults(run=run)


def run(args: argparse.Namespace, settings: GatewaySettings) -> int:
    """List, migrate to --to, or upgrade fully (and adopt owners for --owner-issuer)."""
    import asyncio

    if args.list:
        return asyncio.run(_list_migrations(settings))
    if args.owner_issuer is not None and (args.to or not args.owner_issuer.strip() or len(args.owner_issuer) > 200):
        return fail(
            "--owner-issuer expects a token issuer (1 to 200 characters) and goes with a full upgrade, not with --to"
        )
    return asyncio.run(_migrate(settings, args.to, args.owner_issuer))


async def _migrate(settings: GatewaySettings, target: str | None, owner_issuer: str | None = None) -> int:
    from gateway.domain.reference import upgrade_database
    from gateway.settings import redacted
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
