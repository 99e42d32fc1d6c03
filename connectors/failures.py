"""The one classifier of a failed call to a source: what kind of failure it was, whether to
try again or give up, and whether a write may have been applied all the same.

    kind          next     may it have been applied?          counts as a try
    TIMEOUT       retry    yes if it may have left, else no   yes
    CIRCUIT_OPEN  retry    no (not even called)               no
    SOURCE_BUSY   retry    no (not even called)               no
    UNAVAILABLE   retry    `in_doubt` of the error            yes
    UNREADABLE    retry    yes (it answered, unreadably)      yes
    UNMAPPABLE    retry    untold (a record read back)        yes
    REFUSED       dead     no (the source said no)            -
    UNSUPPORTED   dead     no (it cannot be expressed)        -
    FAILED        dead     yes unless it provably never left  -

Every caller decides from this: the deliverer (retry or dead letter, in doubt or not),
write-through (refused, unsendable, or left to the outbox), live calls (the source's
outcome) and the conformance check (the failure in the source's words). What the error
itself knows (`ConnectorError.retriable`, `sent`, `UpstreamUnavailable.in_doubt`,
`retry_after`) is read here and nowhere else.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from connectors.errors import (
    CircuitOpen,
    ConnectorError,
    DecodeError,
    SourceBusy,
    UpstreamRejected,
    UpstreamUnavailable,
)
from connectors.mapping import MappingError
from connectors.protocol import Unsupported

__all__ = ["Doubt", "Failure", "Kind", "Next", "classify", "in_words"]


class Kind(StrEnum):
    """What went wrong."""

    TIMEOUT = "timeout"  # the caller's own deadline ran out
    CIRCUIT_OPEN = "circuit_open"
    SOURCE_BUSY = "source_busy"
    UNAVAILABLE = "unavailable"  # no useful answer now (refused, 5xx, 429, dropped)
    UNREADABLE = "unreadable"  # an answer that could not be read
    UNMAPPABLE = "unmappable"  # a record read from the source that does not map
    REFUSED = "refused"  # the source refused the request (4xx, a redirect)
    UNSUPPORTED = "unsupported"  # the source's mapping cannot express the call
    FAILED = "failed"  # any other connector failure


class Next(StrEnum):
    """What to do with the call."""

    RETRY = "retry"  # again later, as it stands (or looked up first, when in doubt)
    DEAD = "dead"  # not again on its own: a person fixes the cause and replays it


class Doubt(StrEnum):
    """Whether a write may be at the source although the call failed."""

    NO = "no"  # provably not applied: it never left, or the source refused it
    MAYBE = "maybe"  # sent and not (readably) answered: it may have been applied
    UNTOLD = "untold"  # the failure says nothing of it: each caller keeps what it knew


@dataclass(frozen=True, slots=True)
class Failure:
    """One failure, classified."""

    kind: Kind
    next: Next
    doubt: Doubt
    counts: bool = True  # whether the try counts against the write's attempts
    after: float | None = None  # seconds the source asked us to wait (Retry-After)

    @property
    def in_doubt(self) -> bool:
        """Whether this failure itself puts a write in doubt."""
        return self.doubt is Doubt.MAYBE


_NOT_CALLED = {CircuitOpen: Kind.CIRCUIT_OPEN, SourceBusy: Kind.SOURCE_BUSY}


def classify(exc: BaseException, *, left: bool = True) -> Failure | None:
    """The failure `exc` of a call to a source; None for anything that is not one (a bug).

    `left`: for the caller's own deadline (`TimeoutError`), whether the request may have
    left this process (`connectors.http.watching_writes`); no error tells it then."""
    if isinstance(exc, TimeoutError):
        return Failure(Kind.TIMEOUT, Next.RETRY, Doubt.MAYBE if left else Doubt.NO)
    if isinstance(exc, MappingError):
        return Failure(Kind.UNMAPPABLE, Next.RETRY, Doubt.UNTOLD)
    if not isinstance(exc, ConnectorError):
        return None
    for cls, kind in _NOT_CALLED.items():
        if isinstance(exc, cls):
            # Not even called: this try does not count, and nothing of it is there.
            return Failure(kind, Next.RETRY, Doubt.NO, counts=False)
    if isinstance(exc, UpstreamUnavailable) and exc.retriable:
        doubt = Doubt.MAYBE if exc.in_doubt else Doubt.NO
        return Failure(Kind.UNAVAILABLE, Next.RETRY, doubt, after=exc.retry_after)
    if isinstance(exc, DecodeError):
        # It answered, but not readably: retried, and the write may have happened.
        return Failure(Kind.UNREADABLE, Next.RETRY, Doubt.MAYBE)
    if isinstance(exc, UpstreamRejected):
        return Failure(Kind.REFUSED, Next.DEAD, Doubt.NO)
    if isinstance(exc, Unsupported):
        return Failure(Kind.UNSUPPORTED, Next.DEAD, Doubt.NO)
    return Failure(Kind.FAILED, Next.DEAD, Doubt.MAYBE if exc.sent else Doubt.NO)


def in_words(exc: ConnectorError) -> str:
    """A source's failure in its own words, for dead letters, checks and operators: the
    code, the message and what the source said (masked: replies can quote personal data)."""
    return f"{exc.code}: {exc.described}"
