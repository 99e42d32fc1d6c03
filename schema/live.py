"""Live reads and writes as the schema sees them: how each source answered, and where a write went.

The gateway reads a complaint live from the system that owns it, fans a list out to the
sources of a partition, and writes to the system of record; these value objects carry the
outcome of each to the GraphQL layer without it knowing any connector or table.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import Enum
from typing import Generic, TypeVar

from schema.errors import LimitError, PenghubungError

T = TypeVar("T")


class Outcome(Enum):
    """How one source answered one live call."""

    OK = "OK"
    TIMEOUT = "TIMEOUT"  # no answer within the deadline
    ERROR = "ERROR"  # it answered with an error, or unreadably, or refused the connection
    CIRCUIT_OPEN = "CIRCUIT_OPEN"  # not called: it failed too often lately
    SOURCE_BUSY = "SOURCE_BUSY"  # not called: its connections and queue are full (it is slow)
    NOT_FOUND = "NOT_FOUND"  # it answered, without the record
    NOT_READABLE = "NOT_READABLE"  # it offers no way to read one record (the index answers)


FAILED = frozenset({Outcome.TIMEOUT, Outcome.ERROR, Outcome.CIRCUIT_OPEN, Outcome.SOURCE_BUSY})


@dataclass(frozen=True, slots=True)
class SourceOutcome:
    """One source's part in a live answer."""

    system: str
    outcome: Outcome
    latency_ms: float
    error: str | None = None  # what went wrong, in the connector's words (never a secret)
    records: int = 0
    truncated: bool = False  # it had more than the fan-out reads per source

    @property
    def failed(self) -> bool:
        """Whether this source's data is missing from the answer."""
        return self.outcome in FAILED


@dataclass(frozen=True, slots=True)
class Freshness:
    """Where one complaint's data came from."""

    live: bool  # read from its owner just now
    stale: bool  # the owner failed: these are the index's last-known-good values
    synced_at: datetime | None  # when the index last heard from the owner
    source: SourceOutcome | None = None  # the owner's answer (None: the gateway owns it)


INDEX_ONLY = Freshness(live=False, stale=False, synced_at=None)


@dataclass(frozen=True, slots=True)
class LivePage(Generic[T]):
    """One page of a live fan-out, and how every source of the partition answered."""

    items: list[T]
    cursors: list[str]
    has_next_page: bool
    systems: list[str] = field(default_factory=list)  # the source each item was read from
    total: int = 0  # rows across pages, from the sources that answered
    sources: list[SourceOutcome] = field(default_factory=list)


class DeliveryState(Enum):
    """Where a write stands with its system of record."""

    APPLIED = "APPLIED"  # the system of record has it, and so has the index
    PENDING = "PENDING"  # the system of record was unreachable: queued, delivered once later
    LOCAL = "LOCAL"  # the gateway is the system of record (no connected system owns it)
    DEAD_LETTER = "DEAD_LETTER"  # the system of record refused it: kept for a person to look at


@dataclass(frozen=True, slots=True)
class WriteReceipt:
    """What a write did: where it went, in what state, under which idempotency key."""

    state: DeliveryState
    system: str | None = None
    reason: str | None = None
    idempotency_key: str | None = None
    replayed: bool = False  # a repeat of an earlier request with the same key


class WriteRefused(PenghubungError):
    """A write that was not applied, with a code for the client (subclassed by the gateway:
    the system of record refused it, or its idempotency key does not fit)."""

    code = "WRITE_REFUSED"
    http_status = 409
    public = True


class ChangedMeanwhile(WriteRefused):
    """The complaint changed between the check of a write and its application."""

    code = "CHANGED_MEANWHILE"


class SourceCallsExhausted(LimitError):
    """A request would start more calls to sources than one request may (the per-request
    cap behind the cost budget, for what the estimate before execution could not see)."""

    code = "QUERY_TOO_COSTLY"

    def __init__(self, wanted: int, started: int, cap: int) -> None:
        super().__init__(
            f"this request would make {started + wanted} calls to regency systems ({wanted} more for this "
            f"live list); the limit is {cap} per request. Expected: fewer or narrower live lists "
            "(filter.kodeWilayah), or live: false"
        )
