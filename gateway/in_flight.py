"""Requests in progress per caller: one (issuer, subject) may have only so many at once.

The rate limit bounds how many requests a caller makes over a window, but lets a burst of
them (a whole window's worth) run at the same moment: a flood on many connections gets
that burst in at once, and every legitimate request waits behind it on the one event loop.
No person's app needs more than a few requests in progress, so a caller with a token past
`most` gets a 429 (through the tarpit) instead. Anonymous callers are not capped: a whole
network (a carrier's NAT, a campus) shares their key. Counted per process, in memory: the
point is this process's event loop.
"""

from __future__ import annotations


class InFlight:
    """Counts requests in progress per key; a key with none is forgotten (memory stays
    bounded by the requests in progress)."""

    def __init__(self, most: int) -> None:
        self.most = most
        self._counts: dict[str, int] = {}

    def take(self, key: str) -> bool:
        """One more request of `key` in progress, unless it has `most` already."""
        now = self._counts.get(key, 0)
        if now >= self.most:
            return False
        self._counts[key] = now + 1
        return True

    def give_back(self, key: str) -> None:
        """That request is done."""
        now = self._counts.get(key, 0) - 1
        if now > 0:
            self._counts[key] = now
        else:
            self._counts.pop(key, None)

    def __len__(self) -> int:
        return len(self._counts)
