"""Authentication and authorisation errors, each with a stable code.

    AuthError                 401 unless stated
    ├── MissingToken          an operation needs a token and none was sent
    ├── InvalidToken          anything wrong with a token; `code` says what
    │   ├── ExpiredToken      exp has passed (beyond the leeway)
    │   └── UnknownKey        kid (or issuer) names no key we hold
    └── PermissionDenied      403: the caller may not do this

A public family of `schema.errors.PenghubungError`: messages name what was wrong and what
was expected, and never contain token text.
"""

from __future__ import annotations

from schema.errors import PenghubungError


class AuthError(PenghubungError):
    """Base of the tree."""

    code = "UNAUTHENTICATED"
    http_status = 401
    public = True

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __repr__(self) -> str:
        return f"{type(self).__name__}(code={self.code!r}, message={self.message!r})"


class MissingToken(AuthError):
    """No bearer token where one is required."""

    code = "MISSING_TOKEN"


class InvalidToken(AuthError):
    """The token cannot be accepted; `code` narrows down why."""

    code = "INVALID_TOKEN"

    def __init__(self, message: str, *, code: str | None = None) -> None:
        super().__init__(message)
        if code is not None:
            self.code = code  # type: ignore[misc]  # narrows the class's code on this instance


class ExpiredToken(InvalidToken):
    """The token's exp is in the past."""

    code = "EXPIRED_TOKEN"

    def __init__(self) -> None:
        super().__init__("token has expired; expected an exp in the future")


class UnknownKey(InvalidToken):
    """The token's kid names no key of its issuer (also after a refresh)."""

    code = "UNKNOWN_KEY"


class PermissionDenied(AuthError):
    """The caller is known but may not do this."""

    code = "FORBIDDEN"
    http_status = 403
