"""The sync engine: pull every source from its cursor, deliver the outbox, repeat.

`run` keeps two things going side by side, each bounded per source so that one hanging
or failing system costs only its own work: every source is pulled on its own schedule
(a slow pull delays only the next pull of that source), and outbox deliveries run
continuously with at most a few in flight to each destination (gateway.sync.dispatch),
so the worker keeps delivering to the healthy ones meanwhile.

Several workers may run it against one PostgreSQL database: a source is pulled by one
worker at a time (a lease on its cursor row, which expires if the worker dies) and outbox
entries are leased with SKIP LOCKED. Cursors are saved after each page, so a killed pull
resumes where it was, and re-reading a page applies nothing twice.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from connectors.errors import ConnectorError
from connectors.protocol import Capability, Connector
from gateway.settings import SyncSettings
from gateway.store import sync_state
from gateway.store.sync_notes import save_note
from gateway.sync import outbox
from gateway.sync.deliver import Deliverer
from gateway.sync.deliver import Outcome as DeliveryOutcome
from gateway.sync.dispatch import Dispatcher
from gateway.sync.follow_up_echo import echo_of
from gateway.sync.ingest import Ingestor, Outcome
from gateway.sync.topology import Topology
from schema.deadlines import DeadlinePolicy

log = logging.getLogger(__name__)


def _utcnow() -> datetime:
    return datetime.now(UTC)


def worker_name() -> str:
    """host:pid, to tell workers apart in leases."""
    return f"{socket.gethostname()}:{os.getpid()}"


class _Failing:
    """A round that keeps failing the same way (the database is down) is logged in full
    once, then a line a minute, and once more when it works again: not twice a second."""

    EVERY = 60.0

    def __init__(self) -> None:
        self._since: dict[str, tuple[float, float, int]] = {}  # round: (first, last logged, count)
        self._last: dict[str, str] = {}  # round: the failure last logged in full

    def report(self, name: str, exc: Exception, now: float) -> None:
        first, logged, count = self._since.get(name, (now, 0.0, 0))
        what = f"{type(exc).__name__}: {exc}"
        if count == 0 or what != self._last.get(name):  # a new failure is shown in full
            log.error("%s failed", name, exc_info=exc)
            self._last[name], logged = what, now
        elif now - logged >= self.EVERY:
            log.error("%s still failing (%s), %d times in %.0f s", name, type(exc).__name__, count + 1, now - first)
            logged = now
        self._since[name] = (first, logged, count + 1)

    def over(self, name: str) -> None:
        if name in self._since:
            self._last.pop(name, None)
            _first, _logged, count = self._since.pop(name)
            log.warning("%s works again after %d failures", name, count)


@dataclass
class PullResult:
    """What one pull of one source did."""

    source: str
    pulled: bool = True  # False: another worker holds the source
    records: int = 0
    rejected: int = 0
    notes: int = 0  # things records said that were left out (an unknown category code)
    outcomes: dict[str, int] = field(default_factory=dict)
    error: str | None = None


@dataclass
class SyncEngine:
    """Pulls and delivers for a set of connectors."""

    connectors: Mapping[str, Connector]
    topology: Topology
    policy: DeadlinePolicy = field(default_factory=DeadlinePolicy)
    settings: SyncSettings = field(default_factory=SyncSettings)
    owner: str = field(default_factory=worker_name)
    clock: Callable[[], datetime] = _utcnow
    delivery_concurrency: int = 16  # the national system's 8 and a few per kab/kota
    pull_concurrency: int = 4  # sources pulled at once (`run`)
    # Told the ids of the complaints a pull created or changed, after they committed
    # (the live updates' broker).
    notify: Callable[[Sequence[str]], Awaitable[None]] | None = None
    # Told of each delivery handled: (destination, kind, outcome), e.g. for metrics.
    on_delivery: Callable[[str, str, str], None] | None = None

    def __post_init__(self) -> None:
        # A killed worker's hold on a source or a delivery runs out after this long.
        self._lease = timedelta(seconds=self.settings.lease_seconds)
        echoes = {name: echo_of(name, c, late=timedelta(0)) for name, c in self.connectors.items()}
        self.ingestor = Ingestor(self.topology, self.policy, echoes=echoes)
        deadline, settle = max(1.0, self.settings.lease_seconds - 2), self.settings.upstream_timeout * 3
        self.deliverer = Deliverer(
            self.connectors,
            self.topology,
            self.clock,
            max_attempts=self.settings.max_attempts,
            backoff_max=self.settings.backoff_max,
            owner=self.owner,
            # A delivery ends (or is cut off) before its lease runs out; its claim outlives
            # both, and a write sent just before its worker died has settled by then.
            deadline=deadline,
            settle_wait=settle,
            hold=timedelta(seconds=max(self.settings.lease_seconds + 10, deadline + settle + 5)),
        )

    # -- pulling -----------------------------------------------------------------------

    async def _lease_source(self, source: str) -> sync_state.SourceState | None:
        now = self.clock()
        return await sync_state.lease_source(source, self.owner, now=now, until=now + self._lease)

    async def pull(
        self,
        source: str,
        *,
        since: str | None = None,
        full: bool = False,
        progress: Callable[[PullResult], None] | None = None,
    ) -> PullResult:
        """Apply every change of one source since its cursor (`full`: from the start)."""
        result = PullResult(source)
        connector = self.connectors[source]
        if Capability.LIST_CHANGES not in connector.capabilities:
            result.pulled = False
            return result
        cursor_row = await self._lease_source(source)
        if cursor_row is None:
            result.pulled = False
            return result
        cursor = None if full else (since or cursor_row.cursor)
        newest_seen = cursor_row.newest_seen_at
        try:
            async for batch in connector.changes(cursor):
                newest = max((r.updated_at for r in batch.records), default=None)
                # Counts are added to the row as it is then, not set from the lease-time
                # copy: a push (webhook) counts into the same row meanwhile.
                leased_until = self.clock() + self._lease
                rejection: str | None = None
                note_at: datetime | None = None
                if batch.rejected:
                    # Kept visible (sync status): a record the mapping cannot read is not
                    # stored; `penghubung connector check` shows every one of them.
                    first = batch.rejected[0]
                    rejection = f"record {getattr(first, 'record_ref', '?')}: {getattr(first, 'field', '?')}: {getattr(first, 'reason', first)}"[
                        :300
                    ]
                    log.warning(
                        "pull %s: %d records its mapping cannot read, e.g. %s", source, len(batch.rejected), rejection
                    )
                for note in batch.notes:
                    # Not a failure, but a person must look (the check fails on it).
                    log.warning("pull %s: %s", source, note)
                if batch.notes:
                    note_at = self.clock()
                newer: datetime | None = None
                if newest is not None and (newest_seen is None or newest > newest_seen):
                    newer = newest_seen = newest
                page = sync_state.PageRead(
                    seen=len(batch.records),
                    rejected=len(batch.rejected),
                    leased_until=leased_until,
                    last_rejection=rejection,
                    last_note=str(batch.notes[-1])[:300] if batch.notes else None,
                    last_note_at=note_at,
                    cursor=batch.cursor,
                    newest_seen_at=newer,
                )

                async def save_cursor(page: sync_state.PageRead = page) -> None:
                    await sync_state.save_page(source, page)

                # The page and the cursor after it commit together.
                changed: list[str] = []
                notes: list[str] = []
                for outcome in await self.ingestor.apply_page(
                    source, batch.records, now=self.clock(), then=save_cursor, changed=changed, notes=notes
                ):
                    result.outcomes[outcome.value] = result.outcomes.get(outcome.value, 0) + 1
                if notes:
                    # Stored, but without what the mapping or the registry could not carry
                    # (a category code with no entry): a note, not a rejection, so a record
                    # of the same page that was not stored stays shown as last_rejection.
                    result.notes += len(notes)
                    await save_note(source, notes[0], self.clock())
                    log.warning(
                        "pull %s: %d notes (records stored without a part, or skipped), e.g. %s",
                        source,
                        len(notes),
                        notes[0][:300],
                    )
                if changed and self.notify is not None:
                    await self.notify(changed)
                result.records += len(batch.records)
                result.rejected += len(batch.rejected)
                if progress is not None:
                    progress(result)
        except Exception as exc:
            if isinstance(exc, ConnectorError):
                result.error = f"{exc.code}: {exc.described}"
                # Said once per kind of failure (a source down for an hour is otherwise a
                # warning every pull); sync status and the metrics keep counting.
                repeated = cursor_row.consecutive_failures > 0 and (cursor_row.last_error or "") == result.error[:300]
                log.log(logging.DEBUG if repeated else logging.WARNING, "pull %s failed: %s", source, result.error)
            else:
                # Our own fault (a bug, the database): the cursor stays where the last
                # whole page left it, so nothing is skipped; the error is shown in status.
                result.error = f"INTERNAL: {type(exc).__name__}"
                log.exception("pull %s failed", source)
            await sync_state.pull_failed(
                source, error=result.error[:300], at=self.clock(), failures=cursor_row.consecutive_failures + 1
            )
            return result
        await sync_state.pull_succeeded(source, at=self.clock())
        if cursor_row.consecutive_failures:
            log.warning("pull %s works again after %d failed pulls", source, cursor_row.consecutive_failures)
        if result.outcomes.get(Outcome.CREATED.value) or result.rejected:
            log.info("pulled %s: %s, %d not mapped", source, result.outcomes, result.rejected)
        return result

    async def pull_all(self, *, concurrency: int = 4) -> list[PullResult]:
        """Pull every source that lists changes, a few at a time."""
        slots = asyncio.Semaphore(concurrency)

        async def one(name: str) -> PullResult:
            async with slots:
                return await self.pull(name)

        names = [n for n, c in self.connectors.items() if Capability.LIST_CHANGES in c.capabilities]
        return list(await asyncio.gather(*(one(n) for n in names)))

    # -- delivering --------------------------------------------------------------------

    async def deliver_due(self, *, limit: int = 50) -> dict[str, int]:
        """Lease due outbox entries and deliver them, waiting for all; returns counts by
        outcome (one round, for `drain` and `--once`: `run` delivers continuously)."""
        leased = await outbox.lease(self.owner, now=self.clock(), limit=limit, lease_for=self._lease)
        counts: dict[str, int] = {}
        slots = asyncio.Semaphore(self.delivery_concurrency)

        async def one(d: outbox.Delivery) -> None:
            async with slots:
                outcome = await self._deliver_one(d)
                counts[outcome] = counts.get(outcome, 0) + 1

        await asyncio.gather(*(one(d) for d in leased))
        return counts

    async def drain(self, *, rounds: int = 1000) -> int:
        """Deliver until nothing is due now; returns how many entries were handled."""
        handled = 0
        for _ in range(rounds):
            counts = await self.deliver_due()
            if not counts:
                break
            handled += sum(counts.values())
        return handled

    async def _deliver_one(self, d: outbox.Delivery) -> DeliveryOutcome:
        try:
            outcome = await self.deliverer.deliver(d)
        except Exception:
            # A bug or a database fault: the lease runs out and the entry comes back in
            # doubt; nothing is lost.
            log.exception("delivery %d to %s failed unexpectedly", d.id, d.destination)
            outcome = DeliveryOutcome.ERROR
        if self.on_delivery is not None:
            self.on_delivery(d.destination, d.kind, outcome)
        return outcome

    async def _pulling(self, stop: asyncio.Event, failing: _Failing) -> None:
        """Each source pulled every `settings.pull_every` seconds on its own schedule, a
        few at a time: a source that hangs holds back only its own next pull."""
        loop = asyncio.get_running_loop()
        slots = asyncio.Semaphore(self.pull_concurrency)

        async def source(name: str) -> None:
            while not stop.is_set():
                async with slots:
                    if stop.is_set():
                        return
                    try:
                        await self.pull(name)
                        failing.over(f"pull of {name}")
                    except Exception as exc:
                        failing.report(f"pull of {name}", exc, loop.time())
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), timeout=self.settings.pull_every)

        names = [n for n, c in self.connectors.items() if Capability.LIST_CHANGES in c.capabilities]
        await asyncio.gather(*(source(n) for n in names))

    async def _delivering(self, stop: asyncio.Event, failing: _Failing, *, idle_sleep: float) -> None:
        """Deliveries in flight continuously, a few per destination (gateway.sync.dispatch)."""
        loop = asyncio.get_running_loop()
        dispatcher = Dispatcher(
            self._deliver_one,
            owner=self.owner,
            clock=self.clock,
            lease_for=self._lease,
            concurrency=self.delivery_concurrency,
            per_destination=self.settings.deliveries_per_destination,
            wider={self.topology.national: self.settings.deliveries_to_national},
        )
        try:
            while not stop.is_set():
                try:
                    started = await dispatcher.fill()
                    failing.over("delivery round")
                except Exception as exc:
                    failing.report("delivery round", exc, loop.time())
                    started = 0
                if not started:
                    await dispatcher.wait(stop, idle=idle_sleep)
        finally:
            await dispatcher.finish()

    async def run(self, *, stop: asyncio.Event, idle_sleep: float = 0.5) -> None:
        """Pull every source every `settings.pull_every` seconds and deliver continuously,
        side by side, until `stop` is set (deliveries in flight then end first)."""
        failing = _Failing()
        await asyncio.gather(self._pulling(stop, failing), self._delivering(stop, failing, idle_sleep=idle_sleep))
