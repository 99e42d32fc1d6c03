"""How many WebSocket connections one caller holds open, across every gateway process.

A connection holds a short lease (a minute), which its gateway renews while the socket is open
and never past the token's expiry (the gateway closes a socket then). A process that dies with
sockets open so leaks nothing for longer than one lease, however long its tokens would have
lived. In Redis a caller's leases are a sorted set scored by expiry, taken, renewed and counted
in Lua scripts on Redis's own clock (atomic across processes, whatever their clocks say);
without Redis, a dict in this process. Redis trouble fails open, like the request limits.
"""

from __future__ import annotations

import math
import time
import uuid

import redis.asyncio as aioredis

from gateway.edge.limits.rate_limiter import REDIS_TIMEOUT, FailOpen

LEASE_SECONDS = 60.0  # how long a lease outlives the last renewal of a dead process's socket

# Seconds since the epoch on Redis's clock, in Lua.
_NOW = "local t = redis.call('TIME')\nlocal now = tonumber(t[1]) + tonumber(t[2]) / 1000000\n"
# KEYS[1]: the caller's leases; ARGV: lease id, most allowed, lease seconds, token expiry.
_TAKE = (
    _NOW
    + """
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[2]) then return 0 end
local upto = math.min(now + tonumber(ARGV[3]), tonumber(ARGV[4]))
redis.call('ZADD', KEYS[1], upto, ARGV[1])
redis.call('EXPIRE', KEYS[1], math.ceil(tonumber(ARGV[3])) + 1)
return 1
"""
)
# Same keys and arguments; 0 when the lease is gone (lapsed, or given back): a lapsed lease's
# place may already be someone else's, so it is not revived.
_RENEW = (
    _NOW
    + """
local held = redis.call('ZSCORE', KEYS[1], ARGV[1])
if held == false or tonumber(held) <= now then
  redis.call('ZREM', KEYS[1], ARGV[1])
  return 0
end
redis.call('ZADD', KEYS[1], math.min(now + tonumber(ARGV[3]), tonumber(ARGV[4])), ARGV[1])
redis.call('EXPIRE', KEYS[1], math.ceil(tonumber(ARGV[3])) + 1)
return 1
"""
)


class ConnectionLeases:
    """Take, renew and give back connection leases per caller key."""

    def __init__(
        self, redis_url: str | None = None, *, prefix: str = "penghubung:ws", lease_seconds: float = LEASE_SECONDS
    ) -> None:
        self.prefix = prefix
        self.lease_seconds = lease_seconds
        self._redis = (
            aioredis.Redis.from_url(redis_url, socket_connect_timeout=REDIS_TIMEOUT, socket_timeout=REDIS_TIMEOUT)
            if redis_url
            else None
        )
        self._take = self._redis.register_script(_TAKE) if self._redis is not None else None
        self._renew = self._redis.register_script(_RENEW) if self._redis is not None else None
        self._local: dict[str, dict[str, float]] = {}
        self._fail_open = FailOpen("connection limits", "sockets")

    def _args(self, lease: str, most: int, until: float | None) -> list[float | int | str]:
        # Redis scripts take no infinity: a token without expiry is bounded by the lease alone.
        return [lease, most, self.lease_seconds, until if until is not None else 2**53]

    def _local_until(self, until: float | None) -> float:
        return min(time.time() + self.lease_seconds, until if until is not None else math.inf)

    async def take(self, key: str, *, most: int, until: float | None) -> str | None:
        """A lease id if `key` holds fewer than `most` live leases (one is then taken for a
        lease's time, never past `until`, the token's expiry in epoch seconds), else None."""
        lease = uuid.uuid4().hex
        if self._take is None:
            now = time.time()
            held = {k: v for k, v in self._local.get(key, {}).items() if v > now}
            if len(held) >= most:
                self._local[key] = held
                return None
            held[lease] = self._local_until(until)
            self._local[key] = held
            return lease
        try:
            taken = await self._take(keys=[f"{self.prefix}:{key}"], args=self._args(lease, most, until))
        except Exception as exc:  # Redis trouble: let the connection in (module docstring)
            self._fail_open("taking a socket lease", exc)
            return lease
        return lease if taken else None

    async def renew(self, key: str, lease: str, *, until: float | None) -> bool:
        """Extend a held lease by a lease's time (never past `until`); False if it was gone."""
        if self._renew is None:
            held = self._local.get(key, {})
            if held.get(lease, 0.0) <= time.time():
                held.pop(lease, None)  # lapsed: its place may be someone else's now
                return False
            held[lease] = self._local_until(until)
            return True
        try:
            return bool(await self._renew(keys=[f"{self.prefix}:{key}"], args=self._args(lease, 0, until)))
        except Exception as exc:  # Redis trouble: keep the socket (fail open)
            self._fail_open("renewing a socket lease", exc)
            return True

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
        except Exception as exc:  # it expires within a lease's time anyway
            self._fail_open("giving a socket lease back", exc)

    async def close(self) -> None:
        """Close the Redis connections, if any."""
        if self._redis is not None:
            await self._redis.aclose()
