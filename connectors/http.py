"""Calling one upstream source safely: deadlines, a connection cap, retries only where safe,
a circuit breaker, and bodies capped after decompression.

One `UpstreamClient` per source, all sharing the gateway's aiohttp session:
- a connect deadline and a total deadline per attempt (`ClientTimeout`);
- a per-source bulkhead: at most `max_connections` calls in flight and `max_queued`
  waiting for one, each for at most `queue_timeout` seconds; a call past that fails at
  once with SourceBusy (nothing sent), so a hanging regency costs only its own calls and
  never a growing queue of callers that time out long after it recovered;
- retries only for idempotent requests (or those carrying an idempotency key), at most
  `attempts` times, with exponential backoff and full jitter, honouring Retry-After;
- a circuit breaker: after `failure_threshold` consecutive failures, calls fail at once
  with CircuitOpen for `open_seconds`, then one trial call decides; a read its caller cut
  off after it had been on the wire for `slow_call_seconds` counts as a failure (a hanging
  source opens its circuit even when every caller's deadline is shorter than ours);
- redirects are never followed (a 3xx is refused: URLs come from configuration only);
- the body is read in chunks and refused past `max_body_bytes` *after* decompression, so
  a gzip bomb costs at most that much memory;
- every failure says whether the request may have left (`ConnectorError.sent`): see
  `_failure` for the one table, and `watching_writes` for callers that cut calls off with
  their own deadline.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import Awaitable, Callable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from types import SimpleNamespace
from urllib.parse import urlsplit

import aiohttp

from connectors.errors import CircuitOpen, DecodeError, SourceBusy, UpstreamRejected, UpstreamUnavailable

IDEMPOTENT = frozenset({"GET", "HEAD", "PUT", "DELETE", "OPTIONS"})
READS = frozenset({"GET", "HEAD", "OPTIONS"})  # requests that change nothing at the source


@dataclass(slots=True)
class WritesSeen:
    """Whether a write request made within `watching_writes` may have left this process
    (its headers were handed to a connection, or it cannot be told)."""

    may_have_left: bool = False


_WATCH: ContextVar[WritesSeen | None] = ContextVar("penghubung_writes_seen", default=None)


@contextmanager
def watching_writes() -> Iterator[WritesSeen]:
    """Watch the writes made inside the block (in this task and tasks it starts): for a
    caller that cuts calls off with its own deadline, where no error says what happened.
    A write cut off while it waited for a slot or a connection never left."""
    seen = WritesSeen()
    token = _WATCH.set(seen)
    try:
        yield seen
    finally:
        _WATCH.reset(token)


@dataclass(slots=True)
class _Mark:
    """One request's progress: whether its headers were handed to a connection."""

    write: bool
    left: bool = False
    # The caller's watch, taken when the request starts: aiohttp may write from a task of its own.
    seen: WritesSeen | None = field(default_factory=_WATCH.get)

    def leaving(self) -> None:
        self.left = True
        if self.write and self.seen is not None:
            self.seen.may_have_left = True


class _SendTracing(aiohttp.TraceConfig):
    """Tells each request's `_Mark` when its headers go to the connection: before that
    (waiting for a pool slot, resolving, connecting, TLS) nothing of it has left."""

    def __init__(self) -> None:
        super().__init__()
        self.on_request_headers_sent.append(_headers_sent)


async def _headers_sent(session: aiohttp.ClientSession, context: SimpleNamespace, params: object) -> None:
    mark = getattr(context, "trace_request_ctx", None)
    if isinstance(mark, _Mark):
        mark.leaving()


def send_tracing() -> aiohttp.TraceConfig:
    """The trace config for a session the connectors share (`trace_configs=[...]`). Without
    it a request counts as possibly sent as soon as it is handed to aiohttp, so a write cut
    off while connecting is in doubt rather than known unsent."""
    return _SendTracing()


@dataclass(frozen=True, slots=True)
class CallRecord:
    """One request to a source, as observers see it (no URL, no body: nothing secret)."""

    source: str
    method: str
    seconds: float | None  # None: not a request of its own (an answer found unreadable later)
    outcome: str  # ok, rejected, unavailable, timeout, unreadable, busy


# Called after every request to every source (the gateway's metrics register here); an
# observer must be quick and must not raise.
OBSERVERS: list[Callable[[CallRecord], None]] = []


