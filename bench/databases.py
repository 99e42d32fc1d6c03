"""Fresh benchmark databases: an SQLite file in a temp dir or a new PostgreSQL database."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress
from pathlib import Path
from urllib.parse import urlsplit

import asyncpg

from gateway.settings import redacted, sqlite_url

KINDS = ("sqlite", "postgres")
DEFAULT_POSTGRES_ADMIN_URL = "postgres://postgres@127.0.0.1:5432/test"
NAME_PREFIX = "penghubung_bench_"


class DatabaseSetupError(RuntimeError):
    """The benchmark database could not be created."""


def _asyncpg_dsn(url: str) -> str:
    # asyncpg wants the libpq spelling; the gateway (Tortoise) wants postgres://.
    return url.replace("postgres://", "postgresql://", 1)


def _with_database(url: str, name: str) -> str:
    return urlsplit(url)._replace(path=f"/{name}").geturl()


async def _admin(admin_url: str, sql: str) -> None:
    conn = await asyncpg.connect(_asyncpg_dsn(admin_url))
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


@asynccontextmanager
async def fresh_database(
    kind: str, *, tmp_dir: Path, postgres_admin_url: str = DEFAULT_POSTGRES_ADMIN_URL
) -> AsyncIterator[str]:
    """Yield the URL of a new, empty database of `kind`; remove it afterwards, also after
    an error or Ctrl+C (the SQLite file goes with `tmp_dir`, which the caller owns)."""
    if kind not in KINDS:
        raise ValueError(f"unknown database kind {kind!r}, expected one of {KINDS}")
    name = f"{NAME_PREFIX}{uuid.uuid4().hex[:12]}"
    if kind == "sqlite":
        yield sqlite_url(tmp_dir / f"{name}.sqlite3")
        return
    async with _fresh_postgres(postgres_admin_url, name) as url:
        yield url


@asynccontextmanager
async def _fresh_postgres(admin_url: str, name: str) -> AsyncIterator[str]:
    create = f'CREATE DATABASE "{name}"'
    drop = f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'
    try:
        await _admin(admin_url, create)
    except (OSError, asyncpg.PostgresError) as exc:
        raise DatabaseSetupError(f"cannot create a database on {redacted(admin_url)}: {exc}") from exc
    except BaseException:
        # Interrupted during CREATE: the server may have created the database anyway.
        with suppress(Exception):
            await _admin(admin_url, drop)
        raise
    try:
        yield _with_database(admin_url, name)
    finally:
        # FORCE ends sessions a killed gateway or loader may have left behind.
        await _admin(admin_url, drop)
