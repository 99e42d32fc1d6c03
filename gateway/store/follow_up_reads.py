"""Reads of the follow-up table outside the scoped repository: whether the index holds a
follow-up, known by its text's key (a write the system of record took before the index)."""

from __future__ import annotations

from gateway.store.models import FollowUpRow


async def has_follow_up(complaint_id: str, key: str) -> bool:
    """Whether the complaint has a follow-up with this key (its text's fingerprint)."""
    return await FollowUpRow.filter(complaint_id=complaint_id, key=key).exists()
