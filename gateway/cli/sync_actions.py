"""`penghubung sync ...`: status, dead letters, replay, reconcile and backfill, for operators."""

from __future__ import annotations

import sys
import time
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from datetime import UTC, datetime

from gateway.services import StoreUse, build_domain, build_services
from gateway.settings import GatewaySettings, SettingsError
from gateway.store.database import store
from gateway.store.dead_letters import DeadLetter, NotConfirmable, dead_letters
from gateway.sync import outbox
from gateway.sync.confirm import confirm
from gateway.sync.engine import PullResult, SyncEngine
from gateway.sync.reconcile import reconcile
from gateway.sync.status import SourceSyncStatus, sync_status
from gateway.sync.topology import Topology, load_topology
from gateway.updates.broker import LocalBroker


def _topology(settings: GatewaySettings) -> Topology:
    topology = load_topology(settings.sources_file)
    if topology is None:
        raise SettingsError(
            "no sources file: set PENGHUBUNG_SOURCES=path/to/sources.toml (for the demo's database, "
            "PENGHUBUNG_MODE=demo uses the bundled Sumatera Selatan one)"
        )
    return topology


@asynccontextmanager
async def _engine(settings: GatewaySettings) -> AsyncIterator[SyncEngine]:
    """The sync engine over the configured sources; the caller holds the store open, and
    what the engine changes is not announced (no broker runs in a command)."""
    domain = build_domain(settings, _topology(settings), broker=LocalBroker())
    async with build_services(settings, domain=domain, store=StoreUse.CALLER, announce=False) as services:
        engine = services.sync_engine()
        assert engine is not None
        yield engine


def _when(value: datetime | None) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S") if value else "never"


async def show_status(settings: GatewaySettings) -> int:
    """Print each source's sync state."""
    topology = _topology(settings)
    async with store(settings.database_url):
        rows = await sync_status(topology, now=datetime.now(UTC))
    print(f"{'source':36} {'last success (UTC)':19}  {'lag':>8} {'backlog':>7} {'dead':>5} {'fails':>5}  last error")
    for s in rows:
        lag = f"{s.lag_seconds:.0f}s" if s.lag_seconds is not None else "-"
        error = (s.last_error or "")[:60]
        print(
            f"{s.source:36} {_when(s.last_success_at):19}  {lag:>8} {s.backlog:7} {s.dead_letters:5} {s.consecutive_failures:5}  {error}"
        )
    print_notes(rows)
    print(not_sent_lines(rows))
    return 0


def print_notes(rows: Sequence[SourceSyncStatus]) -> None:
    """Below the table: each source's latest rejected record and latest note, apart."""
    for s in rows:
        if s.last_rejection:
            print(f"{s.source}: last record not stored: {s.last_rejection}")
        if s.last_note:
            print(f"{s.source}: last note ({_when(s.last_note_at)} UTC): {s.last_note}")


def not_sent_lines(rows: Sequence[SourceSyncStatus]) -> str:
    """Per source, the statuses it is never sent (its mapping has no word for them: such
    changes are not queued, so neither the backlog nor the dead letters show them)."""
    lines = ["", "statuses never sent (no word for them in the source's mapping; they stay in the gateway):"]
    for s in rows:
        lines.append(f"  {s.source:36} {', '.join(s.statuses_not_sent) or '-'}")
    return "\n".join(lines)


async def dead_letter_lines(destination: str | None) -> list[str]:
    """The dead letters as `penghubung sync dead-letters` prints them, with their reasons."""
    dead = await dead_letters(destination, limit=500)
    if not dead:
        return ["no dead letters"]
    lines = [f"{'id':>8}  {'destination':34} {'kind':9} {'complaint':14} {'tries':>5}  reason"]
    for d in dead:
        lines.append(f"{d.id:8}  {d.destination:34} {d.kind:9} {d.tracking_id:14} {d.attempts:5}  {d.last_error or ''}")
        if d.create_in_doubt:
            lines += in_doubt_guidance(d)
    lines.append(f"{len(dead)} dead letters; `penghubung sync replay ID ...` (or --all) sends them again")
    return lines


