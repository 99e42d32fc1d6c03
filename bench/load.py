"""Closed-loop HTTP load: C workers each send a request, wait for the answer, and repeat."""

from __future__ import annotations

import asyncio
import json
import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import aiohttp

# Builds the next request body (called once per request, so bodies can vary).
BodyMaker = Callable[[], bytes]
# Judges a response from its status and raw body: a problem description, or None if fine.
Checker = Callable[[int, bytes], str | None]
# Judges the `data` of a GraphQL answer the same way.
DataCheck = Callable[[dict[str, Any]], str | None]

JSON_HEADERS = {"content-type": "application/json"}
# Long enough for any sane request, short enough that a hung gateway cannot stall a run.
REQUEST_TIMEOUT_S = 30.0
# How many distinct problem descriptions to keep for the report.
KEPT_PROBLEMS = 5


@dataclass(slots=True)
class LoadResult:
    """What one closed-loop run saw."""

    latencies: list[float] = field(default_factory=list)  # seconds, successful requests only
    failures: int = 0
    problems: list[str] = field(default_factory=list)  # the first few distinct ones
    elapsed: float = 0.0  # seconds, from the first request sent to the last answer received

    def record(self, latency: float, problem: str | None) -> None:
        """Count one finished request."""
        if problem is None:
            self.latencies.append(latency)
            return
        self.failures += 1
        if problem not in self.problems and len(self.problems) < KEPT_PROBLEMS:
            self.problems.append(problem)

    @property
    def requests(self) -> int:
        """Successful requests."""
        return len(self.latencies)

    @property
    def rps(self) -> float:
        """Successful requests per second."""
        return self.requests / self.elapsed if self.elapsed > 0 else 0.0

    def percentile_ms(self, q: float) -> float:
        """The q-th percentile (0-100) of successful latencies, in milliseconds."""
        return percentile(self.latencies, q) * 1000.0


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (0-100), interpolating linearly between the closest ranks."""
    if not values:
        return math.nan
    ordered = sorted(values)
    rank = (len(ordered) - 1) * q / 100.0
    low = math.floor(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def client_session(concurrency: int) -> aiohttp.ClientSession:
    """One session whose connection pool matches the concurrency, so each worker keeps
    its own keep-alive connection and no request waits for a free one."""
    return aiohttp.ClientSession(
        connector=aiohttp.TCPConnector(limit=concurrency),
        timeout=aiohttp.ClientTimeout(total=REQUEST_TIMEOUT_S),
    )


async def closed_loop(
    session: aiohttp.ClientSession,
    url: str,
    make_body: BodyMaker,
    check: Checker,
    *,
    concurrency: int,
    duration: float,
    max_requests: int,
    headers: dict[str, str] | None = None,
) -> LoadResult:
    """POST to `url` from `concurrency` workers until `duration` seconds have passed or
    `max_requests` were sent, whichever comes first."""
    result = LoadResult()
    request_headers = {**JSON_HEADERS, **(headers or {})}
    sent = 0
    deadline = time.perf_counter() + duration

    async def worker() -> None:
        nonlocal sent
        while time.perf_counter() < deadline and sent < max_requests:
            sent += 1  # no await between test and increment: no race on one event loop
            body = make_body()
            started = time.perf_counter()
            try:
                async with session.post(url, data=body, headers=request_headers) as response:
                    payload = await response.read()
                    status = response.status
            except (aiohttp.ClientError, TimeoutError) as exc:
                result.record(time.perf_counter() - started, f"{type(exc).__name__}: {exc}")
                continue
            # Latency stops at the last byte; judging the answer is client work, not the
            # gateway's, so it stays outside the measurement.
            latency = time.perf_counter() - started
            result.record(latency, check(status, payload))

    began = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    result.elapsed = time.perf_counter() - began
    return result


def graphql_check(expect: DataCheck | None = None) -> Checker:
    """A checker for GraphQL answers: HTTP 200, JSON, no "errors", and (if given) nothing
    wrong with `data` according to `expect`."""

    def check(status: int, payload: bytes) -> str | None:
        if status != 200:
            return f"HTTP {status}: {payload[:200]!r}"
        try:
            answer = json.loads(payload)
        except ValueError:
            return f"not JSON: {payload[:200]!r}"
        if answer.get("errors"):
            return f"GraphQL errors: {json.dumps(answer['errors'])[:300]}"
        data = answer.get("data")
        if not isinstance(data, dict):
            return "no data"
        return expect(data) if expect is not None else None

    return check
