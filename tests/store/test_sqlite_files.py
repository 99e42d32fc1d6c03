"""An SQLite store's files are the owner's alone (0600): a new database, its -wal and -shm,
and a database an older version left readable by others."""

from __future__ import annotations

import os
import sqlite3
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from gateway.settings import sqlite_url
from gateway.store.database import migrate_database

# Every test migrates a new database of its own.
pytestmark = pytest.mark.slow


@pytest.fixture
def usual_umask() -> Iterator[None]:
    """The umask most systems have (022): files SQLite makes on its own come out 0644."""
    before = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(before)


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


async def test_a_new_database_and_its_wal_files_are_owner_only(tmp_path: Path, usual_umask: None) -> None:
    db = tmp_path / "new.sqlite3"
    await migrate_database(sqlite_url(db))
    assert _mode(db) == 0o600
    # While a writer holds it in WAL mode, SQLite's -wal and -shm take the database's mode.
    conn = sqlite3.connect(db)
    try:
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("CREATE TABLE probe (x)")
        conn.commit()
        wal, shm = Path(f"{db}-wal"), Path(f"{db}-shm")
        assert wal.exists() and shm.exists()
        assert (_mode(wal), _mode(shm)) == (0o600, 0o600)
    finally:
        conn.close()


async def test_a_database_left_readable_by_others_is_tightened(tmp_path: Path, usual_umask: None) -> None:
    db = tmp_path / "old.sqlite3"
    conn = sqlite3.connect(db)  # made the way SQLite makes it: 0644 under this umask
    try:
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("CREATE TABLE probe (x)")
        conn.commit()
        wal, shm = Path(f"{db}-wal"), Path(f"{db}-shm")
        assert _mode(db) == 0o644 and _mode(wal) == 0o644
        await migrate_database(sqlite_url(db))
        assert (_mode(db), _mode(wal), _mode(shm)) == (0o600, 0o600, 0o600)
    finally:
        conn.close()


async def test_a_relative_database_url_is_owner_only_too(
    tmp_path: Path, usual_umask: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    # `sqlite://data/db.sqlite3` is a file relative to the working directory, as Tortoise reads it.
    monkeypatch.chdir(tmp_path)
    await migrate_database("sqlite://data/relative.sqlite3")
    assert _mode(tmp_path / "data" / "relative.sqlite3") == 0o600
