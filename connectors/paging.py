"""Following a source's own next-page links: where the link is, what it resolves to, and
whether it may be followed; and what to say when paging goes wrong.

A next link comes from the source's answer (a body field for `style = "next_link"`, the
RFC 8288 `Link: <...>; rel="next"` header for `style = "link_header"`). It may be absolute or
relative; it is resolved against the URL that was asked, and followed only when it stays on
the source's own scheme, host and port: an answer must never make the gateway send the
source's secret to a host nobody configured.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import TYPE_CHECKING
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

from connectors.errors import DecodeError
from connectors.paths import MISSING, get_path

if TYPE_CHECKING:
    from connectors.spec_types import RequestSpec

_DEFAULT_PORTS = {"http": 80, "https": 443}
# One link-value of a Link header: <target> followed by ;-separated parameters.
_LINK_VALUE = re.compile(r"<([^>]*)>((?:\s*;\s*[^;,]+)*)")
_REL = re.compile(r"""rel\s*=\s*(?:"([^"]*)"|([^\s;,"]+))""", re.IGNORECASE)


def link_in_header(headers: Mapping[str, str]) -> str | None:
    """The target of the `rel="next"` link of a Link header, or None."""
    value = next((v for k, v in headers.items() if k.lower() == "link"), None)
    if not value:
        return None
    for target, params in _LINK_VALUE.findall(value):
        rel = _REL.search(params)
        # rel may hold several space-separated relation types ("next last").
        if rel and "next" in (rel.group(1) or rel.group(2) or "").lower().split():
            return target.strip() or None
    return None


def link_in_body(source: str, document: object, path: str) -> str | None:
    """The next page's URL at `path` of a decoded answer; None when absent, null or empty.

    A JSON:API link object (`{"href": "..."}`) counts as its href.
    """
    found = get_path(document, path)
    if isinstance(found, Mapping) and "href" in found:
        found = found["href"]
    if found is MISSING or found is None or found == "":
        return None
    if not isinstance(found, str):
        raise DecodeError(source, f"expected the next page's URL at '{path}'; found a {type(found).__name__}")
    return found


def origin(url: str) -> tuple[str, str, int | None]:
    """(scheme, host, port) of a URL, the port filled in where the scheme implies it."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    return scheme, (parts.hostname or "").lower(), parts.port or _DEFAULT_PORTS.get(scheme)


def resolve(source: str, link: str, asked: str, base_url: str) -> str:
    """The absolute URL of `link` (relative to the URL `asked`); a DecodeError when it leaves
    the source's origin (only the origin is quoted: a URL's query may hold a secret)."""
    url = urljoin(asked, link.strip())
    if origin(url) != origin(base_url):
        scheme, host, port = origin(url)
        raise DecodeError(
            source,
            f"the next page link points to {scheme}://{host}:{port}, not to the source's own "
            f"{'://'.join(origin(base_url)[:2])}:{origin(base_url)[2]}; it is not followed",
        )
    return url


def without_param(url: str, name: str | None) -> str:
    """`url` without the query parameter `name` (a secret a link may echo back)."""
    if not name:
        return url
    parts = urlsplit(url)
    kept = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != name]
    return urlunsplit(parts._replace(query=urlencode(kept)))


def repeat_message(request: RequestSpec, value: str, shown: str) -> str:
    """Why paging stopped at a cursor or link already followed (`shown`: `value` as it may
    be quoted), and the likely fix: a repeat means the source sent a page already read."""
    if request.pagination == "cursor":
        looks_like_link = value.startswith(("http://", "https://", "/", "?"))
        hint = (
            'if it is a next-page URL use style = "next_link"'
            if looks_like_link
            else f"the source seems to ignore the parameter '{request.cursor_param}' (check cursor_param)"
        )
        return f"the cursor at '{request.next_cursor}' repeated ('{shown}' was already followed); {hint}"
    where = (
        'the Link header\'s rel="next"'
        if request.pagination == "link_header"
        else f"the next link at '{request.next_cursor}'"
    )
    return (
        f"{where} repeated ('{shown}' was already followed): the source sends a page already read; "
        "check that it names the next page and not this one (e.g. links.next, not links.self)"
    )


def first_page_notes(request: RequestSpec, document: object, count: int) -> tuple[str, ...]:
    """What a person must check about a full first page (`count` records, as many as asked
    for): an answer with nothing at all at the declared next path means paging stops after
    it, although more records likely follow (a last page usually says null instead).
    For `link_header`, `document` is the answer's headers, and a Link header of any kind is
    enough (a last page often still links to the first)."""
    if request.pagination == "link_header":
        if isinstance(document, Mapping) and any(k.lower() == "link" for k in document):
            return ()
        return (
            f"the first page is full ({count} records, size {request.size}) but its answer has no Link "
            "header: later pages, if any, are not read; check that the system sends one (else use another style)",
        )
    if get_path(document, request.next_cursor) is not MISSING:
        return ()
    return (
        f"the first page is full ({count} records, size {request.size}) but its answer has nothing at "
        f"'{request.next_cursor}' (pagination.next): later pages, if any, are not read; check the path",
    )
