"""The admission gate: so many slots for requests executing at once, a bounded line of
requests waiting for one, and the measured pace at which slots come free.

`enter()` admits a request when a slot is free; else it joins the line, unless the line is
full or the pace says it would not get a slot within the longest wait (then it is refused at
once, which costs next to nothing); a request in the line that has waited the longest wait
gives up. A slot given back goes straight to the first in line. The pace is a moving average
of how long requests hold a slot: with every slot busy, one comes free every
`hold / concurrency` seconds.

The line is for bursts. Once it has not emptied for as long as a request holds a slot (at
least `STANDING_AFTER`: a standing line, as CoDel calls it, where arrivals outpace the
slots, not a passing burst), a newcomer may wait only half that hold (at least
`STANDING_WAIT`), so under a sustained overload the excess is refused on arrival rather
than after waiting out the longest wait; as soon as the line empties, the longest wait
applies again. Both scale with the measured hold because a burst takes about one hold to
go through: fixed figures (100 ms, 50 ms) refused requests near, not past,
capacity when requests hold a slot for a few hundred ms.
"""

from __future__ import annotations

import asyncio
import math
from collections import deque
from typing import Final

from gateway.settings import AdmissionSettings
from gateway.telemetry import ADMISSION_IN_FLIGHT, ADMISSION_QUEUED, ADMISSION_WAIT_SECONDS

# Why a request was refused (the `reason` label of penghubung_admission_shed_total).
QUEUE_FULL: Final = "queue_full"
WOULD_WAIT: Final = "would_wait"
WAITED: Final = "waited"
SOCKET: Final = "socket"
# Weight of the newest hold time in the moving average: about the last 20 requests count.
HOLD_WEIGHT = 0.1
LONGEST_RETRY_AFTER = 30  # seconds; a Retry-After past this says nothing useful
# A line that has not emptied for one hold, and at least this long, is standing (CoDel's
# interval)...
STANDING_AFTER = 0.1  # seconds
# ...and a newcomer then waits at most half a hold, and at least this long (CoDel's target).
STANDING_WAIT = 0.05  # seconds


class AdmissionGate:
    """Slots and a waiting line for one process (one event loop)."""

    def __init__(self, settings: AdmissionSettings) -> None:
        self.concurrency = settings.concurrency
        self.queue_limit = settings.queue
        self.max_wait = settings.max_wait
        self.in_flight = 0
        self._line: deque[asyncio.Future[None]] = deque()
        self._hold: float | None = None  # seconds, moving average; None until a request finished
        self._line_since: float | None = None  # when the line last went from empty to not

    @property
    def queued(self) -> int:
        """Requests waiting for a slot."""
        return len(self._line)

    @property
    def saturated(self) -> bool:
        """Every slot is taken: a request arriving now would have to wait."""
        return self.in_flight >= self.concurrency

    def expected_wait(self, position: int) -> float:
        """Seconds until the `position`th in line (1 = first) gets a slot, at the measured pace."""
        return 0.0 if self._hold is None else position * self._hold / self.concurrency

    def retry_after(self) -> int:
        """Whole seconds after which the line as it is now has gone through (1 at least)."""
        return max(1, min(LONGEST_RETRY_AFTER, math.ceil(self.expected_wait(self.queued + 1))))

    def longest_wait(self, now: float) -> float:
        """How long a newcomer may wait at `now`: short while the line is standing."""
        hold = self._hold or 0.0
        if self._line_since is not None and now - self._line_since >= max(STANDING_AFTER, hold):
            return min(max(STANDING_WAIT, hold / 2), self.max_wait)
        return self.max_wait

    async def enter(self) -> str | None:
        """Take a slot, waiting in line if need be: None when admitted (then `leave` must
        follow), else why the request is refused."""
        if not self.saturated and not self._line:
            self._take()
            ADMISSION_WAIT_SECONDS.observe(0.0)
            return None
        if len(self._line) >= self.queue_limit:
            return QUEUE_FULL
        loop = asyncio.get_running_loop()
        began = loop.time()
        longest = self.longest_wait(began)
        if self.expected_wait(len(self._line) + 1) > longest:
            return WOULD_WAIT
        turn: asyncio.Future[None] = loop.create_future()
        if not self._line:
            self._line_since = began
        self._line.append(turn)
        ADMISSION_QUEUED.set(len(self._line))
        try:
            # asyncio.wait, not wait_for: the future must not be cancelled under a slot
            # handed to it at the very moment the wait ends.
            await asyncio.wait((turn,), timeout=longest)
        except BaseException:
            self._abandon(turn)  # cancelled (the client went away, the server stops)
            raise
        if turn.done():
            ADMISSION_WAIT_SECONDS.observe(loop.time() - began)
            return None
        self._abandon(turn)
        return WAITED

    def leave(self, held: float) -> None:
        """Give the slot back after holding it `held` seconds: to the first in line, if any."""
        self._hold = held if self._hold is None else self._hold + HOLD_WEIGHT * (held - self._hold)
        self._pass_on()

    def _take(self) -> None:
        self.in_flight += 1
        ADMISSION_IN_FLIGHT.set(self.in_flight)

    def _pass_on(self) -> None:
        """A slot comes free: it goes to the first in line still waiting, else back to the pool."""
        while self._line:
            turn = self._line.popleft()
            self._line_changed()
            if not turn.done():
                turn.set_result(None)  # the slot passes on; in_flight stays as it is
                return
        self.in_flight -= 1
        ADMISSION_IN_FLIGHT.set(self.in_flight)

    def _abandon(self, turn: asyncio.Future[None]) -> None:
        """Leave the line; a slot handed over meanwhile passes on unused (no hold time:
        nothing ran)."""
        if turn.done() and not turn.cancelled():
            self._pass_on()
            return
        turn.cancel()
        try:
            self._line.remove(turn)
        except ValueError:
            pass  # already taken off the line by `_pass_on`
        self._line_changed()

    def _line_changed(self) -> None:
        ADMISSION_QUEUED.set(len(self._line))
        if not self._line:
            self._line_since = None
