"""One live call to one source under a deadline, turned into a result and a SourceOutcome.

Every failure a source can have (no answer in time, an error, an unreadable answer, its
circuit open) becomes an outcome that travels with the answer, never an exception that
fails the query: the caller decides what the index answers instead.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import TypeVar

from connectors.errors import CircuitOpen, ConnectorError
from connectors.mapping import MappingError
from connectors.protocol import Unsupported
from schema.live import Outcome, SourceOutcome

T = TypeVar("T")


async def call_source(
    system: str, call: Callable[[], Awaitable[T]], *, deadline: float
) -> tuple[T | None, SourceOutcome]:
    """Run `call` within `deadline` seconds; the result (None on failure) and the outcome."""
    started = time.perf_counter()

    def outcome(kind: Outcome, error: str | None = None) -> SourceOutcome:
        return SourceOutcome(system, kind, round((time.perf_counter() - started) * 1000, 1), error)

    try:
        async with asyncio.timeout(deadline):
            result = await call()
    except TimeoutError:
        return None, outcome(Outcome.TIMEOUT, f"no answer within {deadline:g} s")
    except CircuitOpen as exc:
        return None, outcome(Outcome.CIRCUIT_OPEN, exc.message)
    except Unsupported as exc:
        return None, outcome(Outcome.NOT_READABLE, str(exc) or "it offers no live read")
    except MappingError as exc:
        return None, outcome(Outcome.ERROR, f"{exc.code}: {exc}"[:300])
    except ConnectorError as exc:
        return None, outcome(Outcome.ERROR, f"{exc.code}: {exc.message}"[:300])
    return result, outcome(Outcome.OK)
