"""The sync port: each source's sync state, as plain values."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol


@dataclass(frozen=True, slots=True)
class SyncInfo:
    """One source's sync state (plain values, filled by the gateway)."""

    source: str
    last_success_at: datetime | None
    last_attempt_at: datetime | None
    lag_seconds: float | None
    backlog: int
    dead_letters: int
    consecutive_failures: int
    last_error: str | None
    last_error_at: datetime | None
    records_seen: int
    records_rejected: int = 0
    last_dead_letter: str | None = None
    last_rejection: str | None = None
    last_note: str | None = None
    last_note_at: datetime | None = None
    statuses_not_sent: tuple[str, ...] = ()


class SyncReader(Protocol):
    """The port the gateway fills from its sync tables."""

    async def status(self) -> Sequence[SyncInfo]:
        """Every source, the national system first."""
        ...
