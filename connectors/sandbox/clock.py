"""A strictly increasing wall clock, so records written in one millisecond still order."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta


class Clock:
    """`now()` is the real UTC time, bumped by 1 ms whenever it would not move forward."""

    def __init__(self) -> None:
        self._last = datetime.min.replace(tzinfo=UTC)

    def now(self) -> datetime:
        """The current time, always later than the previous answer."""
        real = datetime.now(UTC)
        current = real.replace(microsecond=real.microsecond // 1000 * 1000)
        if current <= self._last:
            current = self._last + timedelta(milliseconds=1)
        self._last = current
        return current
