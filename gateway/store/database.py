"""Opening, migrating and checking the store's database (SQLite file or PostgreSQL)."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from urllib.parse import urlsplit

from tortoise import Tortoise
from tortoise.context import TortoiseContext
from tortoise.exceptions import OperationalError
from tortoise.migrations.api.migrate import migrate

from gateway.settings import redacted
from gateway.store.config import tortoise_config
from gateway.store.sqlite_file import secure_sqlite_files

log = logging.getLogger(__name__)


async def migrate_database(database_url: str, *, target: str | None = None) -> list[str]:
    """Bring the database schema up to date (or to `target`, e.g. "models.0001_initial").

    Runs in its own Tortoise context so that it can be called before, or beside, the
    gateway's own connection. Returns the migrations applied or unapplied, in order.
    """
    done: list[str] = []
    secure_sqlite_files(database_url)

    def progress(event: str, app: str, name: str) -> None:
        if event in ("apply_done", "rollback_done"):
            done.append(f"{app}.{name}")

    async with TortoiseContext():
        try:
            await migrate(
                config=tortoise_config(database_url),
                target=target,
                progress=progress,
            )
        finally:
            await Tortoise.close_connections()
    log.info("database %s: %d migration steps", redacted(database_url), len(done))
    return done


async def applied_migrations(database_url: str) -> list[str]:
    """Names of the migrations recorded as applied, oldest first."""
    secure_sqlite_files(database_url)
    async with TortoiseContext():
        await Tortoise.init(config=tortoise_config(database_url))
        try:
            conn = Tortoise.get_connection("default")
            rows = await conn.execute_query_dict("SELECT app, name FROM tortoise_migrations ORDER BY id")
        finally:
            await Tortoise.close_connections()
    return [f"{r['app']}.{r['name']}" for r in rows]


async def open_store(database_url: str) -> None:
    """Connect the process-wide store; requests from any task can then query it."""
    secure_sqlite_files(database_url)
    await Tortoise.init(config=tortoise_config(database_url), _enable_global_fallback=True)


async def close_store() -> None:
    """Close the store's connections (an unclosed aiosqlite thread hangs the process)."""
    await Tortoise.close_connections()


@asynccontextmanager
async def store(database_url: str) -> AsyncIterator[None]:
    """`async with store(url):` open, yield, always close."""
    await open_store(database_url)
    try:
        yield
    finally:
        await close_store()


async def ping() -> None:
    """Run a trivial query; raises if the database cannot answer."""
    await Tortoise.get_connection("default").execute_query("SELECT 1")


def known_migrations() -> list[str]:
    """Names of the migrations shipped with this version, oldest first."""
    package = Path(__file__).parent / "migrations"
    return sorted(f"models.{p.stem}" for p in package.glob("[0-9][0-9][0-9][0-9]_*.py"))


def _missing_sqlite_file(database_url: str) -> bool:
    parts = urlsplit(database_url)
    return parts.scheme == "sqlite" and parts.path != ":memory:" and not Path(parts.path).exists()


async def pending_migrations(database_url: str) -> list[str]:
    """Migrations shipped but not applied to this database (all of them for a new one).

    Only reads: an SQLite file that does not exist yet is not created.
    """
    if _missing_sqlite_file(database_url):
        return known_migrations()
    try:
        applied = set(await applied_migrations(database_url))
    except OperationalError:
        applied = set()  # no migrations table yet: an empty database
    return [m for m in known_migrations() if m not in applied]
