"""HttpSource: a mapping file made live, the one declarative implementation of the Connector protocol.

It lists a source's records page by page (over HTTP, or from a `file://` export), decodes
them in the declared format and maps them; bad records are reported, not fatal. Writes
(create, status change, follow-up) follow the mapping's write sections. Its capabilities are
exactly the sections the mapping declares.

Escape hatch: a quirky source names a subclass in `[source] python = "module:Class"` and
overrides `refine` (fix a mapped record using the raw one) or `prepare` (adjust a write body).
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Mapping
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, quote, unquote, urlencode, urlsplit, urlunsplit

from typing_extensions import override

from connectors.accepts import status_read_back
from connectors.authenticators import AUTHENTICATORS, Authenticator
from connectors.base import ConnectorBase
from connectors.errors import DecodeError, UpstreamRejected
from connectors.formats.registry import FORMATS
from connectors.http import Response, UpstreamClient
from connectors.idempotency import IDEMPOTENCY
from connectors.mapping import Mapper, MappingError
from connectors.paginators import PAGINATORS, Paginator
from connectors.paging import first_page_notes, repeat_message, resolve
from connectors.paths import MISSING, get_path
from connectors.protocol import (
    Batch,
    Capability,
    Created,
    FollowUp,
    NewComplaint,
    StatusChange,
    Unsupported,
)
from connectors.records import Gap, RawRecord, SourceComplaint, SourceFollowUp, content_version
from connectors.spec_types import RequestSpec, SourceSpec
from connectors.time_formats import resolution
from connectors.time_formats import write as write_time
from connectors.write_body import build_body
from connectors.write_spec import WriteSpec
from schema.canonical import Status

MAX_PAGES = 10_000  # a source that never stops paging is a bug on one side or the other
FOLLOW_UP_CALLS = 4  # follow-up lists fetched at once per page: quick, yet gentle on the source

__all__ = ["MAX_PAGES", "Batch", "HttpSource"]

# A record's follow-ups as read, and a gap for each one left out.
Found = tuple[tuple[SourceFollowUp, ...], tuple[Gap, ...]]


def _joined(record: SourceComplaint, found: Found) -> SourceComplaint:
    follow_ups, gaps = found
    return replace(record, follow_ups=follow_ups, warnings=(*record.warnings, *gaps))


def _cursor_text(value: datetime, request: RequestSpec, zone: Any) -> str:
    """The since parameter for "changed since `value`", written the way the source reads it.

    The coarse forms (a pattern, a date, local time, epoch seconds) ask from one step of their
    own resolution earlier: a system that compares "newer than 09:30" at minute precision would
    otherwise never list a record changed at 09:30:40 after a pull at 09:30:20, and one that
    lists what changed after a date would never list the rest of the cursor's day. What is
    read again is recognised by its unchanged version, so nothing is applied twice.
    """
    if request.since_format is not None:
        return write_time(value - resolution(request.since_format), request.since_format, zone)
    cast = request.since_cast
    if cast == "epoch_ms":
        return str(int(value.timestamp() * 1000))
    if cast == "epoch_s":
        return str(int(value.timestamp()) - 1)
    if cast == "date":
        return (value.astimezone(zone).date() - timedelta(days=1)).isoformat()
    if cast == "local_datetime":
        earlier = value.astimezone(zone).replace(tzinfo=None, microsecond=0) - timedelta(seconds=1)
        return earlier.isoformat()
    return value.astimezone(UTC).isoformat()


class HttpSource(ConnectorBase):
    """One source described by a SourceSpec."""

    spec: SourceSpec
    client: UpstreamClient

    def __init__(self, spec: SourceSpec, client: UpstreamClient, base_url: str, *, secret: str | None = None) -> None:
        self.spec = spec
        self.client = client
        self.base_url = base_url.rstrip("/")
        self.secret = secret
        self.mapper = Mapper(spec)

    # -- the protocol ----------------------------------------------------------------

    @property
    @override
    def name(self) -> str:
        """The source's name."""
        return self.spec.name

    @property
    def capabilities(self) -> frozenset[Capability]:
        """The sections the mapping declares."""
        w = self.spec.writes
        declared = {
            Capability.LIST_CHANGES: True,
            Capability.READ_ONE: w.read_one is not None,
            Capability.CREATE: w.create is not None,
            Capability.CHANGE_STATUS: w.change_status is not None,
            Capability.ADD_FOLLOW_UP: w.follow_up is not None,
        }
        return frozenset(c for c, on in declared.items() if on)

    @property
    def repeat_safe(self) -> frozenset[Capability]:
        """Writes with an idempotency style, and status changes (setting a status twice is once)."""
        w = self.spec.writes
        safe = {Capability.CHANGE_STATUS} if w.change_status is not None else set()
        if w.create is not None and IDEMPOTENCY[w.create.idempotency].recognises_repeats:
            safe.add(Capability.CREATE)
        if w.follow_up is not None and IDEMPOTENCY[w.follow_up.idempotency].recognises_repeats:
            safe.add(Capability.ADD_FOLLOW_UP)
        return frozenset(safe)

    @override
    def status_as_read(self, status: Status) -> Status | None:
        """What a record set to `status` reads back as here: the source's word for it, mapped
        back (PROSES is DIDISPOSISIKAN for DITINDAKLANJUTI too); None if it has no word."""
        return status_read_back(self.spec, status)

    @property
    @override
    def reads_follow_ups(self) -> bool:
        """Whether records come with their follow-ups (the mapping has [follow_ups])."""
        return self.spec.follow_ups is not None

    @override
    async def find(self, external_ref: str) -> str | None:
        """The id of the record the gateway created under `external_ref`, by reading the list
        (for sources that cannot recognise a repeated create); None if there is none."""
        if "external_ref" not in self.spec.fields:
            raise Unsupported(self.name, "the mapping reads no external_ref, so records cannot be found by it")
        async for batch in self.changes():
            for record in batch.records:
                if record.external_ref == external_ref:
                    return record.source_id
        return None

    async def _separate_follow_ups(self) -> dict[str, Found] | None:
        """Follow-ups from a separate list, by record id, with a gap for each row that does not
        map (None when the mapping nests them)."""
        spec = self.spec.follow_ups
        if spec is None or spec.list_path is None:
            return None
        response = await self._list({}, path=spec.list_path)
        rows: dict[str, list[object]] = {}
        required = (spec.record_id, spec.id.path, spec.text.path, spec.at.path)
        for item in self._decode_answer(response.body, required=tuple(p for p in required if p)):
            rows.setdefault(str(get_path(item, spec.record_id or "")), []).append(item)
        # A bad row is not the record's fault: the record keeps the rest, and says so.
        return {ref: self.mapper.follow_ups(items, ref, spec.list_path) for ref, items in rows.items()}

    async def _per_record_follow_ups(self, mapped: list[SourceComplaint]) -> list[SourceComplaint]:
        """The records with the follow-ups their own endpoint lists (where the mapping has one),
        fetched a few at a time; a follow-up that does not map is left out with a gap on its
        record, and a failing call fails the page."""
        spec = self.spec.follow_ups
        if spec is None or spec.endpoint is None or not mapped:
            return mapped
        slots = asyncio.Semaphore(FOLLOW_UP_CALLS)

        async def one(record: SourceComplaint) -> Found:
            async with slots:
                return await self._record_follow_ups(record.source_id)

        try:
            async with asyncio.TaskGroup() as group:
                tasks = [group.create_task(one(record)) for record in mapped]
        except BaseExceptionGroup as failed:
            raise failed.exceptions[0] from None  # the first failure, as a single call's would be
        return [_joined(record, task.result()) for record, task in zip(mapped, tasks, strict=True)]

    async def _record_follow_ups(self, source_id: str) -> Found:
        spec = self.spec.follow_ups
        assert spec is not None and spec.endpoint is not None
        url, headers, _ = self._authorised(self._url(spec.endpoint, source_id), {})
        try:
            response = await self.client.request("GET", url, headers=headers)
        except UpstreamRejected as exc:
            if exc.status == 404:
                return (), ()  # some systems answer 404 for a record with no follow-ups yet
            raise
        items = self._decode_answer(response.body, records=spec.records)
        return self.mapper.follow_ups(items, source_id, spec.endpoint)

    def _with_follow_ups(self, record: SourceComplaint, separate: dict[str, Found] | None) -> SourceComplaint:
        if separate is not None:
            record = _joined(record, separate.get(record.source_id, ((), ())))
        return replace(record, version=content_version(record))

    @property
    @override
    def says_secret(self) -> bool:
        """Whether this source's records say if they are secret (rahasia)."""
        return "is_secret" in self.spec.fields

    @override
    def cursor_for(self, when: datetime) -> str | None:
        """The `changes` cursor meaning "changed since `when`", where the source filters by time."""
        r = self.spec.request
        return _cursor_text(when, r, self.mapper.zone) if r.since_param else None

    async def changes(self, since: str | None = None) -> AsyncIterator[Batch]:
        """Every page of the source's list (changed since `since`, where the source filters)."""
        r = self.spec.request
        pager = self._pager
        page, cursor, newest = 1, None, None
        link: str | None = None  # the next page's URL, for the styles that follow links
        followed: set[str] = set()  # cursors and links already asked for: a repeat is a loop
        separate = await self._separate_follow_ups()
        for number in range(MAX_PAGES):
            params: dict[str, str] = dict(r.params)  # the mapping's fixed parameters, then the product's own
            if since and r.since_param:
                params[r.since_param] = since
            if r.size_param:
                params[r.size_param] = str(r.size)
            params.update(pager.params(r, page, cursor))
            # A next link carries its own parameters; only the secret is added again.
            response = await (self._follow(link) if link else self._list(params))
            asked = link or self._url(r.path, None) + (f"?{urlencode(params)}" if params else "")
            raw = self._decode_answer(response.body)
            mapped, rejected = self._map_all(raw)
            mapped = await self._per_record_follow_ups(mapped)
            mapped = [self._with_follow_ups(m, separate) for m in mapped]
            notes = self._paging_notes(response, raw) if number == 0 else ()
            ahead = None
            if raw and pager.names_next:
                # Read before the page is handed on: a page that repeats one already read
                # is refused rather than passed on again.
                ahead = self._next(pager, response, asked)
                if ahead is not None and self._seen(ahead, followed):
                    raise DecodeError(self.name, repeat_message(r, ahead, self._shown(ahead)))
            for record in mapped:
                newest = record.updated_at if newest is None else max(newest, record.updated_at)
            resume = _cursor_text(newest, r, self.mapper.zone) if newest else since
            yield Batch(tuple(mapped), tuple(rejected), len(raw), resume, notes)
            if not pager.pages or not raw:
                return
            if pager.names_next:
                if ahead is None:
                    return
                if pager.links:
                    link = ahead
                else:
                    cursor = ahead
                continue
            if r.oldest_first and resume and resume != since:
                # Keyset paging on the update time: offsets would skip records that move
                # to the end of the list because they changed while we paged.
                if len(raw) < r.size:
                    return
                since, page = resume, 1
                continue
            page += 1
        raise DecodeError(self.spec.name, f"still paging after {MAX_PAGES} pages")

    def _seen(self, ahead: str, followed: set[str]) -> bool:
        key = self._auth.strip(ahead, self.spec.request.auth_name)
        if key in followed:
            return True
        followed.add(key)
        return False

    def _shown(self, value: str) -> str:
        """A cursor or link as an error may quote it: never the secret, never very long."""
        if self.secret:
            value = value.replace(self.secret, "***")
        return value if len(value) <= 120 else value[:119] + "…"

    def _paging_notes(self, response: Response, raw: list[RawRecord]) -> tuple[str, ...]:
        r, pager = self.spec.request, self._pager
        if not pager.names_next or not r.size_param or len(raw) < r.size:
            return ()
        return first_page_notes(r, pager.noted(response, lambda: self._json(response.body)), len(raw))

    def _next(self, pager: Paginator, response: Response, asked: str) -> str | None:
        """The next page as the answer names it: a cursor, or a link's absolute URL; None
        at the last page."""
        found = pager.next_of(self.name, self.spec.request, response, lambda: self._json(response.body))
        if found is None or not pager.links:
            return found
        return resolve(self.name, found, asked, self.base_url)

    async def _follow(self, link: str) -> Response:
        """GET a next link as the source wrote it, carrying the secret as the first page did."""
        r = self.spec.request
        link = self._auth.strip(link, r.auth_name)  # the link may echo the secret back
        parts = urlsplit(link)
        # A next link that drops the fixed parameters (an order, say) would page another list.
        carried = {name for name, _ in parse_qsl(parts.query, keep_blank_values=True)}
        missing = {k: v for k, v in r.params.items() if k not in carried}
        if missing:
            parts = parts._replace(query="&".join(q for q in (parts.query, urlencode(missing)) if q))
        url, headers, _ = self._authorised(urlunsplit(parts._replace(query="")), {})
        secret_query = urlsplit(url).query  # the secret, where it travels in the query
        query = "&".join(q for q in (parts.query, secret_query) if q)
        return await self.client.request("GET", urlunsplit(parts._replace(query=query)), headers=headers)

    async def read_one(self, source_id: str) -> SourceComplaint | None:
        """One record by id; None when the source answers 404."""
        spec = self._section(Capability.READ_ONE, self.spec.writes.read_one)
        url, headers, _ = self._authorised(self._url(spec.path, source_id), {})
        try:
            response = await self.client.request("GET", url, headers=headers)
        except UpstreamRejected as exc:
            if exc.status == 404:
                return None
            raise
        document = self._json(response.body)
        raw = get_path(document, spec.record) if spec.record else document
        if not isinstance(raw, dict):
            self.client.unreadable_answer("GET")
            raise DecodeError(self.name, f"expected a record object at '{spec.record or '(root)'}'")
        mapped = await self._per_record_follow_ups([self._map(raw)])
        return self._with_follow_ups(mapped[0], await self._separate_follow_ups())

    async def create(self, complaint: NewComplaint) -> Created:
        """Create a record, so that a retry with the same external_ref creates nothing new."""
        spec = self._section(Capability.CREATE, self.spec.writes.create)
        reporter = complaint.reporter
        values: dict[str, object] = {
            "external_ref": complaint.external_ref,
            "title": complaint.title,
            "content": complaint.content,
            "kode_wilayah": complaint.kode_wilayah,
            "created_at": complaint.created_at,
            "classification": complaint.classification,
            "channel": complaint.channel,
            "incident_date": complaint.incident_date,
            "category_code": complaint.category_code,
            "address": complaint.address,
            "latitude": complaint.latitude,
            "longitude": complaint.longitude,
            "lapor_tracking_id": complaint.lapor_tracking_id,
            "agency_id": complaint.agency_id,
            "is_anonymous": complaint.is_anonymous,
            "is_secret": complaint.is_secret,
            "reporter_name": reporter.name if reporter else None,
            "reporter_nik": reporter.nik if reporter else None,
            "reporter_phone": reporter.phone if reporter else None,
            "reporter_email": reporter.email if reporter else None,
        }
        try:
            response = await self._write(spec, None, values, complaint.external_ref)
        except UpstreamRejected as exc:
            if IDEMPOTENCY[spec.idempotency].answers_conflict and exc.status == spec.conflict_status:
                # The source already holds this record (its unique field): take its id.
                return self._created(spec, exc.body, replayed=True)
            raise
        replayed = response.headers.get("Idempotent-Replayed", "").lower() == "true"
        return self._created(spec, response.body, replayed=replayed)

    async def change_status(self, source_id: str, change: StatusChange) -> None:
        """Set a record's status, in the source's word for it."""
        spec = self._section(Capability.CHANGE_STATUS, self.spec.writes.change_status)
        values = {
            "source_id": source_id,
            "external_ref": change.external_ref,
            "status": change.status,
            "reason": change.reason,
            "unit": change.unit,
        }
        await self._write(spec, source_id, values, change.external_ref)

    async def add_follow_up(self, source_id: str, follow_up: FollowUp) -> None:
        """Add a tindak lanjut or a reporter's reply."""
        spec = self._section(Capability.ADD_FOLLOW_UP, self.spec.writes.follow_up)
        values = {
            "source_id": source_id,
            "external_ref": follow_up.external_ref,
            "text": follow_up.text,
            "at": follow_up.at,
            "author_agency": follow_up.author_agency,
            "from_reporter": follow_up.from_reporter,
        }
        await self._write(spec, source_id, values, follow_up.external_ref)

    @property
    @override
    def takes_pushes(self) -> bool:
        """Records pushed in its own format are mapped like those it lists."""
        return True

    @override
    def map_body(self, body: bytes) -> tuple[list[SourceComplaint], list[MappingError]]:
        """Records pushed to us (a webhook) in this source's own format, mapped."""
        mapped, rejected = self._map_all(self._decode(body))
        return [self._with_follow_ups(m, None) for m in mapped], rejected

    # -- hooks for a Python subclass -------------------------------------------------

    def refine(self, raw: RawRecord, record: SourceComplaint) -> SourceComplaint:
        """Adjust a mapped record using its raw form; may raise MappingError. Default: as is."""
        return record

    def prepare(self, action: str, body: dict[str, Any], values: Mapping[str, object]) -> dict[str, Any]:
        """Adjust a write body before it is sent. Default: as is."""
        return body

    # -- internals -------------------------------------------------------------------

    @property
    def _pager(self) -> Paginator:
        return PAGINATORS[self.spec.request.pagination]

    @property
    def _auth(self) -> Authenticator:
        return AUTHENTICATORS[self.spec.request.auth]

    def _section(self, capability: Capability, section: Any) -> Any:
        if section is None:
            raise Unsupported(
                self.name,
                f"the mapping declares no {capability.value} (capabilities: "
                f"{', '.join(sorted(c.value for c in self.capabilities))})",
            )
        return section

    def _map(self, raw: RawRecord) -> SourceComplaint:
        return self.refine(raw, self.mapper.map(raw))

    def _map_all(self, records: list[RawRecord]) -> tuple[list[SourceComplaint], list[MappingError]]:
        mapped: list[SourceComplaint] = []
        rejected: list[MappingError] = []
        for raw in records:
            try:
                mapped.append(self._map(raw))
            except MappingError as exc:
                rejected.append(exc)
        return mapped, rejected

    def _url(self, path: str, source_id: str | None) -> str:
        if source_id is not None:
            path = path.replace("{id}", quote(source_id, safe=""))
        return f"{self.base_url}{path}"

    def _authorised(self, url: str, params: dict[str, str]) -> tuple[str, dict[str, str], dict[str, str]]:
        """(url with query, headers, body fields) carrying the secret where the mapping says."""
        headers: dict[str, str] = {}
        body: dict[str, str] = {}
        if self.secret:
            headers, in_query, body = self._auth.carry(self.secret, self.spec.request.auth_name)
            params = {**params, **in_query}
        query = f"?{urlencode(params)}" if params else ""
        return f"{url}{query}", headers, body

    async def _list(self, params: dict[str, str], *, path: str | None = None) -> Response:
        r = self.spec.request
        path = path or r.path
        if self.base_url.startswith("file://"):
            return self._read_file(path)
        document = FORMATS[r.format].document(r, params)
        if document is not None:
            url, headers, secret_fields = self._authorised(self._url(path, None), {})
            # A GraphQL read is a POST but changes nothing: safe to retry.
            return await self.client.request(
                "POST", url, headers=headers, json={**document, **secret_fields}, safe_to_retry=True
            )
        if r.method == "POST":
            url, headers, secret_fields = self._authorised(self._url(path, None), {})
            return await self.client.request(
                "POST", url, headers=headers, data={**params, **secret_fields}, safe_to_retry=True
            )
        url, headers, _ = self._authorised(self._url(path, None), params)
        return await self.client.request("GET", url, headers=headers)

    def _read_file(self, path: str) -> Response:
        """An export dropped as a file (e.g. fetched over SFTP by a cron job)."""
        location = Path(unquote(urlsplit(self.base_url).path) + path)
        try:
            size = location.stat().st_size
            if size > self.client.policy.max_body_bytes:
                raise DecodeError(self.name, f"file larger than {self.client.policy.max_body_bytes} bytes")
            return Response(200, {}, location.read_bytes())
        except OSError as exc:
            raise UpstreamRejected(self.name, f"cannot read the export file ({exc.strerror})") from None

    def _decode_answer(
        self, body: bytes, *, required: tuple[str, ...] | None = None, records: str | None = None
    ) -> list[RawRecord]:
        """A list the source answered, decoded (at `records`, else where its records are); one
        it answered unreadably is counted as such (a push, decoded by `map_body`, is not an
        answer of the source's)."""
        try:
            return self._decode(body, required=required, records=records)
        except DecodeError:
            self.client.unreadable_answer(self.spec.request.method)
            raise

    def _decode(
        self, body: bytes, *, required: tuple[str, ...] | None = None, records: str | None = None
    ) -> list[RawRecord]:
        path = self.spec.records_path if records is None else records
        return FORMATS[self.spec.request.format].decode(self.spec, body, path, required=required)

    def _json(self, body: bytes, method: str = "GET") -> object:
        try:
            return json.loads(body)
        except (ValueError, RecursionError):
            self.client.unreadable_answer(method)
            raise DecodeError(self.name, "body is not valid JSON") from None

    async def _write(
        self, spec: WriteSpec, source_id: str | None, values: Mapping[str, object], external_ref: str
    ) -> Response:
        body = self.prepare(
            spec.action,
            build_body(self.name, spec, values, self.spec.maps, self.mapper.zone, kode_wilayah=self.spec.kode_wilayah),
            values,
        )
        url, headers, secret_fields = self._authorised(self._url(spec.path, source_id), {})
        body = {**body, **secret_fields}
        payload: dict[str, object] = (
            {"json": body} if spec.encoding == "json" else {"data": {k: str(v) for k, v in body.items()}}
        )
        style = IDEMPOTENCY[spec.idempotency]
        return await self.client.request(
            spec.method,
            url,
            headers=headers,
            idempotency_key=style.key(spec.action, external_ref),
            idempotency_header=spec.idempotency_header,
            # A repeat answered with a conflict naming the record is harmless: retried freely.
            safe_to_retry=style.answers_conflict,
            **payload,
        )

    def _created(self, spec: WriteSpec, body: bytes, *, replayed: bool) -> Created:
        document = self._json(body, spec.method)
        found = get_path(document, spec.id_path or "")
        if found is MISSING or found in (None, ""):
            self.client.unreadable_answer(spec.method)
            raise DecodeError(self.name, f"the create answer has no id at '{spec.id_path}'")
        tracking = get_path(document, spec.tracking_id_path) if spec.tracking_id_path else None
        return Created(
            source_id=str(found),
            tracking_id=None if tracking in (None, MISSING) else str(tracking),
            replayed=replayed,
        )
