"""The tarpit: a caller over its limit waits a while for its 429.

A client in a closed loop (send, wait for the answer, send again) sends its next request
as soon as a refusal arrives, so an instant 429 invites the next one at once and a flood on
N connections costs the gateway thousands of refusals a second. Holding each refusal for
`delay` seconds (never longer than its own Retry-After) limits such a client to about N
answers a second per delay.

Each wait is drawn between half the delay and all of it: refusals that arrived together
would otherwise be answered together, and the flood come back as one burst (whose admitted
requests then queue legitimate ones behind them).

The wait is an `asyncio.sleep`: it costs no CPU, only a coroutine and the connection's
memory, so at most `most_held` refusals wait at once in a process; past that they are
answered at once (memory stays bounded, and a caller never waits for a place).
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import Awaitable, Callable

Sleep = Callable[[float], Awaitable[object]]


class Tarpit:
    """Holds refusals for a while, a bounded number at once."""

    def __init__(
        self, delay: float, most_held: int, *, sleep: Sleep = asyncio.sleep, draw: Callable[[], float] = random.random
    ) -> None:
        self.delay = delay
        self.most_held = most_held
        self.held = 0  # refusals waiting now
        self._sleep = sleep  # the clock seam tests replace
        self._draw = draw  # uniform in [0, 1): where between half and all of the delay

    async def hold(self, retry_after: float) -> bool:
        """Wait between half and all of min(delay, retry_after) unless the tarpit is full;
        whether it waited."""
        longest = min(self.delay, retry_after)
        if longest <= 0 or self.held >= self.most_held:
            return False
        wait = longest * (1 + self._draw()) / 2
        self.held += 1
        try:
            await self._sleep(wait)
        finally:
            self.held -= 1
        return True
