"""The soak bench's four faults, injected at spaced times of the main phase, and the
windows during which each may explain a failed request.

- `postgres`: every connection to the bench's database is ended with
  `pg_terminate_backend` (as a failover or an administrator would); explains any
  request's failure for the grace period after it.
- `worker`: the worker is SIGKILLed and started again. No request goes through the
  worker, so it explains no failed request.
- `regency`: one kab/kota system answers 5xx to everything, then hangs (accepts, never
  answers), then recovers; the sandbox's own fault switch (`POST /_sandbox/faults`) does
  it. Explains failures only of requests that reach that system.
- `gateway`: the gateway is SIGKILLed and started again; explains any failure until it
  is ready again plus the grace period.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass

import aiohttp
import asyncpg

from bench.soak_stack import Stack

FAULTS = ("postgres", "worker", "regency", "gateway")
EVERY = "*"  # a window that explains the failure of any request


@dataclass(slots=True)
class Window:
    """A span (seconds since the run began) in which failures of the requests that
    `explains` (EVERY, a kab/kota code, or None: none) are put down to a fault."""

    fault: str
    start: float
    end: float
    explains: str | None

    def covers(self, at: float, end: float, reaches: str | None) -> bool:
        overlaps = at <= self.end and end >= self.start
        if not overlaps or self.explains is None:
            return False
        return self.explains == EVERY or self.explains == reaches


@dataclass(frozen=True, slots=True)
class Plan:
    """When each fault starts, in seconds after the main phase began."""

    postgres: float
    worker: float
    regency_fail: float
    regency_hang: float
    regency_recover: float
    gateway: float

    @classmethod
    def spread(cls, duration: float) -> Plan:
        """Spaced over the phase: a clean first 15% (the baseline), the regency's fault
        in the middle with a fail and a hang of a tenth each, the gateway near the end."""
        return cls(
            postgres=0.15 * duration,
            worker=0.30 * duration,
            regency_fail=0.45 * duration,
            regency_hang=0.55 * duration,
            regency_recover=0.65 * duration,
            gateway=0.80 * duration,
        )


async def terminate_backends(admin_url: str, database: str) -> int:
    """End every session on `database` (but this one); returns how many were ended."""
    conn = await asyncpg.connect(admin_url.replace("postgres://", "postgresql://", 1))
    try:
        rows = await conn.fetch(
            "SELECT pg_terminate_backend(pid) AS ended FROM pg_stat_activity "
            "WHERE datname = $1 AND pid <> pg_backend_pid()",
            database,
        )
    finally:
        await conn.close()
    return sum(1 for r in rows if r["ended"])


async def set_faults(base_url: str, switches: dict[str, object]) -> None:
    """Set a simulator's fault switches (`{"clear": true}` first turns all off)."""
    timeout = aiohttp.ClientTimeout(total=5)
    url = f"{base_url}/_sandbox/faults"
    async with (
        aiohttp.ClientSession(timeout=timeout) as session,
        session.post(url, json=switches) as response,
    ):
        if response.status != 200:
            raise RuntimeError(f"the sandbox refused fault switches {switches}: {await response.text()}")


class Injector:
    """Runs a plan against a stack; records each fault's window."""

    def __init__(
        self,
        stack: Stack,
        plan: Plan,
        *,
        regency: str,
        admin_url: str,
        database: str,
        origin: float,
        grace: float,
        note: Callable[[str], None],
    ) -> None:
        self.stack, self.plan, self.regency = stack, plan, regency
        self.admin_url, self.database = admin_url, database
        self.origin, self.grace, self.note = origin, grace, note
        self.windows: list[Window] = []
        self.hang: tuple[float, float] | None = None  # when the regency hung
        self.fail: tuple[float, float] | None = None
        self.regency_window: Window | None = None

    def now(self) -> float:
        return time.monotonic() - self.origin

    async def _at(self, phase_start: float, offset: float) -> None:
        delay = phase_start + offset - self.now()
        if delay > 0:
            await asyncio.sleep(delay)

    async def run(self, phase_start: float) -> None:
        """Inject the four faults in turn (each at its time after `phase_start`)."""
        p, url = self.plan, self.stack.sandbox.regency_url(self.regency)
        await self._at(phase_start, p.postgres)
        start = self.now()
        ended = await terminate_backends(self.admin_url, self.database)
        self.note(f"  fault: {ended} PostgreSQL sessions terminated at {start:.0f} s")
        self.windows.append(Window("postgres", start, self.now() + self.grace, EVERY))

        await self._at(phase_start, p.worker)
        start = self.now()
        await self.stack.restart_worker()
        self.note(f"  fault: worker SIGKILLed and started again at {start:.0f} s")
        self.windows.append(Window("worker", start, self.now() + self.grace, None))

        await self._at(phase_start, p.regency_fail)
        start = self.now()
        await set_faults(url, {"clear": True, "error_rate": 1.0})
        self.note(f"  fault: {self.regency} answers 5xx from {start:.0f} s")
        await self._at(phase_start, p.regency_hang)
        hang_start = self.now()
        self.fail = (start, hang_start)
        await set_faults(url, {"clear": True, "timeout": True})
        self.note(f"  fault: {self.regency} hangs from {hang_start:.0f} s")
        await self._at(phase_start, p.regency_recover)
        await set_faults(url, {"clear": True})
        recovered = self.now()
        self.hang = (hang_start, recovered)
        self.note(f"  fault: {self.regency} recovered at {recovered:.0f} s")
        self.regency_window = Window("regency", start, recovered + self.grace, self.regency)
        self.windows.append(self.regency_window)

        await self._at(phase_start, p.gateway)
        start = self.now()
        await self.stack.restart_gateway()
        ready = self.now()
        self.note(f"  fault: gateway SIGKILLed at {start:.0f} s, ready again after {ready - start:.1f} s")
        self.windows.append(Window("gateway", start, ready + self.grace, EVERY))

    async def clear(self) -> None:
        """Turn the regency's switches off (after an interruption, too)."""
        await set_faults(self.stack.sandbox.regency_url(self.regency), {"clear": True})