def in_doubt_guidance(d: DeadLetter) -> list[str]:
    """What to check at the destination for a create that was sent and not answered, and
    the two ways to settle it. No content is printed (it may hold personal data): the
    complaint is named by its tracking ID, where staff read its title."""
    pad = " " * 10
    window = f"between {_when(d.queued_at)} and {_when(d.buried_at)} UTC"
    return [
        f"{pad}in doubt: a create was sent to {d.destination} and not answered; it may be there, "
        "and the gateway cannot look it up there",
        f"{pad}check: in {d.destination}, a complaint received {window} whose text begins with the "
        f"title of {d.tracking_id}",
        f"{pad}if it is there: penghubung sync confirm {d.id} <its id there>   (links it; nothing is sent)",
        f"{pad}if it is not:   penghubung sync replay {d.id} --not-there      (sends it once more)",
    ]


async def show_dead_letters(settings: GatewaySettings, destination: str | None) -> int:
    """Print the dead letters, with their reasons."""
    async with store(settings.database_url):
        lines = await dead_letter_lines(destination)
    print("\n".join(lines))
    return 0


async def replay_dead_letters(
    settings: GatewaySettings, ids: Sequence[int], every: bool, not_there: bool = False
) -> int:
    """Make dead letters pending again (`not_there`: a person checked that the destination
    does not hold them, so those in doubt are sent without being looked up)."""
    if not ids and not every:
        print("penghubung: give dead letter ids, or --all", file=sys.stderr)
        return 2
    async with store(settings.database_url):
        doubtful = [d.id for d in await dead_letters(None) if d.create_in_doubt and (every or d.id in ids)]
        count = await outbox.replay(None if every else list(ids), now=datetime.now(UTC), not_there=not_there)
    print(f"{count} dead letters queued again; the worker delivers them")
    if doubtful and not not_there:
        print(
            f"note: {', '.join(map(str, doubtful))} in doubt: where the destination cannot be searched they come "
            "back as dead letters; check there, then `confirm` or `replay --not-there`",
            file=sys.stderr,
        )
    return 0


async def confirm_dead_letter(settings: GatewaySettings, entry_id: int, source_id: str) -> int:
    """Settle an in-doubt create as delivered: its destination holds it as `source_id`."""
    topology = _topology(settings)
    async with store(settings.database_url):
        try:
            said = await confirm(topology, entry_id, source_id, now=datetime.now(UTC))
        except NotConfirmable as exc:
            print(f"penghubung: {exc}", file=sys.stderr)
            return 2
    print(said)
    return 0


async def run_reconcile(settings: GatewaySettings, source: str, repair: bool) -> int:
    """Compare one source with the index (and repair)."""
    async with store(settings.database_url), _engine(settings) as engine:
        if source not in engine.connectors:
            print(f"penghubung: no source {source!r}; the sources are: {', '.join(engine.connectors)}", file=sys.stderr)
            return 2
        report = await reconcile(engine, source, now=datetime.now(UTC), repair=repair)
    print(report.render())
    return 0 if repair or not report.differences else 1


def _bar(result: PullResult, started: float, total: int | None) -> None:
    rate = result.records / max(time.monotonic() - started, 1e-6)
    shown = f"{result.records}/{total}" if total else str(result.records)
    filled = int(30 * result.records / total) if total else 0
    bar = f"[{'#' * filled}{'.' * (30 - filled)}] " if total else ""
    sys.stderr.write(f"\r{bar}{shown} records, {rate:,.0f}/s   ")
    sys.stderr.flush()


async def run_backfill(
    settings: GatewaySettings, source: str, from_start: bool, deliver: bool, total: int | None
) -> int:
    """Pull a source's whole history into the index, resumably, with a progress bar."""
    async with store(settings.database_url), _engine(settings) as engine:
        if source not in engine.connectors:
            print(f"penghubung: no source {source!r}; the sources are: {', '.join(engine.connectors)}", file=sys.stderr)
            return 2
        started = time.monotonic()
        result = await engine.pull(source, full=from_start, progress=lambda r: _bar(r, started, total))
        sys.stderr.write("\n")
        if result.error:
            print(f"stopped: {result.error}; run again to resume from the saved cursor", file=sys.stderr)
            return 1
        if not result.pulled:
            print(f"{source} is being pulled by another worker (or has no list); try again later", file=sys.stderr)
            return 1
        took = time.monotonic() - started
        print(
            f"{source}: {result.records} records in {took:.1f} s ({result.records / max(took, 1e-6):,.0f}/s); {result.outcomes}"
        )
        if deliver:
            handled = await engine.drain()
            print(f"delivered {handled} outbox entries")
    return 0
