"""TokenVerifier: a bearer token in, a Principal out, or an AuthError with a stable code.

Following RFC 8725 (JWT best current practice):
- size and shape are checked before any parsing;
- the issuer is matched exactly; its algorithms are pinned by configuration and its keys
  come only from its own key set (`kid` selects, never supplies, a key);
- `jwk`, `jku`, `x5u`, `x5c`, `x5t` headers and any `crit` header are refused;
- `typ` is explicit and decides the token kind; each kind may only carry its own roles;
- `exp`, `iat`, `iss`, `aud` and `sub` are required; `aud` must equal ours exactly; the
  lifetime is bounded; the leeway is small and configured.
No message ever contains token text.

A signature that verified is remembered for the (token, key, algorithm) it was checked
with (`_signature_verified`, a bounded LRU): callers send the same token on every
request, and an ECDSA check is most of what a request refused by the rate limit costs.
Only the signature is remembered, and only while the issuer still hands out that key
object for the token's `kid` (a rotated or withdrawn key is a different lookup, so no
hit); every claim, `exp` first, is checked again on every request.
"""

from __future__ import annotations

import base64
import functools
import json
import re
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import jwt

from auth.errors import ExpiredToken, InvalidToken
from auth.issuers import IssuerConfig
from auth.keys import KeySet
from auth.principal import Principal
from auth.roles import (
    KNOWN_SCOPES,
    NEEDS_AGENCY,
    NEEDS_REGION,
    ROLES_BY_KIND,
    Role,
    TokenKind,
)

if TYPE_CHECKING:
    from jwt.types import Options

MAX_TOKEN_BYTES = 8 * 1024
_SHAPE = re.compile(r"^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$")
_FORBIDDEN_HEADERS = frozenset({"jku", "jwk", "x5u", "x5c", "x5t", "x5t#S256"})
_KNOWN_HEADERS = frozenset({"alg", "typ", "kid", "cty"})
_KODE_WILAYAH = re.compile(r"^\d{2}(\.\d{2}(\.\d{2}(\.\d{4})?)?)?$")
_ID = re.compile(r"^[A-Za-z0-9._:@-]{1,120}$")
SUBJECT_PATTERN = _ID
REQUIRED_CLAIMS = ("exp", "iat", "iss", "aud", "sub")
# Signatures remembered (module docstring): at most this many tokens of MAX_TOKEN_BYTES.
VERIFIED_SIGNATURES = 512
# The claims PyJWT checks, named because the signature is checked apart from them.
_CLAIM_CHECKS: Options = {
    "verify_signature": False,
    "verify_exp": True,
    "verify_nbf": True,
    "verify_iat": True,
    "verify_aud": True,
    "verify_iss": True,
    "require": list(REQUIRED_CLAIMS),
    "strict_aud": True,
}


class _SameKey:
    """A key as a cache key, equal only to the very same key object. Key objects are
    not hashable; the cache holds this wrapper, so the object (and its id) lives while
    cached."""

    __slots__ = ("key",)

    def __init__(self, key: Any) -> None:
        self.key = key

    def __hash__(self) -> int:
        return id(self.key)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _SameKey) and other.key is self.key


@functools.lru_cache(maxsize=VERIFIED_SIGNATURES)
def _verified(token: str, key: _SameKey, algorithm: str) -> bool:
    jwt.api_jws.decode_complete(token, key.key, algorithms=[algorithm])
    return True


def _signature_verified(token: str, key: Any, algorithm: str) -> bool:
    """True once the token's signature verified with `key`; raises PyJWT's error if it
    does not (an error is not remembered: a bad signature is checked each time it comes)."""
    return _verified(token, _SameKey(key), algorithm)


def _invalid(code: str, message: str) -> InvalidToken:
    return InvalidToken(message, code=code)


def _segment_json(segment: str) -> dict[str, Any] | None:
    """A base64url JSON object, or None. Parsed here so that our checks (crit, jku...)
    come before PyJWT's own, which would hide them behind a generic error."""
    try:
        value = json.loads(base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4)))
    except (ValueError, RecursionError):
        return None
    return value if isinstance(value, dict) else None