def _observe(record: CallRecord) -> None:
    for observer in OBSERVERS:
        observer(record)


@dataclass(frozen=True, slots=True)
class Policy:
    """How one source is called."""

    connect_timeout: float = 2.0
    total_timeout: float = 10.0
    max_connections: int = 4  # calls in flight to this source at once (its bulkhead)
    max_queued: int = 8  # calls waiting for one of those; more fail at once (SourceBusy)
    queue_timeout: float = 2.0  # seconds a call waits for a connection before SourceBusy
    attempts: int = 3
    backoff_base: float = 0.2
    backoff_max: float = 5.0
    max_retry_after: float = 30.0
    failure_threshold: int = 5
    open_seconds: float = 30.0
    max_body_bytes: int = 5 * 1024 * 1024
    # A read cut off by its caller after this long on the wire was not answered in time.
    slow_call_seconds: float = 1.0

    def __post_init__(self) -> None:
        if self.attempts < 1 or self.max_connections < 1 or self.max_body_bytes < 1:
            raise ValueError("attempts, max_connections and max_body_bytes must be at least 1")
        if self.max_queued < 0:
            raise ValueError("max_queued must be 0 or more")
        if min(self.connect_timeout, self.total_timeout, self.queue_timeout, self.slow_call_seconds) <= 0:
            raise ValueError("timeouts must be positive")


@dataclass(frozen=True, slots=True)
class Response:
    """A read response: status, headers and the whole (capped) body."""

    status: int
    headers: Mapping[str, str]
    body: bytes


@dataclass
class CircuitBreaker:
    """Counts consecutive failures; opens, then lets one trial through after a while."""

    threshold: int
    open_seconds: float
    clock: Callable[[], float] = time.monotonic
    failures: int = 0
    opened_at: float | None = None
    _trial: bool = field(default=False, repr=False)

    @property
    def state(self) -> str:
        """closed, open or half_open."""
        if self.opened_at is None:
            return "closed"
        return "half_open" if self.clock() - self.opened_at >= self.open_seconds else "open"

    def allow(self) -> bool:
        """Whether a call may go out now."""
        state = self.state
        if state == "closed":
            return True
        if state == "half_open" and not self._trial:
            self._trial = True
            return True
        return False

    def abandon_trial(self) -> None:
        """The trial call was cut off before it told anything: another may go."""
        self._trial = False

    def success(self) -> None:
        """A call worked: close."""
        self.failures, self.opened_at, self._trial = 0, None, False

    def failure(self) -> None:
        """A call failed: count, and open at the threshold (or after a failed trial)."""
        self.failures += 1
        if self._trial or self.failures >= self.threshold:
            self.opened_at = self.clock()
        self._trial = False


def _retry_after(value: str | None) -> float | None:
    if value is None:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        return None  # an HTTP date: fall back to our own backoff


def _failure(source: str, what: str, exc: BaseException, *, left: bool) -> Exception:
    """The one table of transport failures, with whether the request may have left (`left`:
    its headers reached a connection, or nothing can tell).

    Never sent: refused, DNS or other connect failures, a connect timeout (aiohttp's
    `connect` deadline covers waiting for a pooled connection too), a bad URL. Sent and
    unanswered, so in doubt: a read timeout, a connection dropped or reset after the request
    went out (the source may have read and applied it before it closed; a server that closed
    before reading cannot be told apart from one that applied it and then crashed)."""
    if isinstance(exc, aiohttp.ClientPayloadError):
        return DecodeError(source, f"{what} body was cut off or badly encoded")
    if isinstance(exc, aiohttp.InvalidURL):
        return UpstreamRejected(source, f"{what}: not a valid http(s) URL", sent=False)
    if isinstance(exc, aiohttp.ClientError) and "NonHttpUrl" in type(exc).__name__:
        return UpstreamRejected(source, f"{what}: the URL needs http:// or https://", sent=False)
    if isinstance(exc, aiohttp.ConnectionTimeoutError):
        return UpstreamUnavailable(source, f"{what} timed out connecting; nothing was sent", sent=False)
    if isinstance(exc, aiohttp.ClientConnectorError):
        return UpstreamUnavailable(source, f"{what} failed ({type(exc).__name__}); nothing was sent", sent=False)
    if isinstance(exc, (TimeoutError, asyncio.TimeoutError)):
        if not left:
            return UpstreamUnavailable(source, f"{what} timed out before it was sent", sent=False)
        return UpstreamUnavailable(source, f"{what} timed out", in_doubt=True)
    if not left:
        return UpstreamUnavailable(source, f"{what} failed before it was sent ({type(exc).__name__})", sent=False)
    return UpstreamUnavailable(source, f"{what} failed ({type(exc).__name__})", in_doubt=True)


