"""The coordinators' view: how far each province, kab/kota and agency is connected, how its
sync is doing, and how it keeps its deadlines. Values only; the store and the sources fill
them (gateway.store.coordination, the sources configuration, the sync tables)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


class Level(Enum):
    """Where in the drill-down a view is."""

    NATIONAL = "NATIONAL"  # rows: provinces
    PROVINCE = "PROVINCE"  # rows: kab/kota
    REGENCY = "REGENCY"  # rows: agencies handling its complaints


@dataclass(frozen=True, slots=True)
class GroupCounts:
    """Complaints of one group created in a period, in the caller's scope."""

    complaints: int = 0
    open: int = 0
    overdue: int = 0  # open, past a deadline not met
    on_time: int = 0  # deadlines (verification, follow-up, resolution) met in time
    late: int = 0  # met late, or missed and still unmet

    @property
    def on_time_rate(self) -> float | None:
        """Share of deadlines met in time (None: none has come due)."""
        due = self.on_time + self.late
        return round(self.on_time / due, 4) if due else None


NO_COUNTS = GroupCounts()