def _header(token: str) -> dict[str, Any]:
    if len(token) > MAX_TOKEN_BYTES:
        raise _invalid("TOKEN_TOO_LARGE", f"token is {len(token)} bytes; expected at most {MAX_TOKEN_BYTES}")
    if not _SHAPE.match(token):
        raise _invalid("MALFORMED_TOKEN", "token is not three base64url parts joined by dots")
    header = _segment_json(token.split(".", 1)[0])
    if header is None:
        raise _invalid("MALFORMED_TOKEN", "token header is not a JSON object")
    forbidden = _FORBIDDEN_HEADERS & header.keys()
    if forbidden:
        raise _invalid(
            "FORBIDDEN_HEADER",
            f"token header carries {sorted(forbidden)}; keys are never taken from a token",
        )
    if "crit" in header:
        raise _invalid("UNSUPPORTED_CRITICAL_HEADER", "token header has crit; none is supported")
    unknown = header.keys() - _KNOWN_HEADERS
    if unknown:
        raise _invalid("UNKNOWN_HEADER", f"token header has {sorted(unknown)}; expected only alg, typ, kid")
    if not isinstance(header.get("alg"), str):
        raise _invalid("MALFORMED_TOKEN", "token header has no alg")
    kid = header.get("kid")
    if kid is not None and (not isinstance(kid, str) or not _ID.match(kid)):
        raise _invalid("MALFORMED_TOKEN", "token kid is not a short identifier")
    return header


def _kind(header: Mapping[str, Any]) -> TokenKind:
    typ = header.get("typ")
    for kind in TokenKind:
        if isinstance(typ, str) and typ.lower() == kind.value:
            return kind
    expected = ", ".join(k.value for k in TokenKind)
    # The value itself is not repeated: it is attacker-controlled text.
    raise _invalid("BAD_TOKEN_TYPE", f"token typ is not one we accept; expected one of {expected}")


def _decode_error(exc: jwt.PyJWTError, issuer: IssuerConfig) -> InvalidToken:
    if isinstance(exc, jwt.ExpiredSignatureError):
        return ExpiredToken()
    if isinstance(exc, jwt.ImmatureSignatureError):
        return _invalid("TOKEN_NOT_YET_VALID", "token iat or nbf is in the future")
    if isinstance(exc, jwt.InvalidAudienceError):
        return _invalid("BAD_AUDIENCE", f"token audience is not exactly '{issuer.audience}'")
    if isinstance(exc, jwt.InvalidIssuerError):
        return _invalid("UNKNOWN_ISSUER", "token issuer is not one we trust")
    if isinstance(exc, jwt.MissingRequiredClaimError):
        return _invalid(
            "MISSING_CLAIM",
            f"token lacks the {exc.claim} claim; expected {', '.join(REQUIRED_CLAIMS)}",
        )
    if isinstance(exc, jwt.InvalidSignatureError):
        return _invalid("BAD_SIGNATURE", "token signature does not verify")
    if isinstance(exc, jwt.InvalidAlgorithmError):
        return _invalid("BAD_ALGORITHM", "token algorithm is not allowed for its issuer")
    if isinstance(exc, jwt.exceptions.InvalidSubjectError):
        return _invalid("BAD_CLAIM", "token sub is not a string")
    return _invalid("INVALID_TOKEN", f"token is invalid ({type(exc).__name__})")


def _roles(claims: Mapping[str, Any], kind: TokenKind) -> frozenset[Role]:
    raw = claims.get("roles")
    valid = {r.value: r for r in Role if r is not Role.PUBLIC}
    if not isinstance(raw, list) or not raw or not all(isinstance(r, str) and r in valid for r in raw):
        raise _invalid("BAD_CLAIM", f"token roles must be a non-empty list from {sorted(valid)}")
    roles = frozenset(valid[r] for r in raw)
    if not roles <= ROLES_BY_KIND[kind]:
        allowed = sorted(r.value for r in ROLES_BY_KIND[kind])
        raise _invalid(
            "ROLE_NOT_ALLOWED_FOR_TOKEN_TYPE",
            f"a {kind.value} token may only carry roles {allowed}",
        )
    return roles


