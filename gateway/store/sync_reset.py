"""Dropping everything the index holds from some systems, in one transaction: the
complaints their connectors brought in, their links, cursors and deliveries (the sandbox
starting its simulators afresh; see `gateway.sync.forget`)."""

from __future__ import annotations

from collections.abc import Sequence

from tortoise.transactions import in_transaction

from gateway.store.models import ComplaintRow, ComplaintSourceRow, DeliveryClaimRow, OutboxRow, SyncCursorRow


async def drop_synced(systems: Sequence[str], *, brought_by: Sequence[str]) -> int:
    """Drop the sync state of `systems` and the complaints submitted by the connector
    subjects `brought_by` (with no issuer); returns how many complaints were dropped."""
    async with in_transaction():
        # A connector has no issuer: a token whose subject merely looks like one is not it.
        brought = ComplaintRow.filter(submitted_by_subject__in=list(brought_by), submitted_by_issuer__isnull=True)
        count = await brought.count()
        await brought.delete()
        await OutboxRow.filter(destination__in=list(systems)).delete()
        await ComplaintSourceRow.filter(system__in=list(systems)).delete()
        await SyncCursorRow.filter(source__in=list(systems)).delete()
        await DeliveryClaimRow.all().delete()
    return count
