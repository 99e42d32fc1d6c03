"""Where a source's secret travels, by the mapping's `[request] auth = { kind = "..." }`.

Each kind is a small class in `AUTHENTICATORS`, looked up by that name: it puts the secret
in a header, the query or the form body, and takes it out of a link the source echoes back
(a next-page URL must never be followed, nor quoted, with a secret it carries).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import ClassVar, final

from typing_extensions import override

from connectors.paging import without_param

__all__ = ["AUTHENTICATORS", "Authenticator", "Carried"]

# (headers, query parameters, form or document fields) that carry the secret.
Carried = tuple[dict[str, str], dict[str, str], dict[str, str]]


class Authenticator:
    """No secret at all (`kind = "none"`); the base of the other kinds."""

    kind: ClassVar[str] = "none"
    named: ClassVar[bool] = False  # whether `name` says which header, parameter or field
    post_only: ClassVar[bool] = False  # whether it can only travel in a POST body

    def carry(self, secret: str, name: str | None) -> Carried:
        """Where the secret goes for one request."""
        return {}, {}, {}

    def strip(self, url: str, name: str | None) -> str:
        """`url` without the secret, where this kind puts it in the URL."""
        return url


@final
class Bearer(Authenticator):
    """`Authorization: Bearer <secret>`."""

    kind = "bearer"

    @override
    def carry(self, secret: str, name: str | None) -> Carried:
        return {"Authorization": f"Bearer {secret}"}, {}, {}


@final
class Header(Authenticator):
    """A header of its own, e.g. `x-api-key`."""

    kind = "header"
    named = True

    @override
    def carry(self, secret: str, name: str | None) -> Carried:
        return ({name: secret} if name else {}), {}, {}


@final
class Query(Authenticator):
    """A query parameter, e.g. `?key=`."""

    kind = "query"
    named = True

    @override
    def carry(self, secret: str, name: str | None) -> Carried:
        return {}, ({name: secret} if name else {}), {}

    @override
    def strip(self, url: str, name: str | None) -> str:
        return without_param(url, name)


@final
class Body(Authenticator):
    """A field of the POSTed form or document."""

    kind = "body"
    named = True
    post_only = True

    @override
    def carry(self, secret: str, name: str | None) -> Carried:
        return {}, {}, ({name: secret} if name else {})


AUTHENTICATORS: Mapping[str, Authenticator] = {
    a.kind: a for a in (Authenticator(), Bearer(), Header(), Query(), Body())
}
