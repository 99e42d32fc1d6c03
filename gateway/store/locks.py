"""The store's one lock order, and the statement that takes it.

Every transaction that changes a complaint and the rows around it takes its locks in this
order, so that no two of them can wait for each other in a cycle:

1. the complaint rows, before anything else of them, in ascending id when there are
   several (`lock_complaints`);
2. then the complaint's own rows: its links to source systems (`complaint_source`), status
   events, follow-ups, replies, attachments, disposition hops;
3. then its outbox entries and the idempotency receipt.

A lifecycle action (and the write-through that settles its outbox entries and links in
the same transaction) locks its complaint first with SELECT ... FOR UPDATE; a pull locks
the complaints of a page in id order before it writes any link or status. Before this, a
pull wrote the link first and the complaint second while the write-through did the
opposite, and PostgreSQL ended one of them as a deadlock.

SQLite serialises writers on the whole database, so there is nothing to order there.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable

from tortoise.connection import get_connection

from gateway.store.models import ComplaintRow


async def lock_complaints(ids: Iterable[str | uuid.UUID]) -> None:
    """Lock these complaints' rows for the rest of the current transaction, in id order.

    FOR NO KEY UPDATE: the same lock an UPDATE of the row takes (so a lifecycle action and a
    pull wait for each other on it), which leaves inserting children (their foreign-key
    check) free. Must run inside a transaction; a no-op on SQLite.
    """
    wanted = sorted({str(i) for i in ids})
    if not wanted:
        return
    conn = get_connection("default")
    if conn.capabilities.dialect != "postgres":
        return
    table = ComplaintRow._meta.db_table
    # ORDER BY before the lock: PostgreSQL locks the rows in the order the sort returns them.
    await conn.execute_query(
        f'SELECT id FROM "{table}" WHERE id = ANY($1::uuid[]) ORDER BY id FOR NO KEY UPDATE', [wanted]
    )


__all__ = ["lock_complaints"]
