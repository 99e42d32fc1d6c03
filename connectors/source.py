"""HttpSource: a mapping file made live. Lists a source's records page by page over HTTP,
decodes them in the declared format and maps them; bad records are reported, not fatal."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from dataclasses import dataclass
from urllib.parse import urlencode

from connectors.errors import DecodeError
from connectors.formats import decode_csv, decode_json, decode_xml
from connectors.http import UpstreamClient
from connectors.mapping import MISSING, Mapper, MappingError, get_path
from connectors.records import RawRecord, SourceComplaint
from connectors.spec import SourceSpec

MAX_PAGES = 10_000  # a source that never stops paging is a bug on one side or the other


@dataclass(frozen=True, slots=True)
class Batch:
    """One page: what mapped, what did not, and where the next page starts."""

    records: tuple[SourceComplaint, ...]
    rejected: tuple[MappingError, ...]
    raw_count: int


class HttpSource:
    """Reads one source described by a SourceSpec."""

    def __init__(self, spec: SourceSpec, client: UpstreamClient, base_url: str, *, secret: str | None = None) -> None:
        self.spec = spec
        self.client = client
        self.base_url = base_url.rstrip("/")
        self.secret = secret
        self.mapper = Mapper(spec)

    def _request(self, params: dict[str, str]) -> tuple[str, dict[str, str]]:
        r = self.spec.request
        headers: dict[str, str] = {}
        if r.auth == "bearer" and self.secret:
            headers["Authorization"] = f"Bearer {self.secret}"
        elif r.auth == "header" and self.secret and r.auth_name:
            headers[r.auth_name] = self.secret
        elif r.auth == "query" and self.secret and r.auth_name:
            params = {**params, r.auth_name: self.secret}
        query = f"?{urlencode(params)}" if params else ""
        return f"{self.base_url}{r.path}{query}", headers

    def _decode(self, body: bytes) -> list[RawRecord]:
        r, name = self.spec.request, self.spec.name
        if r.format == "csv":
            required = tuple(
                f.path for f in self.spec.fields.values() if f.path and not f.optional and f.default is None
            )
            return decode_csv(
                name, body, encoding=self.spec.encoding, delimiter=r.delimiter, required_columns=required
            )
        if r.format == "xml":
            return decode_xml(name, body, self.spec.records_path)
        return decode_json(name, body, self.spec.records_path)

    def _next_cursor(self, body: bytes) -> str | None:
        try:
            found = get_path(json.loads(body), self.spec.request.next_cursor)
        except (ValueError, RecursionError):
            raise DecodeError(self.spec.name, "body is not valid JSON") from None
        return None if found is MISSING or found in (None, "") else str(found)

    async def pages(self, *, since: str | None = None) -> AsyncIterator[Batch]:
        """Every page of the source's list, in order, each mapped."""
        r = self.spec.request
        page, cursor = 1, None
        for _ in range(MAX_PAGES):
            params: dict[str, str] = {}
            if since and r.since_param:
                params[r.since_param] = since
            if r.size_param:
                params[r.size_param] = str(r.size)
            if r.pagination == "page":
                params[r.page_param] = str(page)
            elif r.pagination == "cursor" and cursor:
                params[r.cursor_param] = cursor
            url, headers = self._request(params)
            response = await self.client.request("GET", url, headers=headers)
            raw = self._decode(response.body)
            mapped, rejected = self.mapper.map_all(raw)
            yield Batch(tuple(mapped), tuple(rejected), len(raw))
            if r.pagination == "none" or not raw:
                return
            if r.pagination == "cursor":
                cursor = self._next_cursor(response.body)
                if cursor is None:
                    return
            page += 1
        raise DecodeError(self.spec.name, f"still paging after {MAX_PAGES} pages")
