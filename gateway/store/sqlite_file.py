"""An SQLite store's files are readable by their owner only (0600).

The file holds reporters' identities. SQLite creates a new database file with 0666 less the
umask (0644 on most systems), and its -wal, -shm and -journal files with the mode of the
database file. So the database file is created here, 0600, before SQLite opens it, and a
file left group- or world-readable by an older version is tightened, with its companions.
"""

from __future__ import annotations

import logging
import os
import stat
from pathlib import Path
from urllib.parse import urlsplit

log = logging.getLogger(__name__)

OWNER_ONLY = 0o600
COMPANIONS = ("-wal", "-shm", "-journal")


def sqlite_path(database_url: str) -> Path | None:
    """The file of an SQLite URL; None for PostgreSQL or an in-memory database.

    Read as Tortoise reads it: host and path joined, so `sqlite://data/db.sqlite3` is a
    relative file and `sqlite:///srv/db.sqlite3` an absolute one."""
    parts = urlsplit(database_url)
    name = parts.netloc + parts.path
    if parts.scheme != "sqlite" or name in ("", ":memory:"):
        return None
    return Path(name)


def secure_sqlite_files(database_url: str) -> None:
    """Create the database file 0600 if it is new; make it and its companions 0600."""
    path = sqlite_path(database_url)
    if path is None:
        return
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, OWNER_ONLY))
        except FileExistsError:
            pass  # another process made it in between; tightened below
    for file in (path, *(path.with_name(path.name + suffix) for suffix in COMPANIONS)):
        try:
            mode = stat.S_IMODE(file.stat().st_mode)
            if mode & 0o077:
                file.chmod(OWNER_ONLY)
                log.info("%s was readable by others (mode %o); now %o", file, mode, OWNER_ONLY)
        except FileNotFoundError:
            continue
        except PermissionError:
            log.warning("%s is readable by others and not ours to change: chmod 600 it", file)
