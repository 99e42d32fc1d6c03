"""Counting requests against rates, shared through Redis when configured, else in memory.

The counting is the `limits` package's sliding-window counter (two counters per key, updated
atomically by its Lua scripts in Redis), so every gateway process sharing a Redis counts
together. Keys are hashes: a subject may identify a citizen, and Redis is no place for it.

Redis trouble must not take the API down: when the store cannot be reached a request is let
through (fail open) and a warning is logged, at most once a minute.
"""

from __future__ import annotations

import hashlib
import logging
import math
import time
from collections.abc import Sequence
from dataclasses import dataclass

from limits import RateLimitItem, parse_many
from limits.aio.storage import MemoryStorage, RedisStorage
from limits.aio.strategies import SlidingWindowCounterRateLimiter

log = logging.getLogger(__name__)
WARN_EVERY = 60.0  # seconds between two warnings that the store is unreachable
REDIS_TIMEOUT = 0.5  # seconds: a slow Redis costs each request at most this, then fails open


@dataclass(frozen=True, slots=True)
class Verdict:
    """Whether a request may go on; if not, how many whole seconds to wait."""

    allowed: bool
    retry_after: int = 0


ALLOWED = Verdict(True)


def hashed(*parts: str | None) -> str:
    """A short, stable key for parts that must not be stored as they are."""
    return hashlib.sha256("\0".join(p or "" for p in parts).encode()).hexdigest()[:32]


def parse_rates(text: str) -> tuple[RateLimitItem, ...]:
    """'40 per 2 seconds; 1000 per hour' as rate items (checked by the settings already)."""
    return tuple(parse_many(text))


class FailOpen:
    """Logs that the store is unreachable, at most once per WARN_EVERY seconds."""

    def __init__(self, limits: str, let_through: str) -> None:
        self.limits = limits
        self.let_through = let_through
        self._warned_at = -math.inf

    def __call__(self, what: str, exc: BaseException) -> None:
        now = time.monotonic()
        if now - self._warned_at >= WARN_EVERY:
            self._warned_at = now
            log.warning(
                "%s: the store could not be reached (%s) while %s; %s are let through unlimited "
                "until it answers (warned at most once a minute)",
                self.limits,
                type(exc).__name__,
                what,
                self.let_through,
            )


def _async_redis_url(url: str) -> str:
    return url if url.startswith("async+") else f"async+{url}"


class RateLimiter:
    """Hits keys against rates; see the module docstring."""

    def __init__(self, redis_url: str | None = None, *, prefix: str = "penghubung:rate") -> None:
        self.shared = redis_url is not None
        if redis_url is not None:
            self.storage: MemoryStorage | RedisStorage = RedisStorage(
                _async_redis_url(redis_url),
                implementation="redispy",  # the project's own `redis` client, not coredis
                key_prefix=prefix,
                socket_connect_timeout=REDIS_TIMEOUT,
                socket_timeout=REDIS_TIMEOUT,
            )
        else:
            self.storage = MemoryStorage()
        self.strategy = SlidingWindowCounterRateLimiter(self.storage)
        self.fail_open = FailOpen("rate limits", "requests")

    async def hit(self, key: str, rates: Sequence[RateLimitItem], cost: int = 1) -> Verdict:
        """Count one request under `key` against every rate; refused if any is spent."""
        try:
            for rate in rates:
                if not await self.strategy.hit(rate, key, cost=cost):
                    stats = await self.strategy.get_window_stats(rate, key)
                    return Verdict(False, max(1, math.ceil(stats.reset_time - time.time())))
        except Exception as exc:  # any store failure: fail open (module docstring)
            self.fail_open("counting a request", exc)
        return ALLOWED

    async def count(self, key: str, window_seconds: int) -> int:
        """Add one to a plain counter that lives `window_seconds`; its new value (0 when the
        store is unreachable)."""
        try:
            return await self.storage.incr(key, window_seconds)
        except Exception as exc:
            self.fail_open("counting a rejected token", exc)
            return 0

    async def close(self) -> None:
        """Close the Redis connections, if any."""
        # `limits` keeps its redis-py client on the storage's bridge and offers no close.
        client = getattr(getattr(self.storage, "bridge", None), "storage", None)
        if client is not None:
            await client.aclose()

    async def get(self, key: str) -> int:
        """A plain counter's value (0 when gone or the store is unreachable)."""
        try:
            return await self.storage.get(key)
        except Exception as exc:
            self.fail_open("reading a counter", exc)
            return 0
