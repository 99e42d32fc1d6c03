"""Which database errors are aborts for contention (run the transaction again) and which
are not: SQLite's "database is locked", produced for real by a second connection."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from tortoise.exceptions import IntegrityError, OperationalError

from gateway.store.transactions import is_contention


def _locked_error(tmp_path: Path) -> sqlite3.OperationalError:
    path = tmp_path / "busy.sqlite3"
    holder = sqlite3.connect(path, isolation_level=None)
    other = sqlite3.connect(path, timeout=0, isolation_level=None)
    try:
        holder.execute("CREATE TABLE t (x INTEGER)")
        holder.execute("BEGIN IMMEDIATE")  # holds the write lock
        with pytest.raises(sqlite3.OperationalError) as raised:
            other.execute("INSERT INTO t VALUES (1)")
        return raised.value
    finally:
        holder.close()
        other.close()


def test_sqlite_busy_as_tortoise_raises_it_is_contention(tmp_path: Path) -> None:
    busy = _locked_error(tmp_path)
    assert "database is locked" in str(busy)
    # Tortoise's SQLite client wraps it this way (the sqlite3 error as its argument).
    assert is_contention(OperationalError(busy))


def test_other_database_errors_are_not(tmp_path: Path) -> None:
    assert not is_contention(IntegrityError(sqlite3.IntegrityError("UNIQUE constraint failed: t.x")))
    assert not is_contention(OperationalError(sqlite3.OperationalError("no such table: t")))
    assert not is_contention(RuntimeError("anything else"))
