"""Recognising the copy of a follow-up the gateway wrote to a system, read back from it.

A mutation writes a follow-up to the complaint's system of record first and records it in
the index after; a pull of that system in between reads the follow-up back before the
index has it. That copy is the same follow-up when it has the same text (`follow_up_key`),
came from the system the gateway wrote it to, and carries the write's time as far as that
system keeps times: a date-only export shows the write's day in its own zone, another
system the minute or second, or its own clock's time on arrival (at most `late` after the
write). A copy with the same words from another day, or from before the write, is a
different follow-up that merely says the same thing, and stays one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo
from enum import StrEnum

from connectors.protocol import Connector
from connectors.time_formats import ZONES

# Clocks of the gateway and of a system differ a little: a copy stamped by the system may
# read a moment before the gateway's own time of the write.
SKEW = timedelta(seconds=5)


class Precision(StrEnum):
    """How much of a follow-up's time a system keeps."""

    DAY = "day"  # a date-only column
    MINUTE = "minute"
    SECOND = "second"
    EXACT = "exact"  # milliseconds or better


# A mapping's cast of its follow-ups' time -> what the value can hold at most.
_BY_CAST = {"date": Precision.DAY, "epoch_s": Precision.SECOND, "epoch_ms": Precision.EXACT}


@dataclass(frozen=True, slots=True)
class Echo:
    """Where a follow-up was written, and how that system's copy of it is recognised."""

    system: str
    precision: Precision | None = None  # None: judged from each value (a datetime column)
    zone: tzinfo = ZONES["WIB"]  # the system's zone, where its days begin
    late: timedelta = timedelta(minutes=5)  # the latest a copy can be stamped after the write

    def kept(self, read: datetime) -> Precision:
        """The precision of one time read from the system: the mapping's when it says (a
        date cast), else what the value shows (no seconds: minutes; none at all: a day)."""
        if self.precision is not None:
            return self.precision
        local = read.astimezone(self.zone)
        if local.microsecond:
            return Precision.EXACT
        if local.second:
            return Precision.SECOND
        if local.minute or local.hour:
            return Precision.MINUTE
        return Precision.DAY

    def floor(self, at: datetime, precision: Precision) -> datetime:
        """The write's time as a system keeping `precision` shows it (in its zone)."""
        local = at.astimezone(self.zone)
        if precision is Precision.DAY:
            return local.replace(hour=0, minute=0, second=0, microsecond=0)
        if precision is Precision.MINUTE:
            return local.replace(second=0, microsecond=0)
        if precision is Precision.SECOND:
            return local.replace(microsecond=0)
        return local

    def same(self, written: datetime, read: datetime) -> bool:
        """Whether a copy read at `read` can be the follow-up written at `written`: not
        before the write as the system shows it, nor later than it can have arrived."""
        earliest = self.floor(written, self.kept(read)) - SKEW
        return earliest <= read <= written + self.late + SKEW


def echo_of(system: str, connector: Connector | None, *, late: timedelta) -> Echo:
    """How `system`'s copies of a follow-up are recognised, from its mapping's [follow_ups]
    time (its cast and zone); a connector without a mapping is judged by each value."""
    spec = connector.spec if connector is not None else None
    at = spec.follow_ups.at if spec is not None and spec.follow_ups is not None else None
    zone_name = (at.zone if at is not None else None) or (spec.time_zone if spec is not None else None) or "WIB"
    zone = ZONES.get(str(zone_name), ZONES["WIB"])
    return Echo(system, _BY_CAST.get(str(at.cast if at is not None else "")), zone, late)


def copy_of(echo: Echo, held_at: datetime, read_at: datetime, *, from_there: bool) -> bool:
    """Whether a follow-up read from `echo.system` at `read_at` can be one the index holds
    at `held_at` (same words; the caller compares those). One the index read from that
    system itself has the same time, as far as the system keeps it. One the gateway (or
    another system, through it) sent there is not shown before it was written, in the
    system's precision; it may show later, however late it was delivered (a system stamps
    its own time on arrival)."""
    earliest = echo.floor(held_at, echo.kept(read_at)) - SKEW
    if from_there:
        return earliest <= read_at <= held_at + SKEW
    return earliest <= read_at
