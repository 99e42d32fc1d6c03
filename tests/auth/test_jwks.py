"""JWKS key sets over real HTTP: rotation, cooldown, outages, removal, bad answers."""

from __future__ import annotations

import asyncio
import gzip
import json
import math
import time
import uuid
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from typing import Any

import aiohttp
import jwt
import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from jwt.algorithms import ECAlgorithm, RSAAlgorithm

from auth.errors import InvalidToken, UnknownKey
from auth.issuers import IssuerConfig
from auth.keys import JWKS_MAX_BYTES, JwksKeys
from auth.roles import Role, TokenKind
from auth.tokens import TokenVerifier

ISSUER = "https://sso.test/realms/lapor"
AUDIENCE = "penghubung"
MAX_AGE = 300.0
COOLDOWN = 30.0
MAX_STALE = 3600.0


# --- keys and tokens -----------------------------------------------------------------


@dataclass(frozen=True)
class SigningKey:
    """An issuer's signing key, as the IdP holds it."""

    kid: str
    private: Any = field(default_factory=lambda: ec.generate_private_key(ec.SECP256R1()))

    def jwk(self, **changes: Any) -> dict[str, Any]:
        """The public JWK as the IdP publishes it (members set to None dropped)."""
        public = self.private.public_key()
        if isinstance(public, rsa.RSAPublicKey):
            entry = json.loads(RSAAlgorithm.to_jwk(public)) | {"alg": "RS256"}
        else:
            entry = json.loads(ECAlgorithm.to_jwk(public)) | {"alg": "ES256"}
        entry |= {"kid": self.kid, "use": "sig"} | changes
        return {k: v for k, v in entry.items() if v is not None}

    def token(self, alg: str = "ES256") -> str:
        now = int(time.time())
        claims = {
            "iss": ISSUER,
            "aud": AUDIENCE,
            "sub": "officer-1",
            "iat": now,
            "exp": now + 600,
            "roles": ["national_admin"],
        }
        return jwt.encode(
            claims,
            self.private,
            algorithm=alg,
            headers={"kid": self.kid, "typ": "agency+jwt"},
        )


def fresh_key(prefix: str = "k") -> SigningKey:
    return SigningKey(f"{prefix}-{uuid.uuid4().hex[:8]}")


# --- a JWKS endpoint the test controls ----------------------------------------------


class JwksServer:
    """A real HTTP server on 127.0.0.1 serving /jwks; the test sets what it answers.

    `mode` is one of: ok, http-500, timeout, redirect, oversized, gzip-bomb, not-json,
    no-keys-member, keys-not-array, chunked. /elsewhere (the redirect target) serves
    `elsewhere`; it must never be asked.
    """

    def __init__(self) -> None:
        self.document: dict[str, Any] = {"keys": []}
        self.elsewhere: dict[str, Any] = {"keys": []}
        self.mode = "ok"
        self.requests = 0
        self.elsewhere_requests = 0
        self.release = asyncio.Event()
        app = web.Application()
        app.router.add_get("/jwks", self._jwks)
        app.router.add_get("/elsewhere", self._elsewhere)
        self._server = TestServer(app, host="127.0.0.1")
        self._running = False

    @property
    def url(self) -> str:
        return str(self._server.make_url("/jwks"))

    def publish(self, *entries: dict[str, Any]) -> None:
        self.document = {"keys": list(entries)}

    async def start(self) -> None:
        await self._server.start_server()
        self._running = True

    async def stop(self) -> None:
        """Stop listening: from now on, connections are refused."""
        self.release.set()
        if self._running:
            self._running = False
            await self._server.close()

    async def _elsewhere(self, request: web.Request) -> web.Response:
        self.elsewhere_requests += 1
        return web.json_response(self.elsewhere)

    async def _jwks(self, request: web.Request) -> web.StreamResponse:
        self.requests += 1
        body = json.dumps(self.document).encode()
        match self.mode:
            case "ok":
                return web.Response(body=body, content_type="application/json")
            case "http-500":
                return web.Response(status=500, text="internal error")
            case "timeout":
                await asyncio.wait_for(self.release.wait(), 60)
                return web.Response(body=body, content_type="application/json")
            case "redirect":
                raise web.HTTPFound(location="/elsewhere")
            case "oversized":
                # Valid JSON, with the keys after the padding.
                padded = {"padding": "x" * (JWKS_MAX_BYTES + 1), **self.document}
                return web.json_response(padded)
            case "gzip-bomb":
                bomb = gzip.compress(body[:-1] + b" " * (16 * 1024 * 1024) + b"}")
                return web.Response(
                    body=bomb,
                    headers={
                        "content-type": "application/json",
                        "content-encoding": "gzip",
                    },
                )
            case "not-json":
                return web.Response(text="<html>Service Unavailable</html>", content_type="text/html")
            case "no-keys-member":
                return web.json_response({"jwks": self.document["keys"]})
            case "keys-not-array":
                return web.json_response({"keys": {k["kid"]: k for k in self.document["keys"]}})
            case "chunked":
                response = web.StreamResponse(headers={"content-type": "application/json"})
                await response.prepare(request)
                half = len(body) // 2
                await response.write(body[:half])
                await asyncio.sleep(0.05)
                await response.write(body[half:])
                await response.write_eof()
                return response
        raise AssertionError(f"unknown mode {self.mode}")


