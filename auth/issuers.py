"""Trusted token issuers: who may sign tokens, with which algorithms and keys.

Read from a strict TOML file (`PENGHUBUNG_AUTH_CONFIG`):

    [[issuer]]
    issuer = "https://sso.example.go.id/realms/lapor"   # compared exactly
    audience = "penghubung"
    algorithms = ["RS256"]                               # pinned; never read from a token
    kinds = ["agency"]                                   # agency | citizen | service
    jwks_url = "https://sso.example.go.id/realms/lapor/certs"   # or: keys = { kid = "key.pem" }
    leeway_seconds = 30
    max_lifetime_seconds = 86400

Only asymmetric algorithms are accepted, so a public key can never be used as an HMAC
secret (algorithm confusion). Unknown keys and bad values are refused with the path, what
was expected and what was found.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from cryptography.hazmat.primitives.serialization import load_pem_public_key

from auth.roles import TokenKind
from schema.errors import ConfigurationError

ASYMMETRIC_ALGORITHMS = frozenset(
    {"RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA"}
)
DEFAULT_LEEWAY = 30.0
DEFAULT_MAX_LIFETIME = 24 * 3600
_LOOPBACK = frozenset({"127.0.0.1", "localhost", "::1"})
_KEYS = {
    "issuer",
    "audience",
    "algorithms",
    "kinds",
    "jwks_url",
    "keys",
    "leeway_seconds",
    "max_lifetime_seconds",
}


class IssuerConfigError(ConfigurationError, ValueError):
    """The issuer configuration is wrong; the message names the path."""

    code = "BAD_ISSUER_CONFIG"


@dataclass(frozen=True, slots=True)
class IssuerConfig:
    """One trusted issuer."""

    issuer: str
    audience: str
    algorithms: tuple[str, ...]
    kinds: frozenset[TokenKind]
    keys: Mapping[str, Any] = field(default_factory=dict)  # kid -> public key
    jwks_url: str | None = None
    leeway: float = DEFAULT_LEEWAY
    max_lifetime: int = DEFAULT_MAX_LIFETIME

    def __post_init__(self) -> None:
        if not self.algorithms or not set(self.algorithms) <= ASYMMETRIC_ALGORITHMS:
            raise IssuerConfigError(
                f"issuer {self.issuer}: algorithms {list(self.algorithms)}, expected a "
                f"non-empty subset of {sorted(ASYMMETRIC_ALGORITHMS)}"
            )
        if bool(self.keys) == bool(self.jwks_url):
            raise IssuerConfigError(f"issuer {self.issuer}: expected exactly one of keys or jwks_url")
        if not self.kinds:
            raise IssuerConfigError(f"issuer {self.issuer}: expected at least one kind")


def _fail(path: str, expected: str, found: object) -> IssuerConfigError:
    return IssuerConfigError(f"{path}: expected {expected}, found {found!r}")


def _str(entry: Mapping[str, Any], key: str, path: str) -> str:
    value = entry.get(key)
    if not isinstance(value, str) or not value:
        raise _fail(f"{path}.{key}", "a non-empty string", value)
    return value


def _parse_issuer(entry: Mapping[str, Any], path: str, base_dir: Path) -> IssuerConfig:
    unknown = set(entry) - _KEYS
    if unknown:
        raise _fail(path, f"only the keys {sorted(_KEYS)}", sorted(unknown))
    algorithms = entry.get("algorithms")
    if not isinstance(algorithms, list) or not all(isinstance(a, str) for a in algorithms):
        raise _fail(f"{path}.algorithms", "a list of algorithm names", algorithms)
    kinds_raw = entry.get("kinds")
    valid_kinds = {k.name.lower(): k for k in TokenKind}
    if (
        not isinstance(kinds_raw, list)
        or not kinds_raw
        or not all(isinstance(k, str) and k in valid_kinds for k in kinds_raw)
    ):
        raise _fail(f"{path}.kinds", f"a list from {sorted(valid_kinds)}", kinds_raw)
    keys: dict[str, Any] = {}
    raw_keys = entry.get("keys", {})
    if not isinstance(raw_keys, dict):
        raise _fail(f"{path}.keys", "a table of kid = PEM file path", raw_keys)
    for kid, file in raw_keys.items():
        try:
            keys[kid] = load_pem_public_key((base_dir / str(file)).read_bytes())
        except (OSError, ValueError) as exc:
            raise _fail(f"{path}.keys.{kid}", "a readable PEM public key file", str(file)) from exc
    jwks_url = entry.get("jwks_url")
    if jwks_url is not None:
        parts = urlsplit(str(jwks_url))
        # Plain HTTP would let anyone on the path publish keys; only loopback is exempt
        # (a local identity provider, and tests).
        if not (parts.scheme == "https" or (parts.scheme == "http" and parts.hostname in _LOOPBACK)):
            raise _fail(f"{path}.jwks_url", "an https:// URL (http:// only on loopback)", jwks_url)
    numbers: dict[str, float] = {}
    for key, default in (("leeway_seconds", DEFAULT_LEEWAY), ("max_lifetime_seconds", DEFAULT_MAX_LIFETIME)):
        value = entry.get(key, default)
        if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
            raise _fail(f"{path}.{key}", "a number of seconds, 0 or more", value)
        numbers[key] = value
    try:
        return IssuerConfig(
            issuer=_str(entry, "issuer", path),
            audience=_str(entry, "audience", path),
            algorithms=tuple(algorithms),
            kinds=frozenset(valid_kinds[k] for k in kinds_raw),
            keys=keys,
            jwks_url=jwks_url,
            leeway=float(numbers["leeway_seconds"]),
            max_lifetime=int(numbers["max_lifetime_seconds"]),
        )
    except IssuerConfigError as exc:
        raise IssuerConfigError(f"{path}: {exc}") from None


def load_issuers(path: Path) -> list[IssuerConfig]:
    """Parse an issuer file; key file paths are relative to it."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise IssuerConfigError(f"{path}: not valid TOML ({exc})") from None
    unknown = set(data) - {"issuer"}
    if unknown:
        raise _fail(str(path), "only [[issuer]] tables", sorted(unknown))
    entries = data.get("issuer", [])
    if not isinstance(entries, list):
        raise _fail(f"{path}.issuer", "an array of tables ([[issuer]])", type(entries).__name__)
    issuers = [_parse_issuer(e, f"issuer[{i}]", path.parent) for i, e in enumerate(entries)]
    seen: set[str] = set()
    for i, issuer in enumerate(issuers):
        if issuer.issuer in seen:
            raise _fail(f"{path}: issuer[{i}].issuer", "each issuer listed once", issuer.issuer)
        seen.add(issuer.issuer)
    return issuers
