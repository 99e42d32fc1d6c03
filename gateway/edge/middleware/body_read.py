"""Reading a request body: a deadline for the whole of it, and quiet client aborts.

- A client has `timeout` seconds from the start of the request to send its whole body. The
  deadline is for the body as a whole, not per chunk, so a body trickled one byte at a time
  cannot hold a connection and a task for long: past it the answer is 408 `BODY_TIMEOUT`.
- A client that goes away before its body is complete is logged in one line (how much had
  arrived), never as a traceback: it is the client's doing, not a fault of the gateway.
"""

from __future__ import annotations

import asyncio
import logging

from starlette.requests import ClientDisconnect
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from gateway.edge.error_answer import ErrorAnswer
from gateway.edge.middleware.asgi_answers import StartTracking
from gateway.telemetry import refused
from schema.errors import RequestError

log = logging.getLogger(__name__)


class BodyTimedOut(RequestError):
    """The body was not complete by its deadline."""

    code = "BODY_TIMEOUT"
    http_status = 408


class BodyAborted(RequestError):
    """The client disconnected before its body was complete."""

    code = "CLIENT_CLOSED_REQUEST"
    http_status = 499  # nginx's status for a client that left: nobody reads the answer


class BodyReadMiddleware:
    """Pure ASGI middleware wrapping `receive` until the body's last chunk has arrived."""

    def __init__(self, app: ASGIApp, *, timeout: float) -> None:
        self.app = app
        self.timeout = timeout

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        deadline = asyncio.get_running_loop().time() + self.timeout
        complete = False
        received = 0
        tracked = StartTracking(send)

        async def timed_receive() -> Message:
            nonlocal complete, received
            if complete or tracked.started:
                # Past the body (or the answer is under way): a disconnect listener may wait.
                return await receive()
            try:
                async with asyncio.timeout_at(deadline):
                    message = await receive()
            except TimeoutError:
                raise BodyTimedOut from None
            if message["type"] == "http.disconnect":
                raise BodyAborted
            received += len(message.get("body", b""))
            complete = not message.get("more_body", False)
            return message

        try:
            await self.app(scope, timed_receive, tracked)
        except BodyTimedOut:
            refused(BodyTimedOut.code)
            log.warning(
                "%s %s: request body incomplete after %g s (%d bytes received); answered 408",
                scope.get("method"),
                scope.get("path"),
                self.timeout,
                received,
            )
            if not tracked.started:
                await self._time_out(send)
        except (BodyAborted, ClientDisconnect):
            log.info(
                "%s %s: client went away before its request body was complete (%d bytes received)",
                scope.get("method"),
                scope.get("path"),
                received,
            )

    async def _time_out(self, send: Send) -> None:
        message = (
            f"the request body did not arrive within {self.timeout:g} s; expected the whole body to be sent promptly"
        )
        # The rest of the body may still be on its way: do not read it as a request.
        await ErrorAnswer.of(BodyTimedOut(message), headers={"connection": "close"}).send(send)