def _principal(claims: Mapping[str, Any], kind: TokenKind, issuer: IssuerConfig) -> Principal:
    sub = claims["sub"]
    if not isinstance(sub, str) or not _ID.match(sub):
        raise _invalid("BAD_CLAIM", "token sub must be a short identifier")
    roles = _roles(claims, kind)
    agency = claims.get("agency")
    if agency is not None and (not isinstance(agency, str) or not _ID.match(agency)):
        raise _invalid("BAD_CLAIM", "token agency must be an agency id")
    region = claims.get("kode_wilayah")
    if region is not None and (not isinstance(region, str) or not _KODE_WILAYAH.match(region)):
        raise _invalid("BAD_CLAIM", "token kode_wilayah must be a Kemendagri code like 16.05")
    scope = claims.get("scope", "")
    scopes = frozenset(scope.split()) if isinstance(scope, str) else None
    if scopes is None or not scopes <= KNOWN_SCOPES:
        raise _invalid("BAD_CLAIM", f"token scope must be words from {sorted(KNOWN_SCOPES)}")
    if roles & NEEDS_AGENCY and agency is None:
        raise _invalid("MISSING_CLAIM", "token lacks the agency claim its roles need")
    if roles & NEEDS_REGION and region is None:
        raise _invalid("MISSING_CLAIM", "token lacks the kode_wilayah claim its roles need")
    exp, iat = claims["exp"], claims["iat"]
    if not all(isinstance(v, int | float) and not isinstance(v, bool) for v in (exp, iat)):
        raise _invalid("BAD_CLAIM", "token exp and iat must be NumericDate numbers")
    lifetime = exp - iat
    if lifetime > issuer.max_lifetime:
        raise _invalid(
            "TOKEN_LIFETIME_TOO_LONG",
            f"token lives {lifetime} s; expected at most {issuer.max_lifetime} s",
        )
    return Principal(
        subject=sub,
        roles=roles,
        kind=kind,
        issuer=issuer.issuer,
        agency_id=agency,
        kode_wilayah=region,
        scopes=scopes,
        expires_at=datetime.fromtimestamp(exp, UTC),
    )


class TokenVerifier:
    """Verifies bearer tokens against the configured issuers."""

    def __init__(self, issuers: Sequence[IssuerConfig], keysets: Mapping[str, KeySet]) -> None:
        self._issuers = {i.issuer: i for i in issuers}
        missing = self._issuers.keys() - keysets.keys()
        if missing:
            raise ValueError(f"no key set for issuers {sorted(missing)}")
        self._keysets = dict(keysets)

    async def verify(self, token: str) -> Principal:
        """The principal a token stands for.

        Raises:
            InvalidToken: with a code saying what was wrong (ExpiredToken, UnknownKey...).
        """
        header = _header(token)
        kind = _kind(header)
        try:
            unverified = jwt.decode(token, options={"verify_signature": False})
        except jwt.PyJWTError:
            raise _invalid("MALFORMED_TOKEN", "token payload is not a JSON object") from None
        iss = unverified.get("iss")
        issuer = self._issuers.get(iss) if isinstance(iss, str) else None
        if issuer is None:
            raise _invalid("UNKNOWN_ISSUER", "token issuer is not one we trust")
        if header["alg"] not in issuer.algorithms:
            raise _invalid(
                "BAD_ALGORITHM",
                f"token algorithm is not allowed for its issuer; expected {list(issuer.algorithms)}",
            )
        if kind not in issuer.kinds:
            raise _invalid("BAD_TOKEN_TYPE", f"issuer does not issue {kind.value} tokens")
        key = await self._keysets[issuer.issuer].key_for(header.get("kid"))
        try:
            _signature_verified(token, key, header["alg"])
            claims = jwt.decode(
                token,
                algorithms=[header["alg"]],
                audience=issuer.audience,
                issuer=issuer.issuer,
                leeway=issuer.leeway,
                options=_CLAIM_CHECKS,
            )
        except jwt.PyJWTError as exc:
            raise _decode_error(exc, issuer) from None
        except (TypeError, ValueError):
            # A key of the wrong type for the algorithm, or a claim of the wrong type.
            raise _invalid("INVALID_TOKEN", "token cannot be verified with its issuer's key") from None
        return _principal(claims, kind, issuer)
