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

from connectors.errors import ConnectorError
from connectors.failures import Kind, classify
from connectors.mapping import MappingError
from schema.live import Outcome, SourceOutcome

T = TypeVar("T")
log = logging.getLogger(__name__)


# Sources not even called: told apart from an error of the source's own.
_NOT_CALLED = {Kind.CIRCUIT_OPEN: Outcome.CIRCUIT_OPEN, Kind.SOURCE_BUSY: Outcome.SOURCE_BUSY}


def _told(exc: Exception, kind: Kind, deadline: float) -> tuple[Outcome, str]:
    """A classified failure as the source's outcome and what the answer says of it."""
    if kind is Kind.TIMEOUT:
        return Outcome.TIMEOUT, f"no answer within {deadline:g} s"
    if isinstance(exc, MappingError):
        # The field, not the value: a value that did not map may be a reporter's data.
        return Outcome.ERROR, f"{exc.code}: a record with an unreadable {exc.field}"
    if kind is Kind.UNSUPPORTED:
        return Outcome.NOT_READABLE, str(exc) or "it offers no live read"
    if not isinstance(exc, ConnectorError):  # the classifier names no other failure
        return Outcome.ERROR, f"unexpected {type(exc).__name__}"
    if kind in _NOT_CALLED:
        # Circuit open, or its bulkhead full: failed at once, so a hanging source costs its
        # own readers nothing more than this answer, and the others nothing at all.
        return _NOT_CALLED[kind], exc.message
    return Outcome.ERROR, f"{exc.code}: {exc.message}"[:300]


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
    except Exception as exc:
        failure = classify(exc)
        if failure is None:  # one source's bug must not fail the others' answer
            log.exception("live call to %s failed unexpectedly", system)
            return None, outcome(Outcome.ERROR, f"unexpected {type(exc).__name__}; see the gateway's log")
        return None, outcome(*_told(exc, failure.kind, deadline))
    return result, outcome(Outcome.OK)
