"""How many WebSocket connections one caller holds open, across every gateway process.

A connection takes a lease until its token expires (the gateway closes a socket then), so a
process that dies with sockets open leaks nothing for longer than their tokens would have
lived. In Redis a caller's leases are a sorted set scored by expiry, taken and counted in one
Lua script (atomic across processes); without Redis, a dict in this process. Redis trouble
fails open, like the request limits.
"""

from __future__ import annotations

import time
import uuid

import redis.asyncio as aioredis

from gateway.rate_limiter import REDIS_TIMEOUT, FailOpen

# KEYS[1]: the caller's leases; ARGV: now, until, lease id, most allowed (all in seconds).
_TAKE = """
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[1])
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[4]) then return 0 end
redis.call('ZADD', KEYS[1], ARGV[2], ARGV[3])
local ttl = math.ceil(tonumber(ARGV[2]) - tonumber(ARGV[1]))
if redis.call('TTL', KEYS[1]) < ttl then redis.call('EXPIRE', KEYS[1], ttl) end
return 1
"""


class ConnectionLeases:
    """Take and give back connection leases per caller key."""

    def __init__(self, redis_url: str | None = None, *, prefix: str = "penghubung:ws") -> None:
        self.prefix = prefix
        self._redis = (
            aioredis.Redis.from_url(redis_url, socket_connect_timeout=REDIS_TIMEOUT, socket_timeout=REDIS_TIMEOUT)
            if redis_url
            else None
        )
        self._take = self._redis.register_script(_TAKE) if self._redis is not None else None
        self._local: dict[str, dict[str, float]] = {}
        self._fail_open = FailOpen("connection limits", "sockets")

    async def take(self, key: str, *, most: int, until: float) -> str | None:
        """A lease id if `key` holds fewer than `most` live leases (one is then taken until
        `until`, epoch seconds), else None."""
        lease = uuid.uuid4().hex
        now = time.time()
        if self._take is None:
            held = {k: v for k, v in self._local.get(key, {}).items() if v > now}
            if len(held) >= most:
                self._local[key] = held
                return None
            held[lease] = until
            self._local[key] = held
            return lease
        try:
            taken = await self._take(keys=[f"{self.prefix}:{key}"], args=[now, max(until, now + 1), lease, most])
        except Exception as exc:  # Redis trouble: let the connection in (module docstring)
            self._fail_open("taking a socket lease", exc)
            return lease
        return lease if taken else None

    async def give_back(self, key: str, lease: str) -> None:
        """Release a lease (idempotent)."""
        if self._redis is None:
            held = self._local.get(key, {})
            held.pop(lease, None)
            if not held:
                self._local.pop(key, None)  # one entry per caller with sockets, no more
            return
        try:
            await self._redis.zrem(f"{self.prefix}:{key}", lease)
        except Exception as exc:  # it expires with its token anyway
            self._fail_open("giving a socket lease back", exc)

    async def close(self) -> None:
        """Close the Redis connections, if any."""
        if self._redis is not None:
            await self._redis.aclose()
