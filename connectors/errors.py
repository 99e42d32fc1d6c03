"""Connector errors, classified by what the caller should do, each with a stable code.

    ConnectorError(source, message)
    ├── UpstreamUnavailable   retry later: timeouts, refused connections, 5xx, 429
    │   ├── CircuitOpen       the source failed too often; not even tried
    │   └── SourceBusy        its connections and queue are full (bulkhead); not even tried
    ├── UpstreamRejected      fatal until fixed: 4xx (credentials, configuration), redirects
    └── DecodeError           fatal for the batch: malformed, oversized or hostile bodies

Whether a failed request may have reached the source is data on the error, decided in one
place (`connectors.http`): `sent` is False only when it provably never left this process
(refused, DNS or connect failure, connect timeout, cut off before its headers were written),
so a write that failed so can be sent again whatever the source; `in_doubt` (on
`UpstreamUnavailable`) says it was sent and not answered, so it may have been applied.

A record that cannot be mapped is a `connectors.mapping.MappingError` (skippable).
Messages name the source and what happened; they never contain credentials or bodies.
What the source said about it (its reason, `reason`) is read here, in one place, from the
answer's body: masked and bounded (`connectors.reasons`); `described` joins the two for
dead letters and the errors a caller sees.
"""

from __future__ import annotations

from typing import ClassVar

from connectors.reasons import upstream_reason
from schema.errors import PenghubungError


class ConnectorError(PenghubungError):
    """Base of the tree."""

    code: ClassVar[str] = "CONNECTOR_ERROR"
    http_status = 502
    retriable: ClassVar[bool] = False

    def __init__(self, source: str, message: str, *, sent: bool = True) -> None:
        self.source = source
        self.message = message
        # Whether the request may have reached the source. True unless it provably never
        # left: not knowing counts as sent.
        self.sent = sent
        super().__init__(f"{source}: {message}")

    def __repr__(self) -> str:
        return f"{type(self).__name__}(source={self.source!r}, message={self.message!r}, sent={self.sent!r})"

    @property
    def reason(self) -> str | None:
        """What the source said (masked, bounded), when its answer said anything."""
        body = getattr(self, "body", b"")
        return upstream_reason(body) if body else None

    @property
    def described(self) -> str:
        """The message with the source's reason: "answered 422; it said: <reason>"."""
        reason = self.reason
        return f"{self.message}; it said: {reason}" if reason else self.message


class UpstreamUnavailable(ConnectorError):
    """The source did not answer usefully now; trying again later may work."""

    code = "UPSTREAM_UNAVAILABLE"
    http_status = 503
    retriable = True

    def __init__(
        self,
        source: str,
        message: str,
        *,
        retry_after: float | None = None,
        in_doubt: bool = False,
        body: bytes = b"",
        sent: bool = True,
    ) -> None:
        super().__init__(source, message, sent=sent)
        self.retry_after = retry_after
        # What a failing server said (a 5xx page often names the bad parameter); kept out
        # of the message, which is logged: only the conformance check quotes it, masked.
        self.body = body
        # The request may have reached the source and been applied (a timeout, a 5xx, a
        # dropped connection): a write must be looked up before it is sent again. Never
        # for a request that did not leave.
        self.in_doubt = in_doubt and sent


class CircuitOpen(UpstreamUnavailable):
    """The source failed repeatedly; calls are refused until the cool-off ends."""

    code = "CIRCUIT_OPEN"

    def __init__(self, source: str, message: str) -> None:
        super().__init__(source, message, sent=False)  # not even called


class SourceBusy(UpstreamUnavailable):
    """Not called: the source's connections are all in use and its queue is full (or the
    wait for a free one ran out); nothing was sent, and its other calls go on."""

    code = "SOURCE_BUSY"


class UpstreamRejected(ConnectorError):
    """The source refused the request (4xx) or answered with a redirect."""

    code = "UPSTREAM_REJECTED"

    def __init__(
        self, source: str, message: str, *, status: int | None = None, body: bytes = b"", sent: bool = True
    ) -> None:
        super().__init__(source, message, sent=sent)
        # Kept for the caller to inspect (a 404, a 409 naming the existing record), never
        # put in the message: a body may hold personal data.
        self.status = status
        self.body = body


class DecodeError(ConnectorError):
    """The body could not be read: malformed, too large, or hostile."""

    code = "UPSTREAM_BAD_BODY"
