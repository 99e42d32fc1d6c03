"""One live call to one source under a deadline, turned into a result and a SourceOutcome.

Every failure a source can have (no answer in time, an error, an unreadable answer, its
circuit open, its connections and queue full) becomes an outcome that travels with the answer, never an exception that
fails the query: the caller decides what the index answers instead.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from typing import TypeVar

from connectors.errors import CircuitOpen, ConnectorError, SourceBusy
from connectors.mapping import MappingError
from connectors.protocol import Unsupported
from schema.live import Outcome, SourceOutcome

T = TypeVar("T")
log = logging.getLogger(__name__)


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
    except SourceBusy as exc:
        # Its bulkhead is full: failed at once, so a hanging source costs its own readers
        # nothing more than this answer, and the others nothing at all.
        return None, outcome(Outcome.SOURCE_BUSY, exc.message)
    except Unsupported as exc:
        return None, outcome(Outcome.NOT_READABLE, str(exc) or "it offers no live read")
    except MappingError as exc:
        # The field, not the value: a value that did not map may be a reporter's data.
        return None, outcome(Outcome.ERROR, f"{exc.code}: a record with an unreadable {exc.field}")
    except ConnectorError as exc:
        return None, outcome(Outcome.ERROR, f"{exc.code}: {exc.message}"[:300])
    except Exception as exc:  # one source's bug must not fail the others' answer
        log.exception("live call to %s failed unexpectedly", system)
        return None, outcome(Outcome.ERROR, f"unexpected {type(exc).__name__}; see the gateway's log")
    return result, outcome(Outcome.OK)
