"""The process's Prometheus registry: every meter, the recorders that fill them, and the scrape.

Free of HTTP and GraphQL: the sync engine, the connectors' observers and the worker record
here, and both `/metrics` endpoints (the gateway's, gateway.edge.endpoints.metrics, and the worker's,
gateway.worker.metrics_server) serve `scrape()`. Circuit states, outbox depth and sync lag
are read at scrape time, so every process reports its own circuits and what it sees of the
shared tables. Labels are bounded: sources by their configured names, codes from closed
sets. No label holds a complaint, a reporter or a token.
"""

from __future__ import annotations

import asyncio
import hmac
import logging
import time
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from prometheus_client import (
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
)

from connectors import http as upstream
from gateway.store.outbox import counts_by_destination_and_state
from gateway.sync import outbox
from gateway.sync.status import sync_status

log = logging.getLogger(__name__)
REGISTRY = CollectorRegistry(auto_describe=True)
_LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10)

GRAPHQL_SECONDS = Histogram(
    "penghubung_graphql_request_seconds",
    "GraphQL operations by type and first root field.",
    ["operation"],
    buckets=_LATENCY_BUCKETS,
    registry=REGISTRY,
)
GRAPHQL_ERRORS = Counter(
    "penghubung_graphql_errors_total",
    "Errors in GraphQL answers, by operation and code (one answer may hold several).",
    ["operation", "code"],
    registry=REGISTRY,
)
REQUESTS_REFUSED = Counter(
    "penghubung_requests_refused_total",
    "Requests refused before any GraphQL work (a bad token, a body too large), by code.",
    ["code"],
    registry=REGISTRY,
)
ADMISSION_SHED = Counter(
    "penghubung_admission_shed_total",
    "Requests and WebSocket handshakes answered 503 OVERLOADED because the process "
    "was saturated, by why: queue_full, would_wait (the measured pace said it could not be served within the longest "
    "wait), waited (it did wait that long), socket (a new WebSocket or streamed subscription).",
    ["reason"],
    registry=REGISTRY,
)
ADMISSION_IN_FLIGHT = Gauge(
    "penghubung_admission_in_flight",
    "Requests executing now in this process (at most PENGHUBUNG_ADMISSION_CONCURRENCY).",
    registry=REGISTRY,
)
ADMISSION_QUEUED = Gauge(
    "penghubung_admission_queued",
    "Requests waiting for a slot now in this process (at most PENGHUBUNG_ADMISSION_QUEUE).",
    registry=REGISTRY,
)
ADMISSION_WAIT_SECONDS = Histogram(
    "penghubung_admission_wait_seconds",
    "How long admitted requests waited for a slot (0 when one was free).",
    buckets=(0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5),
    registry=REGISTRY,
)
BAD_TOKENS = Counter(
    "penghubung_bad_tokens_total",
    "Tokens refused (HTTP and WebSocket), by code; the audit log keeps a bounded sample of them.",
    ["code"],
    registry=REGISTRY,
)
STORE_UP = Gauge(
    "penghubung_store_up",
    "1 when the last scrape could read the database, else 0 (the outbox and lag gauges "
    "are then from the last good read).",
    registry=REGISTRY,
)
UPSTREAM_SECONDS = Histogram(
    "penghubung_upstream_request_seconds",
    "Requests to upstream sources, by source and method (outcomes: the errors counter).",
    ["source", "method"],
    buckets=_LATENCY_BUCKETS,
    registry=REGISTRY,
)
UPSTREAM_ERRORS = Counter(
    "penghubung_upstream_errors_total",
    "Failed requests to upstream sources, by outcome.",
    ["source", "outcome"],
    registry=REGISTRY,
)
CIRCUIT_STATE = Gauge(
    "penghubung_upstream_circuit_state",
    "Circuit breaker per source: 0 closed, 1 half open, 2 open.",
    ["source"],
    registry=REGISTRY,
)
OUTBOX_ENTRIES = Gauge(
    "penghubung_outbox_entries",
    "Outbox entries per destination waiting (pending) or given up (dead).",
    ["destination", "state"],
    registry=REGISTRY,
)
SYNC_DELIVERIES = Counter(
    "penghubung_sync_deliveries_total",
    "Outbox deliveries handled, by destination, kind and outcome (done, retry, dead, overtaken, error).",
    ["destination", "kind", "outcome"],
    registry=REGISTRY,
)
SYNC_NOT_QUEUED = Counter(
    "penghubung_sync_not_queued_total",
    "Deliveries never queued because the destination's mapping cannot take them "
    "(no such write, or no word for the status), by destination, kind and status (empty unless a status).",
    ["destination", "kind", "status"],
    registry=REGISTRY,
)
SYNC_LAG = Gauge(
    "penghubung_sync_lag_seconds",
    "Seconds since each source's last successful pull.",
    ["source"],
    registry=REGISTRY,
)
_CIRCUIT_VALUES = {"closed": 0, "half_open": 1, "open": 2}


