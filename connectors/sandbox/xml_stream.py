"""Simulator of the `xml_stream` dialect: a regency that accepts LAPOR!-legacy XML pushes only.

`POST /api/stream/addstream` with the §3.2 document; the token is the `token` attribute of
`<lapor>` (a GUID in braces), a wrong one answers 401. There is no read API and no
idempotency: every accepted POST is a new laporan with a new 7-digit tracking id, so
`submissions` (over HTTP `GET /_sandbox/accepted`) is how tests check exactly-once delivery.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from random import Random

from aiohttp import web
from typing_extensions import override

from connectors.sandbox.addstream import (
    AddstreamError,
    Submission,
    error_xml,
    parse_addstream,
    response_xml,
)
from connectors.sandbox.base import Simulator

DEFAULT_TOKEN = "{5A2D7C1E-0B3F-4E6A-9C8D-1F2E3A4B5C6D}"
XML = "text/xml"


class AddstreamSink:
    """Accepts addstream documents, numbering them with 7-digit tracking ids."""

    def __init__(self, token: str, first_tracking_id: int, seed: str) -> None:
        self.token, self.first_tracking_id, self.seed = token, first_tracking_id, seed
        self.submissions: list[tuple[str, Submission]] = []
        self.clear()

    def clear(self) -> None:
        """Forget every submission; numbering restarts."""
        self.submissions.clear()
        self._next = self.first_tracking_id
        self._rng = Random(self.seed)

    def allocate(self) -> str:
        """The next 7-digit tracking id (shared with any other intake of the same system)."""
        tracking_id = f"{self._next:07d}"
        self._next += 1
        return tracking_id

    async def accepted(self, _request: web.Request) -> web.Response:
        """`GET /_sandbox/accepted`: every submission this system holds, as its tracking id
        and its text (isi), in arrival order. A push-only system has no read API, and the
        received log keeps only the latest requests in a long run; this is the system's own
        store, so a soak can check every write it was sent. No reporter fields."""
        items = [{"tracking_id": t, "isi": s.isi} for t, s in self.submissions]
        return web.json_response({"items": items})

    def accept(self, submission: Submission) -> tuple[str, str]:
        """Store a submission; return (tracking id, transaction id)."""
        tracking_id = self.allocate()
        self.submissions.append((tracking_id, submission))
        return tracking_id, uuid.UUID(int=self._rng.getrandbits(128), version=4).hex

    async def handle(
        self,
        request: web.Request,
        on_accept: Callable[[str, Submission], None] | None = None,
    ) -> web.Response:
        """Parse, authenticate (token attribute) and accept one POST."""
        try:
            submission = parse_addstream(await request.read())
        except AddstreamError as exc:
            return web.Response(text=error_xml(str(exc)), status=400, content_type=XML)
        if submission.token != self.token:
            return web.Response(text=error_xml("invalid token"), status=401, content_type=XML)
        tracking_id, transaction_id = self.accept(submission)
        if on_accept is not None:
            on_accept(tracking_id, submission)
        return web.Response(text=response_xml(tracking_id, transaction_id), content_type=XML)


class XmlStream(Simulator):
    """`xml_stream`: push-only XML, token inside the document."""

    name = "xml_stream"
    secret = DEFAULT_TOKEN
    calls = f"POST /api/stream/addstream, token attribute {DEFAULT_TOKEN}"

    @classmethod
    @override
    def for_regency(cls, kode_wilayah: str, *, seed_count: int, index: int) -> XmlStream:
        # It keeps no records of its own: each kab/kota numbers its pushes in its own range.
        return cls(first_tracking_id=2_000_001 + index * 100_000, seed=index)

    def __init__(
        self,
        *,
        token: str = DEFAULT_TOKEN,
        first_tracking_id: int = 2000001,
        seed: int = 0,
    ) -> None:
        super().__init__()
        self.sink = AddstreamSink(token, first_tracking_id, f"xml_stream:{seed}")

    @property
    def submissions(self) -> list[tuple[str, Submission]]:
        """Accepted submissions as (tracking id, parsed document), in arrival order."""
        return self.sink.submissions

    def clear_records(self) -> None:
        self.sink.clear()

    def routes(self) -> list[web.RouteDef]:
        return [web.post("/api/stream/addstream", self.addstream)]

    def admin_routes(self) -> list[web.RouteDef]:
        return [web.get("/_sandbox/accepted", self.sink.accepted)]

    def authorised(self, request: web.Request) -> bool:
        return True  # the token sits inside the XML; AddstreamSink checks it after parsing

    async def addstream(self, request: web.Request) -> web.Response:
        return await self.sink.handle(request)
