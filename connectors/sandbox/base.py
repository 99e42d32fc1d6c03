"""The simulator base: an aiohttp app with auth, fault switches, a received log and admin routes."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from typing import Any, ClassVar

from aiohttp import web

from connectors.sandbox.bomb import gzip_bomb
from connectors.sandbox.clock import Clock
from connectors.sandbox.faults import Faults
from connectors.sandbox.received import ReceivedLog

ADMIN_PREFIX = "/_sandbox/"
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]

_WRONG_SHAPE = '{"status": "maintenance", "data": {"message": "Sistem sedang dalam pemeliharaan"}}'
# Billion laughs: ten levels of ten references, about 3 GB if a parser expanded it.
_ENTITY_BOMB = (
    '<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol0 "lol">'
    + "".join(f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, 10))
    + "]>\n<response><trackingid>&lol9;</trackingid></response>"
)
_HTML_GARBAGE = (
    "<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head>"
    "<body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx</center></body></html>"
)


class Simulator:
    """One upstream system, simulated. Subclasses add routes, records and an auth check.

    Python control: `sim.faults.set(...)`, `sim.faults.clear()`, `sim.received`, `sim.reset()`.
    HTTP control: `POST /_sandbox/faults` (JSON of switches), `GET /_sandbox/faults`,
    `GET /_sandbox/received`, `POST /_sandbox/reset`, and any a simulator adds in
    `admin_routes`. Admin routes are never faulted nor authenticated: the sandbox binds to
    loopback only.
    """

    name: ClassVar[str] = "simulator"
    secret: ClassVar[str] = ""  # the sandbox credential it wants by default
    calls: ClassVar[str] = ""  # how it is called, with that credential: printed for a newcomer

    def __init__(self) -> None:
        self.faults = Faults()
        self.received = ReceivedLog()
        self.base_url: str | None = None

    @classmethod
    def for_regency(cls, kode_wilayah: str, *, seed_count: int, index: int) -> Simulator:
        """The simulator of the `index`-th connected kab/kota of a province's sandbox."""
        raise NotImplementedError(f"{cls.name} does not simulate a kab/kota")

    # -- to override -------------------------------------------------------------------

    def routes(self) -> list[web.RouteDef]:
        """The simulator's own routes."""
        raise NotImplementedError

    def authorised(self, request: web.Request) -> bool:
        """Whether the request carries valid credentials (checked after faults)."""
        raise NotImplementedError

    def admin_routes(self) -> list[web.RouteDef]:
        """Routes under `/_sandbox/` of this simulator alone (none by default)."""
        return []

    def unauthorised(self) -> web.Response:
        """The 401 answer in this system's style."""
        return web.json_response({"error": "unauthorized"}, status=401)

    def clear_records(self) -> None:
        """Drop all records and seed them again."""
        raise NotImplementedError

    # -- shared ----------------------------------------------------------------------

    def reset(self) -> None:
        """Records back to the seed, faults off, received log empty."""
        self.faults.clear()
        self.received.clear()
        self.clear_records()

    def app(self) -> web.Application:
        """A fresh aiohttp application serving this simulator."""
        app = web.Application(middlewares=[self._middleware], client_max_size=4 * 1024 * 1024)
        app.add_routes(
            [
                web.get("/_sandbox/faults", self._get_faults),
                web.post("/_sandbox/faults", self._post_faults),
                web.get("/_sandbox/received", self._get_received),
                web.post("/_sandbox/reset", self._post_reset),
                *self.admin_routes(),
            ]
        )
        app.add_routes(self.routes())
        app.on_shutdown.append(self._on_shutdown)
        return app

    async def _on_shutdown(self, _app: web.Application) -> None:
        self.faults.release_hung()

    @web.middleware
    async def _middleware(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        if request.path.startswith(ADMIN_PREFIX):
            return await handler(request)
        body = await request.read()
        entry = self.received.record(
            request.method,
            request.path,
            dict(request.query),
            dict(request.headers),
            body,
        )
        response, fault = await self._faulted(request, handler)
        entry.status, entry.fault = response.status, fault
        return response

    async def _faulted(self, request: web.Request, handler: Handler) -> tuple[web.StreamResponse, str | None]:
        f = self.faults
        if f.down == "close":
            if request.transport is not None:
                request.transport.abort()
            raise asyncio.CancelledError  # nothing is answered on a dropped connection
        if f.down == "503":
            return web.Response(status=503, text="Service Unavailable"), "down"
        if f.latency_ms:
            await asyncio.sleep(f.latency_ms / 1000)
        if f.timeout:
            await f.hang()
            return web.Response(status=504, text="gave up hanging"), "timeout"
        if f.retry_after > 0:
            f.retry_after -= 1
            headers = {"Retry-After": str(f.retry_after_seconds)}
            return web.Response(status=429, text="Too Many Requests", headers=headers), "retry_after"
        if f.draw_error():
            status = f.error_status()
            return web.Response(status=status, text="Internal error (sandbox fault)"), "error_rate"
        if f.bomb:
            headers = {"Content-Encoding": "gzip", "Content-Type": "application/json"}
            return web.Response(body=gzip_bomb(f.bomb_mb), headers=headers), "bomb"
        if f.garbage == "html":
            return web.Response(text=_HTML_GARBAGE, content_type="text/html"), "garbage"
        if f.garbage == "wrong_shape":
            return web.Response(text=_WRONG_SHAPE, content_type="application/json"), "garbage"
        if f.garbage == "xml_entities":
            return web.Response(text=_ENTITY_BOMB, content_type="text/xml"), "garbage"
        if not self.authorised(request):
            return self.unauthorised(), None
        response = await handler(request)
        if f.garbage == "truncated" and isinstance(response, web.Response) and response.body:
            raw = bytes(response.body)  # type: ignore[arg-type]  # the simulators answer with bytes, never a streamed Payload
            cut = web.Response(body=raw[: max(1, len(raw) // 2)], status=200)
            cut.content_type = response.content_type
            return cut, "garbage"
        return response, None

    async def _get_faults(self, _request: web.Request) -> web.Response:
        return web.json_response(self.faults.as_dict())

    async def _post_faults(self, request: web.Request) -> web.Response:
        try:
            changes: Any = await request.json()
            if not isinstance(changes, dict):
                raise ValueError("expected a JSON object of fault switches")
            if changes.pop("clear", False):
                self.faults.clear()
            self.faults.set(**changes)
        except (ValueError, json.JSONDecodeError) as exc:
            return web.json_response({"error": str(exc)}, status=400)
        return web.json_response(self.faults.as_dict())

    async def _get_received(self, request: web.Request) -> web.Response:
        entries = self.received.matching(request.query.get("method"), request.query.get("path"))
        return web.json_response(
            {"count": len(entries), "forgotten": self.received.forgotten, "items": [e.as_dict() for e in entries]}
        )

    async def _post_reset(self, _request: web.Request) -> web.Response:
        self.reset()
        return web.json_response({"reset": True})


class SeededSimulator(Simulator):
    """A regency or national simulator whose records are generated for one region."""

    def __init__(self, *, kode_wilayah: str, seed_count: int, seed: int) -> None:
        super().__init__()
        self.kode_wilayah, self.seed_count, self.seed = kode_wilayah, seed_count, seed
        self.clock = Clock()
