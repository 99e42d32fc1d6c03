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
from datetime import UTC, datetime
from typing import Any

log = logging.getLogger(__name__)

CHANNEL = "penghubung:complaint-updates"
QUEUE_SIZE = 1000


@dataclass(frozen=True, slots=True)
class ComplaintChanged:
    """Something happened to a complaint (never what it says): its id, where it is (so a
    subscriber watching another region skips it unread), what happened, when."""

    complaint_id: str
    kind: str  # created, status, follow_up, rated, changed, gap (events were lost)
    at: datetime
    kode_wilayah: str | None = None

    def to_json(self) -> str:
        return json.dumps({**asdict(self), "at": self.at.isoformat()}, separators=(",", ":"))

    @classmethod
    def from_json(cls, text: str | bytes) -> ComplaintChanged:
        raw: dict[str, Any] = json.loads(text)
        kode = raw.get("kode_wilayah")
        return cls(
            str(raw["complaint_id"]), str(raw["kind"]), datetime.fromisoformat(raw["at"]), str(kode) if kode else None
        )


class LocalBroker:
    """Fans events out to this process's subscribers."""

    def __init__(self) -> None:
        self._queues: set[asyncio.Queue[ComplaintChanged]] = set()

    @property
    def subscribers(self) -> int:
        """How many subscriptions are open in this process."""
        return len(self._queues)

    def deliver(self, event: ComplaintChanged) -> None:
        """Hand an event to every local subscriber. One too far behind loses what it had
        not read, and is told so once (a gap), rather than slowing anyone down."""
        for queue in list(self._queues):
            if queue.full():
                while not queue.empty():
                    queue.get_nowait()
                queue.put_nowait(ComplaintChanged(event.complaint_id, "gap", event.at))
                continue
            queue.put_nowait(event)

    def lost(self, at: datetime) -> None:
        """Tell every subscriber that events may have been lost (the relay was down)."""
        for queue in list(self._queues):
            while not queue.empty():
                queue.get_nowait()
            queue.put_nowait(ComplaintChanged("", "gap", at))

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
    """Events through a Redis channel, shared by every process that uses the same Redis.

    Publishing never blocks the change that published: events go into a bounded queue that
    a background task sends (with a short socket timeout, one retry). When the listener
    loses Redis and comes back, every local subscriber is told of a possible gap."""

    def __init__(self, url: str) -> None:
        super().__init__()
        import redis.asyncio as redis  # only needed when Redis is configured

        self._redis = redis.from_url(
            url, socket_timeout=2.0, socket_connect_timeout=2.0, health_check_interval=15, socket_keepalive=True
        )
        self._outgoing: asyncio.Queue[ComplaintChanged] = asyncio.Queue(QUEUE_SIZE * 10)
        self._tasks: list[asyncio.Task[None]] = []
        self._ready = asyncio.Event()

    async def publish(self, event: ComplaintChanged) -> None:
        """Queue a change for every process (this one hears it back through Redis)."""
        try:
            self._outgoing.put_nowait(event)
        except asyncio.QueueFull:
            log.warning("complaint updates are backing up (Redis too slow); one is dropped, subscribers are told")
            self.lost(event.at)

    async def _send(self) -> None:
        while True:
            event = await self._outgoing.get()
            for attempt in (1, 2):
                try:
                    await self._redis.publish(CHANNEL, event.to_json())
                    break
                except asyncio.CancelledError:
                    raise
                except Exception as exc:
                    if attempt == 2:
                        log.warning(
                            "could not publish a complaint update to Redis (%s); subscribers elsewhere miss it",
                            type(exc).__name__,
                        )
                        self.deliver(event)  # at least this process's subscribers hear of it

    async def _listen(self) -> None:
        first = True
        while True:
            try:
                async with self._redis.pubsub() as pubsub:
                    await pubsub.subscribe(CHANNEL)
                    if not first:
                        self.lost(datetime.now(UTC))  # whatever was said meanwhile was missed
                    first = False
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
        """Start the listener and the sender; returns once subscribed (or after 5 s, still trying)."""
        self._tasks = [
            asyncio.create_task(self._listen(), name="redis-updates-listen"),
            asyncio.create_task(self._send(), name="redis-updates-send"),
        ]
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._ready.wait(), timeout=5.0)

    async def stop(self) -> None:
        """Stop listening and sending, and close the connection."""
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        await self._redis.aclose()


def make_broker(redis_url: str | None) -> LocalBroker:
    """Redis when a URL is configured (several processes), else in memory."""
    return RedisBroker(redis_url) if redis_url else LocalBroker()