def _record_upstream(call: upstream.CallRecord) -> None:
    if call.seconds is not None:
        UPSTREAM_SECONDS.labels(call.source, call.method).observe(call.seconds)
    if call.outcome != "ok":
        UPSTREAM_ERRORS.labels(call.source, call.outcome).inc()


def record_not_queued(destination: str, kind: str, status: str) -> None:
    """Count one delivery the outbox did not queue (the destination cannot take it)."""
    SYNC_NOT_QUEUED.labels(destination, kind, status).inc()


def observe_upstream() -> None:
    """Record every connector call in this process, and every delivery it does not queue
    for want of a word in the destination's mapping (idempotent)."""
    if _record_upstream not in upstream.OBSERVERS:
        upstream.OBSERVERS.append(_record_upstream)
    if record_not_queued not in outbox.NOT_QUEUED:
        outbox.NOT_QUEUED.append(record_not_queued)


def record_delivery(destination: str, kind: str, outcome: str) -> None:
    """Count one delivery the sync engine handled (its `on_delivery` hook)."""
    SYNC_DELIVERIES.labels(destination, kind, outcome).inc()


def refused(code: str) -> None:
    """Count a request refused before GraphQL (codes are the gateway's own, a closed set)."""
    REQUESTS_REFUSED.labels(code).inc()


def bad_token(code: str) -> None:
    """Count a refused token (codes are the verifier's own, a closed set)."""
    BAD_TOKENS.labels(code).inc()


def _circuits(connectors: Mapping[str, Any] | None) -> None:
    for name, connector in (connectors or {}).items():
        state = connector.circuit_state
        if state is not None:
            CIRCUIT_STATE.labels(name).set(_CIRCUIT_VALUES.get(state, 0))


async def _refresh(connectors: Mapping[str, Any] | None, topology: Any) -> None:
    """The gauges read from the shared tables (the same in every process: aggregate them
    across processes with max, not sum)."""
    rows = await counts_by_destination_and_state(["pending", "dead"])
    statuses = await sync_status(topology, now=datetime.now(UTC)) if topology is not None else []
    OUTBOX_ENTRIES.clear()
    for name in connectors or {}:  # an empty outbox is 0, not a missing series
        for state in ("pending", "dead"):
            OUTBOX_ENTRIES.labels(name, state).set(0)
    for destination, state, n in rows:
        OUTBOX_ENTRIES.labels(destination, state).set(n)
    SYNC_LAG.clear()
    for status in statuses:
        if status.lag_seconds is not None:
            SYNC_LAG.labels(status.source).set(status.lag_seconds)


_refreshed = {"at": 0.0}
STORE_TIMEOUT = 3.0  # seconds a refresh may take before the store counts as down
REFRESH_EVERY = 10.0  # seconds: scrapes in between reuse the gauges (each refresh queries the store)
_refreshing = asyncio.Lock()


async def scrape(connectors: Mapping[str, Any] | None, topology: Any) -> bytes:
    """The text format of every metric, the store-read gauges at most REFRESH_EVERY old."""
    _circuits(connectors)  # this process's own: always current
    async with _refreshing:  # one refresh at a time, so concurrent scrapes never see a half-cleared gauge
        if time.monotonic() - _refreshed["at"] >= REFRESH_EVERY:
            try:
                async with asyncio.timeout(STORE_TIMEOUT):  # a store that never answers must not stall scrapes
                    await _refresh(connectors, topology)
                STORE_UP.set(1)
                _refreshed["at"] = time.monotonic()
            except Exception as exc:  # the in-memory metrics are wanted most when the store is down
                STORE_UP.set(0)
                log.warning(
                    "metrics: the database could not be read (%s); its gauges keep their last values",
                    type(exc).__name__,
                )
    return generate_latest(REGISTRY)


def token_problem(authorization: str | None, token: str | None) -> str | None:
    """Why a scrape is refused (None: let it through). Without a configured token every
    scrape is let through: the endpoint is then for a closed monitoring network."""
    if token is None:
        return None
    scheme, _, given = (authorization or "").partition(" ")
    if scheme.lower() != "bearer" or not given:
        return "metrics need a token: send Authorization: Bearer <PENGHUBUNG_METRICS_TOKEN>"
    if not hmac.compare_digest(given.strip().encode(), token.encode()):
        return "metrics token not accepted; expected the value of PENGHUBUNG_METRICS_TOKEN"
    return None
