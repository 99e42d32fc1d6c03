"""Waiting in a test for something another task makes true, without guessing how long it takes."""

from __future__ import annotations

import asyncio
from collections.abc import Callable


async def until(condition: Callable[[], object], *, limit: float = 30.0) -> None:
    """Wait until `condition()` holds (polled; the limit only ends a run that is broken)."""
    loop = asyncio.get_running_loop()
    end = loop.time() + limit
    while not condition():
        assert loop.time() < end, "condition never held"
        await asyncio.sleep(0.05)