class UpstreamClient:
    """Requests to one source, under its Policy."""

    def __init__(
        self,
        source: str,
        session: aiohttp.ClientSession,
        policy: Policy = Policy(),
        *,
        sleep: Callable[[float], Awaitable[object]] = asyncio.sleep,
        rng: random.Random | None = None,
    ) -> None:
        self.source = source
        self.session = session
        self.policy = policy
        self.breaker = CircuitBreaker(policy.failure_threshold, policy.open_seconds)
        self._slots = asyncio.Semaphore(policy.max_connections)
        self._waiting = 0  # calls queued for a slot
        self._in_flight = 0  # calls holding a slot
        self._sleep = sleep
        self._rng = rng or random.Random()
        self._timeout = aiohttp.ClientTimeout(total=policy.total_timeout, connect=policy.connect_timeout)
        self._traced = any(isinstance(t, _SendTracing) for t in session.trace_configs)

    @property
    def in_flight(self) -> int:
        """Calls to this source holding a connection slot now."""
        return self._in_flight

    @property
    def waiting(self) -> int:
        """Calls queued for a connection slot now."""
        return self._waiting

    async def _take_slot(self, what: str) -> None:
        """A connection slot, or SourceBusy at once (queue full) or after `queue_timeout`."""
        if self._slots.locked():
            if self._waiting >= self.policy.max_queued:
                raise SourceBusy(
                    self.source,
                    f"{what} not sent: all {self.policy.max_connections} connections in use and "
                    f"{self._waiting} calls waiting (PENGHUBUNG_UPSTREAM_MAX_QUEUED)",
                )
            self._waiting += 1
            try:
                async with asyncio.timeout(self.policy.queue_timeout):
                    await self._slots.acquire()
            except TimeoutError:
                raise SourceBusy(
                    self.source,
                    f"{what} not sent: no free connection within {self.policy.queue_timeout:g} s "
                    f"(all {self.policy.max_connections} in use)",
                ) from None
            finally:
                self._waiting -= 1
        else:
            await self._slots.acquire()
        self._in_flight += 1

    def _give_slot(self) -> None:
        self._in_flight -= 1
        self._slots.release()

    async def _read(self, response: aiohttp.ClientResponse) -> bytes:
        body = bytearray()
        async for chunk in response.content.iter_chunked(64 * 1024):
            body += chunk
            if len(body) > self.policy.max_body_bytes:
                raise DecodeError(
                    self.source,
                    f"body larger than {self.policy.max_body_bytes} bytes (after decompression)",
                )
        return bytes(body)

    async def _once(self, method: str, url: str, on_wire: list[float], **kwargs: object) -> Response:
        started = time.perf_counter()
        outcome = "unavailable"
        try:
            response = await self._attempt(method, url, on_wire, **kwargs)
            outcome = "ok"
            return response
        except UpstreamRejected:
            outcome = "rejected"
            raise
        except DecodeError:
            outcome = "unreadable"
            raise
        except SourceBusy:
            outcome = "busy"
            raise
        except UpstreamUnavailable as exc:
            outcome = "timeout" if "timed out" in exc.message else "unavailable"
            raise
        finally:
            _observe(CallRecord(self.source, method, time.perf_counter() - started, outcome))

    async def _attempt(self, method: str, url: str, on_wire: list[float], **kwargs: object) -> Response:
        # Named by method and path only: a query string may carry the source's key.
        what = f"{method} {urlsplit(url).path or '/'}"
        mark = _Mark(write=method not in READS)
        await self._take_slot(what)
        on_wire.append(time.monotonic())  # from here the source keeps it waiting, not our queue
        try:
            if not self._traced:
                mark.leaving()  # nothing tells when it leaves: from here it may have
            try:
                async with self.session.request(
                    method,
                    url,
                    timeout=self._timeout,
                    allow_redirects=False,
                    trace_request_ctx=mark,
                    **kwargs,  # type: ignore[arg-type]  # kwargs are aiohttp's own request arguments, passed through
                ) as response:
                    body = await self._read(response)
                    status, headers = response.status, dict(response.headers)
            except DecodeError:
                raise
            except (aiohttp.ClientError, TimeoutError) as exc:
                raise _failure(self.source, what, exc, left=mark.left) from exc
        finally:
            self._give_slot()
        if status == 429 or status >= 500:
            raise UpstreamUnavailable(
                self.source,
                f"{what} answered {status}",
                retry_after=_retry_after(headers.get("Retry-After")),
                in_doubt=status != 429,  # a 5xx may come after the write was applied
                body=body,
            )
        if 300 <= status < 400:
            raise UpstreamRejected(self.source, f"{what} answered a redirect ({status}); not followed")
        if status >= 400:
            raise UpstreamRejected(self.source, f"{what} answered {status}", status=status, body=body)
        return Response(status, headers, body)

    def unreadable_answer(self, method: str) -> None:
        """An answer that arrived whole but could not be read (not JSON, not the shape the
        mapping expects): observers count it as an error, as they count a cut-off body."""
        _observe(CallRecord(self.source, method, None, "unreadable"))

    def _delay(self, attempt: int, retry_after: float | None) -> float:
        if retry_after is not None:
            return min(retry_after, self.policy.max_retry_after)
        ceiling = min(self.policy.backoff_max, self.policy.backoff_base * 2**attempt)
        return self._rng.uniform(0, ceiling)  # full jitter

    async def request(
        self,
        method: str,
        url: str,
        *,
        idempotency_key: str | None = None,
        idempotency_header: str = "Idempotency-Key",
        safe_to_retry: bool = False,
        **kwargs: object,
    ) -> Response:
        """Send a request under the policy; raises a ConnectorError subclass.

        Non-idempotent requests are retried only when they carry an idempotency key (sent
        in `idempotency_header`) or the caller knows the source recognises a repeat
        (`safe_to_retry`, e.g. a unique field answered with 409), since the source may
        have applied the first try.
        """
        if not self.breaker.allow():
            raise CircuitOpen(self.source, "too many recent failures; not calling it for now")
        method = method.upper()
        if idempotency_key is not None:
            headers = dict(kwargs.pop("headers", None) or {})  # type: ignore[call-overload]  # kwargs are aiohttp's own request arguments; headers is a mapping
            headers[idempotency_header] = idempotency_key
            kwargs["headers"] = headers
        retriable = method in IDEMPOTENT or idempotency_key is not None or safe_to_retry
        attempts = self.policy.attempts if retriable else 1
        for attempt in range(attempts):
            on_wire: list[float] = []  # when this attempt was sent (empty: still queued)
            try:
                response = await self._once(method, url, on_wire, **kwargs)
            except (asyncio.CancelledError, TimeoutError):
                # The caller cut the call off. A read that kept it waiting on the wire for
                # `slow_call_seconds` was not answered in time: that counts against the
                # source (time queued for a slot does not: that is our bulkhead, not it).
                # Measured against our own short threshold, not the connect deadline: a live
                # read's deadline (2 s) is no longer than that, and a hanging source must
                # still open its circuit so the next reads fail fast.
                # A write cut off says nothing sure (the sync engine's own deadline cuts
                # writes, and opening circuits on them would rush in-doubt retries); a
                # half-open trial cut off is given back, or the circuit stays shut for good.
                if method in IDEMPOTENT and on_wire and time.monotonic() - on_wire[0] >= self.policy.slow_call_seconds:
                    self.breaker.failure()
                else:
                    self.breaker.abandon_trial()
                raise
            except SourceBusy:
                # Not sent (our bulkhead is full): says nothing of the source, and a retry
                # would only queue again. A trial call that never went is given back.
                self.breaker.abandon_trial()
                raise
            except UpstreamUnavailable as exc:
                self.breaker.failure()
                if attempt + 1 >= attempts or self.breaker.state == "open":
                    raise
                await self._sleep(self._delay(attempt, exc.retry_after))
                continue
            except (UpstreamRejected, DecodeError):
                # The source answered: it is up, the request or its body is the problem.
                self.breaker.success()
                raise
            self.breaker.success()
            return response
        raise AssertionError("unreachable")  # pragma: no cover
