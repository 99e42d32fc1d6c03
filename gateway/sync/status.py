"""How each source's sync is doing: last success, lag, backlog, errors, dead letters, and the
statuses it is never sent (from its mapping: those are not queued, so no backlog shows them).

Read by `penghubung sync status` and the admins' GraphQL `syncStatus`.
"""

from __future__ import annotations

from datetime import UTC, datetime

from gateway.store.dead_letters import latest_reasons
from gateway.store.outbox import counts_by_destination
from gateway.store.sync_state import source_states
from gateway.sync.topology import Topology
from schema.ports.sync import SyncInfo

# The GraphQL port's value type is the one shape of a source's sync state.
SourceSyncStatus = SyncInfo


class TableSyncReader:
    """The GraphQL SyncReader port, answered from the sync tables."""

    def __init__(self, topology: Topology) -> None:
        self.topology = topology

    async def status(self) -> list[SourceSyncStatus]:
        """Every source, as of now."""
        return await sync_status(self.topology, now=datetime.now(UTC))


async def sync_status(topology: Topology, *, now: datetime) -> list[SourceSyncStatus]:
    """Every source of the topology, the national system first."""
    cursors = await source_states()
    backlog, dead = await counts_by_destination("pending"), await counts_by_destination("dead")
    reasons = await latest_reasons() if dead else {}
    names = [topology.national, *sorted(topology.regencies.values())]
    out = []
    for name in names:
        c = cursors.get(name)
        out.append(
            SourceSyncStatus(
                source=name,
                last_success_at=c.last_success_at if c else None,
                last_attempt_at=c.last_attempt_at if c else None,
                lag_seconds=(now - c.last_success_at).total_seconds() if c and c.last_success_at else None,
                backlog=backlog.get(name, 0),
                dead_letters=dead.get(name, 0),
                last_dead_letter=reasons.get(name),
                consecutive_failures=c.consecutive_failures if c else 0,
                last_error=c.last_error if c else None,
                last_error_at=c.last_error_at if c else None,
                records_seen=c.records_seen if c else 0,
                records_rejected=c.records_rejected if c else 0,
                last_rejection=c.last_rejection if c else None,
                last_note=c.last_note if c else None,
                last_note_at=c.last_note_at if c else None,
                statuses_not_sent=tuple(topology.statuses_not_sent(name)),
            )
        )
    return out
