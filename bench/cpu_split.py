"""Which CPUs the gateway gets and which the load generators get, so a benchmark measures
the gateway and not the generators competing with it for the same core.

When asked, on a machine with at least two CPUs, the gateway is pinned to the last one and
every client process to the rest (the way the peer comparison pins the gateway and wrk
apart); on one CPU nothing is pinned. A hostile load generator always runs at a lower
priority: a real attacker's CPU is on another machine, so the generator's own work must not
be what takes CPU time from the gateway or delays the legitimate client's clock; what the
gateway spends on the attack is still all counted.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

HOSTILE_NICENESS = 10


@dataclass(frozen=True)
class CpuSplit:
    """The gateway's CPUs and the clients' CPUs; empty sets mean no pinning."""

    gateway: frozenset[int]
    clients: frozenset[int]

    @property
    def pinned(self) -> bool:
        return bool(self.gateway)

    def describe(self) -> str:
        if not self.pinned:
            return "not pinned"
        return (
            f"gateway on CPU {','.join(map(str, sorted(self.gateway)))}, clients on CPU "
            f"{','.join(map(str, sorted(self.clients)))}"
        )


def cpu_split(enabled: bool = True) -> CpuSplit:
    """The split of the CPUs this process may use (none when disabled or only one)."""
    available = sorted(os.sched_getaffinity(0))
    if not enabled or len(available) < 2:
        return CpuSplit(frozenset(), frozenset())
    return CpuSplit(frozenset(available[-1:]), frozenset(available[:-1]))


def pin_gateway(split: CpuSplit) -> None:
    """For a gateway child, run between fork and exec: every thread it starts inherits it."""
    if split.pinned:
        os.sched_setaffinity(0, split.gateway)


def pin_client(split: CpuSplit, *, hostile: bool = False) -> None:
    """For this process or a client child: the client CPUs, and a lower priority if hostile."""
    if split.pinned:
        os.sched_setaffinity(0, split.clients)
    if hostile:
        os.nice(HOSTILE_NICENESS)
