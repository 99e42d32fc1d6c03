"""Admission control: a saturated gateway answers `503 OVERLOADED` at once instead of
queueing everything into timeouts.

Why. A gateway process is one event loop on one core. Before this, every request that
arrived was started: past capacity (about 115 req/s on the 2-core test machine) all of them
shared the core, each got slower, every one ran into its 10 s deadline, and answered
requests fell towards zero while memory grew with the requests in flight (issue #18).
Past capacity, the only way to keep serving at capacity is to refuse the excess, and to
refuse it cheaply and early.

How (see gateway.edge.middleware.admission_gate):
- At most `PENGHUBUNG_ADMISSION_CONCURRENCY` (16) requests execute at once in a process.
  CPU-bound work gains nothing from more (the core is shared; each just takes longer), and
  a dozen or so keep the core busy while others wait on the database or a regency system.
  Fewer cut the latency of what is served (each admitted request shares the core with
  fewer others) but leave slots idle while requests wait on I/O. On the (very busy) test
  machine, at twice capacity, 16 slots served what 32 did with half the latency (p99
  3-5 s against 6-9 s, and no operation ran into its 10 s deadline); 8 served less.
- A request that finds every slot taken waits in a FIFO line of at most
  `PENGHUBUNG_ADMISSION_QUEUE` (64), for at most `PENGHUBUNG_ADMISSION_MAX_WAIT` (1 s).
  The gate measures how long requests hold a slot; one that by that pace would not get a
  slot within its wait is refused on arrival rather than after waiting for nothing, and so
  is one that finds the line full. The line is for bursts: once it has not emptied for as
  long as a request holds a slot (at least 100 ms; a standing line, in CoDel's words:
  arrivals outpace the slots), newcomers may wait only half a hold (at least 50 ms), so
  under a sustained overload the excess is refused at once instead of after a second in
  line. (Measured at twice capacity with the 1 s wait alone: the 503s' p99 was 1.25 s.
  With CoDel's fixed 100 ms / 50 ms the 503s' median was 30-40 ms, but requests were
  refused already near capacity, where they could still be served: the gate's figures
  scale with the hold because a burst takes about one hold to go through.)
- Refused: `503`, `Retry-After` (how long the line would take to go through, at least 1 s)
  and `{"errors": [{"extensions": {"code": "OVERLOADED", "retryAfter": n}}]}`, the
  envelope of a 429 (gateway.edge.middleware.overloaded). Counted in penghubung_admission_shed_total by
  reason, beside gauges of slots and line in use and a histogram of waits (gateway.telemetry).

Where: the innermost middleware, right before the routes. A refusal then costs the HTTP
parse, the request id, the token check (remembered per token) and the rate-limit count, and
never the body read, its parse or validation, which happen in the GraphQL view behind the
gate. Inside the rate limit on purpose: a caller over its own limit is held in the tarpit
(gateway.edge.limits.tarpit) and must not hold a slot meanwhile, and a flood from one caller is that
caller's 429, not everyone's 503.

What is never refused: `/healthz`, `/readyz` and `/metrics` (monitoring must see a saturated
gateway) go around the gate. WebSocket handshakes and HTTP subscription streams
(`Accept: multipart/mixed` or `text/event-stream`) hold no slot, since they last for minutes
and do their work in events; a new one is refused while every slot is taken (open ones go
on), with a 503 or, where the server cannot answer a handshake over HTTP, a close with 1013.

Not chosen: shedding on measured event-loop lag alone. It reacts to the symptom of work
already admitted and needs a target tuned to the machine (the lag of a healthy loop on a
busy 2-core host is tens of ms); a bound on the work admitted keeps the lag bounded in the
first place, and the standing-line rule above borrows what CoDel gets right. uvicorn's own
`limit_concurrency` counts connections, answers plain text and would refuse `/healthz`.
A slot held by a request waiting on a hanging regency system is held for that request's
deadline (2 s for a live read, 5 s for a write); the gate only sees that slots come free more
slowly, and sheds sooner. Keeping one hanging system from taking many slots is the job of
bounds per source (issue #18, item 2), not of this gate.
"""

from __future__ import annotations

import asyncio

from starlette.types import ASGIApp, Receive, Scope, Send

from gateway.edge.middleware.admission_gate import SOCKET, AdmissionGate
from gateway.edge.middleware.authentication import route_path
from gateway.edge.middleware.overloaded import send_overloaded

EXEMPT = frozenset({"/healthz", "/readyz", "/metrics"})
_STREAM_TYPES = (b"multipart/mixed", b"text/event-stream")


def _streams(scope: Scope) -> bool:
    """Whether an HTTP request asks for a subscription stream (Strawberry serves one for
    these Accept types), which would hold a slot for as long as it runs."""
    for name, value in scope["headers"]:
        if name == b"accept":
            lowered = value.lower()
            return any(kind in lowered for kind in _STREAM_TYPES)
    return False


class AdmissionMiddleware:
    """Every HTTP request through the gate; new sockets and streams refused when saturated."""

    def __init__(self, app: ASGIApp, *, gate: AdmissionGate | None, exempt: frozenset[str] = EXEMPT) -> None:
        self.app = app
        self.gate = gate
        self.exempt = exempt

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        gate = self.gate
        if gate is None or scope["type"] not in ("http", "websocket") or route_path(scope) in self.exempt:
            await self.app(scope, receive, send)
            return
        if scope["type"] == "websocket" or _streams(scope):
            if gate.saturated:
                await send_overloaded(scope, send, gate.retry_after(), SOCKET)
                return
            await self.app(scope, receive, send)
            return
        refusal = await gate.enter()
        if refusal is not None:
            await send_overloaded(scope, send, gate.retry_after(), refusal)
            return
        loop = asyncio.get_running_loop()
        began = loop.time()
        try:
            await self.app(scope, receive, send)
        finally:
            gate.leave(loop.time() - began)
