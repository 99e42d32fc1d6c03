"""The event broker: one per process, in memory, or relayed through Redis pub/sub.

Events carry only a complaint's id, what happened and when: never its content, so nothing
personal passes through Redis. Each subscriber checks, per event, whether its caller may
see the complaint (schema.graphql.subscription), so an event reaching a process is not a
promise that anyone there sees it.

- `LocalBroker`: subscribers in this process only (one gateway process, the embedded
  default). Each subscriber has a bounded queue; a subscriber too slow to keep up loses
  its oldest events (it is told with a gap event), never slows the others.
- `RedisBroker`: publishes to a Redis channel; one listener per process relays what
  arrives (its own events included) to the local subscribers, so a change made through any
  gateway or worker process reaches subscribers on every one.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

log = logging.getLogger(__name__)

CHANNEL = "penghubung:complaint-updates"
QUEUE_SIZE = 1000


@dataclass(frozen=True, slots=True)
class ComplaintChanged:
    """Something happened to a complaint (never what it says)."""

    complaint_id: str
    kind: str  # created, status, follow_up, changed, gap (events were lost to a slow subscriber)
    at: datetime

    def to_json(self) -> str:
        return json.dumps({**asdict(self), "at": self.at.isoformat()}, separators=(",", ":"))

    @classmethod
    def from_json(cls, text: str | bytes) -> ComplaintChanged:
        raw: dict[str, Any] = json.loads(text)
        return cls(str(raw["complaint_id"]), str(raw["kind"]), datetime.fromisoformat(raw["at"]))


class LocalBroker:
    """Fans events out to this process's subscribers."""

    def __init__(self) -> None:
        self._queues: set[asyncio.Queue[ComplaintChanged]] = set()

    @property
    def subscribers(self) -> int:
        """How many subscriptions are open in this process."""
        return len(self._queues)

    def deliver(self, event: ComplaintChanged) -> None:
        """Hand an event to every local subscriber."""
        for queue in list(self._queues):
            if queue.full():
                with contextlib.suppress(asyncio.QueueEmpty):
                    queue.get_nowait()
                gap = ComplaintChanged(event.complaint_id, "gap", event.at)
                queue.put_nowait(gap)
                continue
            queue.put_nowait(event)

    async def publish(self, event: ComplaintChanged) -> None:
        """Announce a change (after it committed)."""
        self.deliver(event)

    @asynccontextmanager
    async def subscribe(self) -> AsyncIterator[asyncio.Queue[ComplaintChanged]]:
        """A queue of events for one subscriber, for as long as the block lasts."""
        queue: asyncio.Queue[ComplaintChanged] = asyncio.Queue(QUEUE_SIZE)
        self._queues.add(queue)
        try:
            yield queue
        finally:
            self._queues.discard(queue)

    async def start(self) -> None:
        """Nothing to start in memory."""

    async def stop(self) -> None:
        """Nothing to stop in memory."""


class RedisBroker(LocalBroker):
    """Events through a Redis channel, shared by every process that uses the same Redis."""

    def __init__(self, url: str) -> None:
        super().__init__()
        import redis.asyncio as redis  # only needed when Redis is configured

        self._redis = redis.from_url(url)
        self._listener: asyncio.Task[None] | None = None
        self._ready = asyncio.Event()

    async def publish(self, event: ComplaintChanged) -> None:
        """Announce a change to every process (this one hears it back through Redis)."""
        try:
            await self._redis.publish(CHANNEL, event.to_json())
        except Exception as exc:  # a change is committed whatever Redis does
            log.warning("could not publish a complaint update to Redis (%s); subscribers elsewhere miss it", type(exc).__name__)
            self.deliver(event)

    async def _listen(self) -> None:
        while True:
            try:
                async with self._redis.pubsub() as pubsub:
                    await pubsub.subscribe(CHANNEL)
                    self._ready.set()
                    async for message in pubsub.listen():
                        if message.get("type") == "message":
                            try:
                                self.deliver(ComplaintChanged.from_json(message["data"]))
                            except (ValueError, KeyError, TypeError):
                                log.warning("ignored a malformed message on %s", CHANNEL)
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                log.warning("Redis subscription lost (%s); reconnecting in 1 s", type(exc).__name__)
                await asyncio.sleep(1.0)

    async def start(self) -> None:
        """Start listening; returns once subscribed (or after 5 s, still trying)."""
        self._listener = asyncio.create_task(self._listen(), name="redis-updates")
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._ready.wait(), timeout=5.0)

    async def stop(self) -> None:
        """Stop listening and close the connection."""
        if self._listener is not None:
            self._listener.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._listener
        await self._redis.aclose()


def make_broker(redis_url: str | None) -> LocalBroker:
    """Redis when a URL is configured (several processes), else in memory."""
    return RedisBroker(redis_url) if redis_url else LocalBroker()
