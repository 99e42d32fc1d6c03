"""Verification keys of an issuer: a static set, or a JWKS document fetched over HTTP.

The JWKS is fetched with aiohttp (PyJWKClient would block the event loop), cached, and
refreshed:
- when it is older than `max_age` (a key removed at the issuer stops working within
  `max_age` plus one request);
- when a token names an unknown kid, at most once per `cooldown` (key rotation), so a flood
  of made-up kids cannot turn into a flood of requests to the identity provider.
If a refresh fails, the keys already held stay in use for up to `max_stale`: an outage of
the identity provider does not lock out holders of valid tokens.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Callable, Collection, Mapping
from typing import Any, Protocol

import aiohttp
from jwt import PyJWK
from jwt.exceptions import InvalidKeyError, PyJWKError

from auth.errors import UnknownKey
from schema.errors import PenghubungError

log = logging.getLogger(__name__)

JWKS_MAX_BYTES = 64 * 1024
DEFAULT_MAX_AGE = 300.0
DEFAULT_COOLDOWN = 30.0
DEFAULT_MAX_STALE = 24 * 3600.0
FETCH_TIMEOUT = aiohttp.ClientTimeout(total=3, connect=2)


class KeySet(Protocol):
    """Where a verifier finds the key for a token's kid."""

    async def key_for(self, kid: str | None) -> Any:
        """The public key for `kid`; raises UnknownKey."""
        ...


class StaticKeys:
    """Keys given in configuration."""

    def __init__(self, keys: Mapping[str, Any]) -> None:
        self._keys = dict(keys)

    async def key_for(self, kid: str | None) -> Any:
        if kid is None and len(self._keys) == 1:
            return next(iter(self._keys.values()))
        if kid is None or kid not in self._keys:
            raise UnknownKey("token names no key this issuer holds; expected a known kid")
        return self._keys[kid]


class JwksFetchError(PenghubungError):
    """The JWKS document could not be fetched or read."""

    code = "JWKS_UNAVAILABLE"


class JwksKeys:
    """Keys from a JWKS URL, cached and rotated as the module docstring describes."""

    def __init__(
        self,
        url: str,
        session: aiohttp.ClientSession,
        *,
        algorithms: Collection[str],
        max_age: float = DEFAULT_MAX_AGE,
        cooldown: float = DEFAULT_COOLDOWN,
        max_stale: float = DEFAULT_MAX_STALE,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.url = url
        self._session = session
        self._algorithms = frozenset(algorithms)
        self.max_age = max_age
        self.cooldown = cooldown
        self.max_stale = max_stale
        self._clock = clock
        self._keys: dict[str, Any] = {}
        self._fetched_at: float | None = None
        self._last_attempt: float | None = None
        self._lock = asyncio.Lock()
        self.fetches = 0

    async def _fetch(self) -> dict[str, Any]:
        self.fetches += 1
        try:
            async with self._session.get(self.url, timeout=FETCH_TIMEOUT, allow_redirects=False) as response:
                if response.status != 200:
                    raise JwksFetchError(f"JWKS answered HTTP {response.status}, expected 200")
                body = b""
                # Read to the end (a body may arrive in pieces), stopping past the cap.
                async for chunk in response.content.iter_chunked(16 * 1024):
                    body += chunk
                    if len(body) > JWKS_MAX_BYTES:
                        raise JwksFetchError(f"JWKS is larger than {JWKS_MAX_BYTES} bytes")
        except (aiohttp.ClientError, TimeoutError) as exc:
            raise JwksFetchError(f"JWKS unreachable ({type(exc).__name__})") from exc
        try:
            entries = json.loads(body)["keys"]
        except (ValueError, KeyError, TypeError) as exc:
            raise JwksFetchError("JWKS is not a JSON object with a keys array") from exc
        if not isinstance(entries, list):
            raise JwksFetchError("JWKS keys is not an array")
        keys: dict[str, Any] = {}
        for entry in entries:
            # Skip, rather than fail on, keys we cannot use: encryption keys, other
            # algorithms, or kinds PyJWT does not know.
            if not isinstance(entry, dict) or entry.get("use", "sig") != "sig":
                continue
            kid = entry.get("kid")
            key = self._key_of(entry)
            if isinstance(kid, str) and key is not None:
                keys[kid] = key
        return keys

    def _key_of(self, entry: dict[str, Any]) -> Any:
        """The entry's key for one of the pinned algorithms, or None.

        `alg` is optional in a JWK; without it, PyJWT guesses one algorithm per key type
        (RS256 for RSA), so each pinned algorithm is tried instead.
        """
        candidates = [entry.get("alg")] if "alg" in entry else sorted(self._algorithms)
        for algorithm in candidates:
            if algorithm not in self._algorithms:
                continue
            try:
                return PyJWK(entry, algorithm=algorithm).key
            except (PyJWKError, InvalidKeyError, ValueError, TypeError):
                continue
        return None

    async def _refresh(self) -> None:
        now = self._clock()
        self._last_attempt = now
        try:
            keys = await self._fetch()
        except JwksFetchError as exc:
            stale = self._fetched_at is not None and now - self._fetched_at > self.max_stale
            log.warning(
                "JWKS refresh failed for %s: %s; %s",
                self.url,
                exc,
                "dropping keys older than max_stale" if stale else "keeping cached keys",
            )
            if stale:
                self._keys = {}
            return
        self._keys = keys
        self._fetched_at = now

    def _expired(self, now: float) -> bool:
        return self._fetched_at is None or now - self._fetched_at > self.max_age

    def _cooled_down(self, now: float) -> bool:
        return self._last_attempt is None or now - self._last_attempt >= self.cooldown

    async def key_for(self, kid: str | None) -> Any:
        now = self._clock()
        if self._expired(now) and self._cooled_down(now):
            async with self._lock:
                if self._expired(self._clock()) and self._cooled_down(self._clock()):
                    await self._refresh()
        if kid is not None and kid not in self._keys and self._cooled_down(self._clock()):
            async with self._lock:
                if kid not in self._keys and self._cooled_down(self._clock()):
                    await self._refresh()
        if kid is None and len(self._keys) == 1:
            return next(iter(self._keys.values()))
        if kid is None or kid not in self._keys:
            raise UnknownKey("token names no key this issuer publishes; expected a known kid")
        return self._keys[kid]
