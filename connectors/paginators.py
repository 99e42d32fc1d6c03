"""How a source's list is paged, by the mapping's `[request] pagination = { style = "..." }`.

Each style is a small class in `PAGINATORS`, looked up by that name. It says which
parameters ask for a page, whether the answer names the next page (a cursor or a link, read
before the page is handed on, so a page that repeats one already read is refused), and
which pagination keys of the mapping it reads (a key another style reads is a mistake to
name, not something to ignore: a next-page URL sent back as a cursor pages forever).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, ClassVar, final

from typing_extensions import override

from connectors.paging import link_in_body, link_in_header
from connectors.paths import MISSING, get_path

if TYPE_CHECKING:
    from connectors.http import Response
    from connectors.spec_types import RequestSpec

__all__ = ["PAGINATORS", "Paginator"]


class Paginator:
    """One page only (`style = "none"`); the base of the other styles."""

    style: ClassVar[str] = "none"
    keys: ClassVar[tuple[str, ...]] = ("size_param", "size")  # the pagination keys it reads
    pages: ClassVar[bool] = False  # whether there can be a page after the first
    names_next: ClassVar[bool] = False  # whether the answer names the next page
    links: ClassVar[bool] = False  # whether what it names is a URL, followed with GET

    def params(self, request: RequestSpec, page: int, cursor: str | None) -> dict[str, str]:
        """The parameters asking for one page (beside the size and the since parameter)."""
        return {}

    def next_of(
        self, source: str, request: RequestSpec, response: Response, document: Callable[[], object]
    ) -> str | None:
        """The next page as the answer names it (a cursor, or a link as written); None at
        the last page. `document` decodes the answer's body as JSON."""
        return None

    def noted(self, response: Response, document: Callable[[], object]) -> object:
        """Where a full first page's answer should name the next one (for the paging notes)."""
        return document()


@final
class PageNumber(Paginator):
    """`?page=1, 2, ...` (or, with `oldest_first`, keyset paging on the update time)."""

    style = "page"
    keys = ("page_param", "size_param", "size", "oldest_first")
    pages = True

    @override
    def params(self, request: RequestSpec, page: int, cursor: str | None) -> dict[str, str]:
        return {request.page_param: str(page)}


@final
class Offset(Paginator):
    """`?offset=0, size, 2*size, ...` with `size_param` asking for `size` records a page,
    until a page comes back empty (or, with `oldest_first`, keyset paging on the update time)."""

    style = "offset"
    keys = ("offset_param", "size_param", "size", "oldest_first")
    pages = True

    @override
    def params(self, request: RequestSpec, page: int, cursor: str | None) -> dict[str, str]:
        return {request.offset_param: str((page - 1) * request.size)}


@final
class Cursor(Paginator):
    """An opaque cursor the answer gives at `next`, sent back as `cursor_param`."""

    style = "cursor"
    keys = ("cursor_param", "next", "size_param", "size")
    pages = True
    names_next = True

    @override
    def params(self, request: RequestSpec, page: int, cursor: str | None) -> dict[str, str]:
        return {request.cursor_param: cursor} if cursor else {}

    @override
    def next_of(
        self, source: str, request: RequestSpec, response: Response, document: Callable[[], object]
    ) -> str | None:
        found = get_path(document(), request.next_cursor)
        return None if found is MISSING or found in (None, "") else str(found)


@final
class NextLink(Paginator):
    """The next page's URL in the answer's body, at `next` (e.g. JSON:API `links.next`)."""

    style = "next_link"
    keys = ("next", "size_param", "size")
    pages = True
    names_next = True
    links = True

    @override
    def next_of(
        self, source: str, request: RequestSpec, response: Response, document: Callable[[], object]
    ) -> str | None:
        return link_in_body(source, document(), request.next_cursor)


@final
class LinkHeader(Paginator):
    """The RFC 8288 `Link: <...>; rel="next"` header."""

    style = "link_header"
    keys = ("size_param", "size")
    pages = True
    names_next = True
    links = True

    @override
    def next_of(
        self, source: str, request: RequestSpec, response: Response, document: Callable[[], object]
    ) -> str | None:
        return link_in_header(response.headers)

    @override
    def noted(self, response: Response, document: Callable[[], object]) -> object:
        return response.headers


PAGINATORS: Mapping[str, Paginator] = {
    p.style: p for p in (Paginator(), PageNumber(), Offset(), Cursor(), NextLink(), LinkHeader())
}
