"""A source's latest sync note, kept on its cursor row apart from its latest rejection.

A note says a record was stored without a part (a category or OPD the mapping or the
registry lacks) or that the source's paging looked odd; a rejection says a record was not
stored at all. Notes carry record ids and codes, never reporter personal data.
"""

from __future__ import annotations

from datetime import datetime

from gateway.store.models import SyncCursorRow

LIMIT = 300  # the column's length


async def save_note(source: str, note: str, at: datetime) -> None:
    """Keep `note` as the source's latest (the cursor row is made if the source has none)."""
    await SyncCursorRow.get_or_create(source=source)
    await SyncCursorRow.filter(source=source).update(last_note=note[:LIMIT], last_note_at=at)