class Clock:
    """A monotonic clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def set(self, seconds_since_start: float) -> None:
        self.now = 1000.0 + seconds_since_start


@pytest.fixture
async def server() -> AsyncIterator[JwksServer]:
    s = JwksServer()
    await s.start()
    try:
        yield s
    finally:
        await s.stop()


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def make_keyset(server: JwksServer, session: aiohttp.ClientSession, clock: Clock) -> Callable[..., JwksKeys]:
    def build(algorithms: tuple[str, ...] = ("ES256",)) -> JwksKeys:
        return JwksKeys(
            server.url,
            session,
            algorithms=algorithms,
            max_age=MAX_AGE,
            cooldown=COOLDOWN,
            max_stale=MAX_STALE,
            clock=clock,
        )

    return build


@pytest.fixture
def keyset(make_keyset: Callable[..., JwksKeys]) -> JwksKeys:
    return make_keyset()


def verifier_for(keyset: JwksKeys, algorithms: tuple[str, ...] = ("ES256",)) -> TokenVerifier:
    issuer = IssuerConfig(
        issuer=ISSUER,
        audience=AUDIENCE,
        algorithms=algorithms,
        kinds=frozenset(TokenKind),
        jwks_url=keyset.url,
    )
    return TokenVerifier([issuer], {ISSUER: keyset})


@pytest.fixture
def verifier(
    keyset: JwksKeys,
) -> TokenVerifier:  # shadows the dev-key verifier of tests/conftest.py
    return verifier_for(keyset)


async def outcome(verifier: TokenVerifier, token: str) -> str:
    """ "ok" if the token verifies, else the refusal code."""
    try:
        principal = await verifier.verify(token)
    except InvalidToken as error:
        return error.code
    assert principal.roles == {Role.NATIONAL_ADMIN}
    return "ok"


# --- (a) published keys --------------------------------------------------------------


async def test_token_signed_by_a_published_key_verifies(
    server: JwksServer, keyset: JwksKeys, verifier: TokenVerifier
) -> None:
    key = fresh_key()
    server.publish(key.jwk())
    principal = await verifier.verify(key.token())
    assert (principal.issuer, principal.subject, principal.kind) == (
        ISSUER,
        "officer-1",
        TokenKind.AGENCY,
    )
    assert await outcome(verifier, key.token()) == "ok"
    assert server.requests == 1  # cached


async def test_token_signed_by_an_unpublished_key_is_refused(server: JwksServer, verifier: TokenVerifier) -> None:
    published, forged = fresh_key(), fresh_key()
    server.publish(published.jwk())
    assert await outcome(verifier, forged.token()) == "UNKNOWN_KEY"
    impostor = SigningKey(published.kid)  # same kid, other key
    assert await outcome(verifier, impostor.token()) == "BAD_SIGNATURE"


# --- (b) rotation --------------------------------------------------------------------


async def test_rotation_new_kid_works_after_one_refresh(
    server: JwksServer, clock: Clock, keyset: JwksKeys, verifier: TokenVerifier
) -> None:
    old, new = fresh_key("old"), fresh_key("new")
    server.publish(old.jwk())
    assert await outcome(verifier, old.token()) == "ok"
    server.publish(old.jwk(), new.jwk())
    # Within the cooldown of the last fetch, an unknown kid is not worth a request.
    clock.set(COOLDOWN - 1)
    assert await outcome(verifier, new.token()) == "UNKNOWN_KEY"
    assert server.requests == 1
    # After it, the unknown kid triggers exactly one refresh, which finds the new key.
    clock.set(COOLDOWN)
    assert await outcome(verifier, new.token()) == "ok"
    assert await outcome(verifier, old.token()) == "ok"
    assert server.requests == 2
    assert keyset.fetches == 2


# --- (c) cooldown --------------------------------------------------------------------


async def test_random_kids_cause_at_most_one_fetch_per_cooldown(
    server: JwksServer, clock: Clock, verifier: TokenVerifier
) -> None:
    key = fresh_key()
    server.publish(key.jwk())
    assert await outcome(verifier, key.token()) == "ok"
    elapsed = 0.0
    for _ in range(150):
        elapsed += 1.0
        clock.set(elapsed)
        assert await outcome(verifier, fresh_key("made-up").token()) == "UNKNOWN_KEY"
    windows = math.ceil(elapsed / COOLDOWN)
    assert 2 <= server.requests <= 1 + windows
    assert await outcome(verifier, key.token()) == "ok"


async def test_concurrent_random_kids_cause_one_fetch(
    server: JwksServer, clock: Clock, verifier: TokenVerifier
) -> None:
    key = fresh_key()
    server.publish(key.jwk())
    assert await outcome(verifier, key.token()) == "ok"
    clock.set(COOLDOWN + 1)
    forged = [fresh_key("made-up").token() for _ in range(50)]
    results = await asyncio.gather(*(outcome(verifier, t) for t in forged))
    assert set(results) == {"UNKNOWN_KEY"}
    assert server.requests == 2


# --- (d) outages ---------------------------------------------------------------------


async def fail(server: JwksServer, how: str) -> None:
    if how == "connection-refused":
        await server.stop()
    else:
        server.mode = how


@pytest.mark.parametrize("how", ["http-500", "connection-refused"])
async def test_outage_keeps_cached_keys_until_max_stale(
    server: JwksServer,
    clock: Clock,
    keyset: JwksKeys,
    verifier: TokenVerifier,
    how: str,
) -> None:
    key = fresh_key()
    server.publish(key.jwk())
    assert await outcome(verifier, key.token()) == "ok"
    await fail(server, how)

    clock.set(MAX_AGE + 1)  # cache expired: a refresh is tried, fails, the key stays
    assert await outcome(verifier, key.token()) == "ok"
    assert keyset.fetches == 2
    clock.set(MAX_STALE - 1)
    assert await outcome(verifier, key.token()) == "ok"
    assert keyset.fetches == 3
    # A kid we never held cannot be served during the outage either.
    assert await outcome(verifier, fresh_key().token()) == "UNKNOWN_KEY"

    # Past max_stale (and the cooldown of the last attempt), the next failed refresh
    # drops the keys.
    clock.set(MAX_STALE + COOLDOWN + 1)
    assert await outcome(verifier, key.token()) == "UNKNOWN_KEY"
    assert keyset.fetches == 4
    clock.set(MAX_STALE + 2 * COOLDOWN + 2)
    assert await outcome(verifier, key.token()) == "UNKNOWN_KEY"


async def test_keys_come_back_when_the_jwks_recovers(server: JwksServer, clock: Clock, verifier: TokenVerifier) -> None:
    key = fresh_key()
    server.publish(key.jwk())
    assert await outcome(verifier, key.token()) == "ok"
    server.mode = "http-500"
    clock.set(MAX_STALE + COOLDOWN + 1)
    assert await outcome(verifier, key.token()) == "UNKNOWN_KEY"
    server.mode = "ok"
    clock.set(MAX_STALE + 2 * COOLDOWN + 2)
    assert await outcome(verifier, key.token()) == "ok"


async def test_first_fetch_failing_refuses_without_crashing(
    server: JwksServer, keyset: JwksKeys, verifier: TokenVerifier
) -> None:
    key = fresh_key()
    server.publish(key.jwk())
    server.mode = "http-500"
    assert await outcome(verifier, key.token()) == "UNKNOWN_KEY"
    assert keyset.fetches == 1


@pytest.mark.slow
async def test_timeout_keeps_cached_keys(
    server: JwksServer, clock: Clock, keyset: JwksKeys, verifier: TokenVerifier
) -> None:
    key = fresh_key()
    server.publish(key.jwk())
    assert await outcome(verifier, key.token()) == "ok"
    server.mode = "timeout"
    clock.set(MAX_AGE + 1)
    started = time.monotonic()
    assert await outcome(verifier, key.token()) == "ok"
    assert time.monotonic() - started < 10  # the fetch timeout, not the server, ended it
    assert keyset.fetches == 2
    # Within the cooldown, requests do not wait for the IdP again.
    clock.set(MAX_AGE + 2)
    started = time.monotonic()
    assert await outcome(verifier, key.token()) == "ok"
    # No fetch (the count below) and so no wait: under the 3 s a fetch of the hanging IdP
    # would take, with room for a loaded machine.
    assert time.monotonic() - started < 2.5
    assert keyset.fetches == 2


# --- (e) removal ---------------------------------------------------------------------


async def test_removed_key_stops_working_after_max_age(
    server: JwksServer, clock: Clock, verifier: TokenVerifier
) -> None:
    removed, kept = fresh_key("removed"), fresh_key("kept")
    server.publish(removed.jwk(), kept.jwk())
    assert await outcome(verifier, removed.token()) == "ok"
    server.publish(kept.jwk())
    clock.set(MAX_AGE - 1)  # the documented window: still cached
    assert await outcome(verifier, removed.token()) == "ok"
    assert server.requests == 1
    clock.set(MAX_AGE + 1)
    assert await outcome(verifier, removed.token()) == "UNKNOWN_KEY"
    assert await outcome(verifier, kept.token()) == "ok"
    assert server.requests == 2


# --- (f) hostile or broken answers ---------------------------------------------------

BAD_ANSWERS = [
    "oversized",
    "gzip-bomb",
    "not-json",
    "no-keys-member",
    "keys-not-array",
    "redirect",
    "http-500",
]


@pytest.mark.parametrize("mode", BAD_ANSWERS)
async def test_bad_answer_is_a_failed_fetch_and_keeps_cached_keys(
    server: JwksServer,
    clock: Clock,
    keyset: JwksKeys,
    verifier: TokenVerifier,
    mode: str,
) -> None:
    key, attacker = fresh_key("good"), fresh_key("evil")
    server.publish(key.jwk())
    server.elsewhere = {"keys": [attacker.jwk()]}
    assert await outcome(verifier, key.token()) == "ok"

    server.publish(key.jwk(), attacker.jwk())  # only reachable through the bad answer
    server.mode = mode
    clock.set(MAX_AGE + 1)
    assert await outcome(verifier, key.token()) == "ok"
    assert keyset.fetches == 2
    clock.set(MAX_AGE + COOLDOWN + 1)  # an unknown kid may trigger another (bad) fetch
    assert await outcome(verifier, attacker.token()) == "UNKNOWN_KEY"
    assert await outcome(verifier, key.token()) == "ok"
    assert server.elsewhere_requests == 0  # the redirect was not followed


@pytest.mark.parametrize("mode", BAD_ANSWERS)
async def test_bad_first_answer_refuses_without_crashing(
    server: JwksServer, verifier: TokenVerifier, mode: str
) -> None:
    key = fresh_key()
    server.publish(key.jwk())
    server.elsewhere = {"keys": [key.jwk()]}
    server.mode = mode
    assert await outcome(verifier, key.token()) == "UNKNOWN_KEY"
    assert server.elsewhere_requests == 0


async def test_jwks_arriving_in_pieces_is_read_whole(server: JwksServer, verifier: TokenVerifier) -> None:
    key = fresh_key()
    server.publish(key.jwk())
    server.mode = "chunked"
    assert await outcome(verifier, key.token()) == "ok"


async def test_malformed_entry_is_skipped(server: JwksServer, verifier: TokenVerifier) -> None:
    key = fresh_key()
    server.publish({"kty": "EC", "crv": "P-256", "kid": "broken", "x": "AA", "y": "AA"}, key.jwk())
    assert await outcome(verifier, key.token()) == "ok"


# --- (g) keys we must not use -----------------------------------------------------


async def test_keys_for_encryption_or_other_algorithms_are_ignored(
    server: JwksServer, keyset: JwksKeys, verifier: TokenVerifier
) -> None:
    good = fresh_key("good")
    encryption = fresh_key("enc")
    labelled_es384 = fresh_key("es384")
    rsa_key = SigningKey("rsa", rsa.generate_private_key(public_exponent=65537, key_size=2048))
    rsa_no_alg = SigningKey("rsa-no-alg", rsa_key.private)
    server.publish(
        good.jwk(),
        encryption.jwk(use="enc"),
        labelled_es384.jwk(alg="ES384"),
        rsa_key.jwk(),
        rsa_no_alg.jwk(alg=None),
        {
            "kty": "oct",
            "kid": "hmac",
            "alg": "HS256",
            "k": "c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0",
        },
    )
    assert await outcome(verifier, good.token()) == "ok"
    # EC P-256 keys that would verify an ES256 signature, were they not ignored:
    assert await outcome(verifier, encryption.token()) == "UNKNOWN_KEY"
    assert await outcome(verifier, labelled_es384.token()) == "UNKNOWN_KEY"
    for kid in (encryption.kid, labelled_es384.kid, "rsa", "rsa-no-alg", "hmac"):
        with pytest.raises(UnknownKey):
            await keyset.key_for(kid)
    assert await keyset.key_for(good.kid) is not None
    assert server.requests == 1


async def test_rsa_keys_serve_an_rs256_issuer(server: JwksServer, make_keyset: Callable[..., JwksKeys]) -> None:
    key = SigningKey("rsa-1", rsa.generate_private_key(public_exponent=65537, key_size=2048))
    server.publish(key.jwk(), fresh_key("ec").jwk())
    keyset = make_keyset(("RS256",))
    verifier = verifier_for(keyset, ("RS256",))
    assert await outcome(verifier, key.token("RS256")) == "ok"
    assert await outcome(verifier, fresh_key().token()) == "BAD_ALGORITHM"  # ES256 not pinned


async def test_rsa_key_without_alg_serves_a_ps256_issuer(
    server: JwksServer, make_keyset: Callable[..., JwksKeys]
) -> None:
    key = SigningKey("rsa-1", rsa.generate_private_key(public_exponent=65537, key_size=2048))
    server.publish(key.jwk(alg=None))
    verifier = verifier_for(make_keyset(("PS256",)), ("PS256",))
    assert await outcome(verifier, key.token("PS256")) == "ok"
