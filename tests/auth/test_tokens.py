"""Hostile and malformed bearer tokens: refused with a code, directly and over HTTP."""

from __future__ import annotations

import base64
import json
import time
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx2 as httpx
import jwt
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import NameOID

from auth.dev import DEV_AUDIENCE, DEV_ISSUER, DevKeys
from auth.errors import InvalidToken
from auth.issuers import IssuerConfig
from auth.keys import StaticKeys
from auth.principal import Principal
from auth.roles import Role, TokenKind
from auth.tokens import MAX_TOKEN_BYTES, TokenVerifier
from gateway.store.models import AuditEventRow

VIEWER = {"query": "{ viewer { roles } }"}
DROP = object()  # in a header or claims change: remove that member
TRUSTED = object()  # as a key: the trusted dev signing key

# Attackers' own keys: valid keys, just not ones any issuer publishes.
ATTACKER_EC = ec.generate_private_key(ec.SECP256R1())
ATTACKER_RSA = rsa.generate_private_key(public_exponent=65537, key_size=2048)


# --- building tokens by hand ---------------------------------------------------------


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def segment(value: Mapping[str, Any] | bytes) -> str:
    """A JSON object, or raw bytes, as one base64url token segment."""
    raw = value if isinstance(value, bytes) else json.dumps(value, separators=(",", ":")).encode()
    return b64url(raw)


def forge(
    header: Mapping[str, Any] | bytes,
    payload: Mapping[str, Any] | bytes,
    key: Any = None,
    alg: str = "ES256",
) -> str:
    """A compact JWS with exactly this header and payload, signed with `key` by the
    header's alg (else `alg`); an empty signature when `key` is None. No validation."""
    signing_input = f"{segment(header)}.{segment(payload)}"
    if key is None:
        return signing_input + "."
    if isinstance(header, Mapping) and isinstance(header.get("alg"), str):
        alg = header["alg"]
    signature = jwt.get_algorithm_by_name(alg).sign(signing_input.encode(), key)
    return f"{signing_input}.{b64url(signature)}"


def _changed(base: dict[str, Any], changes: Mapping[str, Any] | None) -> dict[str, Any]:
    out = dict(base)
    for name, value in (changes or {}).items():
        if value is DROP:
            out.pop(name, None)
        else:
            out[name] = value
    return out


@dataclass(frozen=True)
class Forger:
    """Tokens for the dev issuer, valid unless told otherwise."""

    keys: DevKeys
    now: int

    def header(self, changes: Mapping[str, Any] | None = None) -> dict[str, Any]:
        return _changed({"alg": "ES256", "typ": "agency+jwt", "kid": self.keys.kid}, changes)

    def claims(self, changes: Mapping[str, Any] | None = None) -> dict[str, Any]:
        base = {
            "iss": DEV_ISSUER,
            "aud": DEV_AUDIENCE,
            "sub": "officer-1",
            "iat": self.now - 5,
            "exp": self.now + 600,
            "roles": ["national_admin"],
        }
        return _changed(base, changes)

    def token(
        self,
        header: Mapping[str, Any] | None = None,
        claims: Mapping[str, Any] | None = None,
        key: Any = TRUSTED,
    ) -> str:
        return forge(
            self.header(header),
            self.claims(claims),
            self.keys.private_key if key is TRUSTED else key,
        )

    def valid(self) -> str:
        return self.token()


def attacker_jwk() -> dict[str, Any]:
    return json.loads(jwt.algorithms.ECAlgorithm.to_jwk(ATTACKER_EC.public_key()))


def attacker_certificate() -> str:
    """A self-signed certificate for the attacker's key, base64 DER as in x5c."""
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "penghubung-dev")])
    now = datetime.now(UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(ATTACKER_EC.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=1))
        .sign(ATTACKER_EC, hashes.SHA256())
    )
    return base64.b64encode(cert.public_bytes(serialization.Encoding.DER)).decode()


def public_pem(f: Forger) -> bytes:
    return f.keys.public_key.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)


def with_payload(token: str, payload: Mapping[str, Any]) -> str:
    """The same header and signature around a different payload."""
    header, _, signature = token.split(".")
    return f"{header}.{segment(payload)}.{signature}"


def echoes(text: str, token: str) -> bool:
    """True if `text` holds the token, or any 20-character slice of it."""
    if len(token) < 20:
        return bool(token) and token in text
    return any(token[i : i + 20] in text for i in range(len(token) - 19))


# --- the cases -----------------------------------------------------------------------

Build = Callable[[Forger], str]


def case(build: Build, code: str, name: str) -> Any:
    return pytest.param(build, code, id=name)


REFUSED = [
    # shape and size, before any parsing
    case(lambda f: "garbage", "MALFORMED_TOKEN", "garbage"),
    case(lambda f: ".".join(f.valid().split(".")[:2]), "MALFORMED_TOKEN", "two-segments"),
    case(lambda f: f.valid() + ".AAAA", "MALFORMED_TOKEN", "four-segments"),
    case(lambda f: f.valid() + ".", "MALFORMED_TOKEN", "trailing-dot"),
    case(
        lambda f: "{}.{}+/.{}".format(*f.valid().split(".")),
        "MALFORMED_TOKEN",
        "non-base64url-chars",
    ),
    case(
        lambda f: "{}=.{}.{}".format(*f.valid().split(".")),
        "MALFORMED_TOKEN",
        "base64-padding",
    ),
    case(
        lambda f: "{}.{} .{}".format(*f.valid().split(".")),
        "MALFORMED_TOKEN",
        "inner-space",
    ),
    case(
        lambda f: f.token(claims={"padding": "x" * MAX_TOKEN_BYTES}),
        "TOKEN_TOO_LARGE",
        "oversized-but-signed",
    ),
    case(lambda f: "A" * (MAX_TOKEN_BYTES + 1), "TOKEN_TOO_LARGE", "oversized-garbage"),
    # header and payload encoding
    case(
        lambda f: forge(b"{not json", f.claims(), ATTACKER_EC),
        "MALFORMED_TOKEN",
        "header-not-json",
    ),
    case(
        lambda f: forge(b"[]", f.claims(), ATTACKER_EC),
        "MALFORMED_TOKEN",
        "header-json-array",
    ),
    case(
        lambda f: f"{segment(f.header())}.{segment(b'not json')}.AAAA",
        "MALFORMED_TOKEN",
        "payload-not-json",
    ),
    case(
        lambda f: f"{segment(f.header())}.{segment(b'[1,2]')}.AAAA",
        "MALFORMED_TOKEN",
        "payload-json-array",
    ),
    case(
        lambda f: f.token(header={"alg": DROP}, key=None) + "AAAA",
        "MALFORMED_TOKEN",
        "alg-missing",
    ),
    # algorithms: pinned by the issuer, never chosen by the token
    case(
        lambda f: f.token(header={"alg": "none"}, key=None),
        "MALFORMED_TOKEN",
        "alg-none-unsigned",
    ),
    case(
        lambda f: f.token(header={"alg": "none"}, key=None) + "AAAA",
        "BAD_ALGORITHM",
        "alg-none-junk-signature",
    ),
    case(
        lambda f: f.token(header={"alg": "NONE"}, key=None) + "AAAA",
        "BAD_ALGORITHM",
        "alg-NONE-uppercase",
    ),
    case(
        lambda f: f.token(header={"alg": "HS256"}, key=public_pem(f)),
        "BAD_ALGORITHM",
        "alg-hs256-public-key-as-hmac-secret",
    ),
    case(
        lambda f: f.token(header={"alg": "RS256"}, key=ATTACKER_RSA),
        "BAD_ALGORITHM",
        "alg-rs256-not-pinned",
    ),
    # keys are never taken from the token
    case(
        lambda f: f.token(header={"jwk": attacker_jwk()}, key=ATTACKER_EC),
        "FORBIDDEN_HEADER",
        "embedded-jwk",
    ),
    case(
        lambda f: f.token(header={"jku": "https://evil.example/jwks.json"}, key=ATTACKER_EC),
        "FORBIDDEN_HEADER",
        "jku",
    ),
    case(
        lambda f: f.token(header={"x5u": "https://evil.example/cert.pem"}, key=ATTACKER_EC),
        "FORBIDDEN_HEADER",
        "x5u",
    ),
    case(
        lambda f: f.token(header={"x5c": [attacker_certificate()]}, key=ATTACKER_EC),
        "FORBIDDEN_HEADER",
        "x5c",
    ),
    case(
        lambda f: f.token(header={"x5t": b64url(b"\0" * 20)}, key=ATTACKER_EC),
        "FORBIDDEN_HEADER",
        "x5t",
    ),
    # critical and unknown header parameters
    case(
        lambda f: f.token(header={"crit": ["b64"], "b64": True}),
        "UNSUPPORTED_CRITICAL_HEADER",
        "crit-b64",
    ),
    case(
        lambda f: f.token(header={"crit": ["urn:example:policy"], "urn:example:policy": "x"}),
        "UNSUPPORTED_CRITICAL_HEADER",
        "crit-unknown-extension",
    ),
    case(lambda f: f.token(header={"zip": "DEF"}), "UNKNOWN_HEADER", "unknown-header-zip"),
    case(lambda f: f.token(header={"foo": "bar"}), "UNKNOWN_HEADER", "unknown-header-foo"),
    # typ: explicit, and it decides which roles the token may carry
    case(lambda f: f.token(header={"typ": DROP}), "BAD_TOKEN_TYPE", "typ-missing"),
    case(lambda f: f.token(header={"typ": "JWT"}), "BAD_TOKEN_TYPE", "typ-jwt"),
    case(lambda f: f.token(header={"typ": "at+jwt"}), "BAD_TOKEN_TYPE", "typ-at+jwt"),
    case(lambda f: f.token(header={"typ": ["agency+jwt"]}), "BAD_TOKEN_TYPE", "typ-list"),
    case(
        lambda f: f.token(header={"typ": "citizen+jwt"}, claims={"roles": ["national_admin"]}),
        "ROLE_NOT_ALLOWED_FOR_TOKEN_TYPE",
        "citizen-typ-national-admin",
    ),
    case(
        lambda f: f.token(header={"typ": "service+jwt"}, claims={"roles": ["citizen"]}),
        "ROLE_NOT_ALLOWED_FOR_TOKEN_TYPE",
        "service-typ-citizen-role",
    ),
    case(
        lambda f: f.token(claims={"roles": ["connector_service"], "scope": "complaints:all"}),
        "ROLE_NOT_ALLOWED_FOR_TOKEN_TYPE",
        "agency-typ-connector-service",
    ),
    case(
        lambda f: f.token(header={"typ": "citizen+jwt"}, claims={"roles": ["citizen", "auditor"]}),
        "ROLE_NOT_ALLOWED_FOR_TOKEN_TYPE",
        "citizen-typ-plus-auditor",
    ),
    # time
    case(
        lambda f: f.token(claims={"iat": f.now - 3600, "exp": f.now - 60}),
        "EXPIRED_TOKEN",
        "expired-beyond-leeway",
    ),
    case(
        lambda f: f.token(claims={"nbf": f.now + 3600}),
        "TOKEN_NOT_YET_VALID",
        "nbf-future",
    ),
    case(
        lambda f: f.token(claims={"iat": f.now + 3600, "exp": f.now + 3700}),
        "TOKEN_NOT_YET_VALID",
        "iat-future",
    ),
    case(
        lambda f: f.token(claims={"iat": f.now - 5, "exp": f.now - 5 + 24 * 3600 + 1}),
        "TOKEN_LIFETIME_TOO_LONG",
        "lifetime-over-max",
    ),
    case(
        lambda f: f.token(claims={"exp": str(f.now + 600)}),
        "BAD_CLAIM",
        "exp-numeric-string",
    ),
    case(
        lambda f: f.token(claims={"iat": str(f.now - 5)}),
        "BAD_CLAIM",
        "iat-numeric-string",
    ),
    case(
        lambda f: f.token(claims={"exp": "tomorrow"}),
        "INVALID_TOKEN",
        "exp-not-a-number",
    ),
    case(
        lambda f: f.token(claims={"iat": "yesterday"}),
        "INVALID_TOKEN",
        "iat-not-a-number",
    ),
    case(lambda f: f.token(claims={"exp": [f.now + 600]}), "INVALID_TOKEN", "exp-a-list"),
    # required claims
    case(lambda f: f.token(claims={"exp": DROP}), "MISSING_CLAIM", "missing-exp"),
    case(lambda f: f.token(claims={"iat": DROP}), "MISSING_CLAIM", "missing-iat"),
    case(lambda f: f.token(claims={"sub": DROP}), "MISSING_CLAIM", "missing-sub"),
    case(lambda f: f.token(claims={"aud": DROP}), "MISSING_CLAIM", "missing-aud"),
    case(lambda f: f.token(claims={"iss": DROP}), "UNKNOWN_ISSUER", "missing-iss"),
    # audience: exactly ours
    case(
        lambda f: f.token(claims={"aud": "another-service"}),
        "BAD_AUDIENCE",
        "wrong-audience",
    ),
    case(
        lambda f: f.token(claims={"aud": [DEV_AUDIENCE, "another-service"]}),
        "BAD_AUDIENCE",
        "audience-list-ours-and-another",
    ),
    case(
        lambda f: f.token(claims={"aud": [DEV_AUDIENCE]}),
        "BAD_AUDIENCE",
        "audience-list-only-ours",
    ),
    case(
        lambda f: f.token(claims={"aud": DEV_AUDIENCE.upper()}),
        "BAD_AUDIENCE",
        "audience-other-case",
    ),
    # issuer: exactly one we trust
    case(
        lambda f: f.token(claims={"iss": DEV_ISSUER + "-evil"}),
        "UNKNOWN_ISSUER",
        "issuer-suffix",
    ),
    case(
        lambda f: f.token(claims={"iss": DEV_ISSUER[:-1]}),
        "UNKNOWN_ISSUER",
        "issuer-prefix",
    ),
    case(
        lambda f: f.token(claims={"iss": DEV_ISSUER + "/"}),
        "UNKNOWN_ISSUER",
        "issuer-trailing-slash",
    ),
    case(
        lambda f: f.token(claims={"iss": DEV_ISSUER.upper()}),
        "UNKNOWN_ISSUER",
        "issuer-other-case",
    ),
    case(
        lambda f: f.token(claims={"iss": "https://evil.example"}),
        "UNKNOWN_ISSUER",
        "issuer-unknown",
    ),
    case(lambda f: f.token(claims={"iss": 5}), "UNKNOWN_ISSUER", "issuer-not-a-string"),
    # keys and signatures
    case(lambda f: f.token(key=ATTACKER_EC), "BAD_SIGNATURE", "other-key-same-kid"),
    case(
        lambda f: f.token(header={"kid": "ghost-kid-1"}, key=ATTACKER_EC),
        "UNKNOWN_KEY",
        "unknown-kid",
    ),
    case(
        lambda f: f.token(header={"kid": ".."}, key=ATTACKER_EC),
        "UNKNOWN_KEY",
        "kid-dotdot",
    ),
    case(
        lambda f: f.token(header={"kid": "../../../etc/passwd"}, key=ATTACKER_EC),
        "MALFORMED_TOKEN",
        "kid-path-traversal",
    ),
    case(
        lambda f: f.token(header={"kid": "' OR '1'='1"}, key=ATTACKER_EC),
        "MALFORMED_TOKEN",
        "kid-sql",
    ),
    case(
        lambda f: f.token(header={"kid": "k" * 121}, key=ATTACKER_EC),
        "MALFORMED_TOKEN",
        "kid-too-long",
    ),
    case(
        lambda f: f.token(header={"kid": 7}, key=ATTACKER_EC),
        "MALFORMED_TOKEN",
        "kid-not-a-string",
    ),
    case(
        lambda f: with_payload(
            f.token(claims={"roles": ["agency_officer"], "agency": "dinkes-palembang"}),
            f.claims(),
        ),
        "BAD_SIGNATURE",
        "tampered-payload",
    ),
    case(lambda f: f.valid()[:-2], "BAD_SIGNATURE", "truncated-signature"),
    case(
        lambda f: f.valid().rsplit(".", 1)[0] + ".AB",
        "MALFORMED_TOKEN",
        "signature-non-canonical-base64",
    ),
    # roles
    case(
        lambda f: f.token(claims={"roles": "national_admin"}),
        "BAD_CLAIM",
        "roles-not-a-list",
    ),
    case(lambda f: f.token(claims={"roles": ["superuser"]}), "BAD_CLAIM", "roles-unknown"),
    case(lambda f: f.token(claims={"roles": []}), "BAD_CLAIM", "roles-empty"),
    case(lambda f: f.token(claims={"roles": DROP}), "BAD_CLAIM", "roles-missing"),
    case(lambda f: f.token(claims={"roles": ["public"]}), "BAD_CLAIM", "roles-public"),
    case(
        lambda f: f.token(claims={"roles": [{"name": "national_admin"}]}),
        "BAD_CLAIM",
        "roles-object",
    ),
    # claims the roles need, and their formats
    case(
        lambda f: f.token(claims={"roles": ["agency_officer"]}),
        "MISSING_CLAIM",
        "officer-without-agency",
    ),
    case(
        lambda f: f.token(claims={"roles": ["regional_coordinator"]}),
        "MISSING_CLAIM",
        "coordinator-without-kode-wilayah",
    ),
    case(
        lambda f: f.token(claims={"roles": ["regional_coordinator"], "kode_wilayah": "16-05"}),
        "BAD_CLAIM",
        "bad-kode-wilayah",
    ),
    case(
        lambda f: f.token(claims={"roles": ["agency_officer"], "agency": "dinkes palembang"}),
        "BAD_CLAIM",
        "bad-agency-id",
    ),
    case(
        lambda f: f.token(claims={"scope": "complaints:all admin:all"}),
        "BAD_CLAIM",
        "unknown-scope",
    ),
    case(
        lambda f: f.token(claims={"scope": ["complaints:all"]}),
        "BAD_CLAIM",
        "scope-not-a-string",
    ),
    case(lambda f: f.token(claims={"sub": 12345}), "BAD_CLAIM", "sub-integer"),
    case(lambda f: f.token(claims={"sub": ""}), "BAD_CLAIM", "sub-empty"),
    case(lambda f: f.token(claims={"sub": "a\nb"}), "BAD_CLAIM", "sub-control-char"),
]


@pytest.fixture
def forger(dev_keys: DevKeys) -> Forger:
    return Forger(dev_keys, int(time.time()))


@pytest.mark.parametrize(("build", "code"), REFUSED)
async def test_verifier_refuses(verifier: TokenVerifier, forger: Forger, build: Build, code: str) -> None:
    token = build(forger)
    with pytest.raises(InvalidToken) as caught:
        await verifier.verify(token)
    error = caught.value
    leaked = echoes(error.message, token) or echoes(repr(error), token)
    assert not leaked, "the error message echoes token text"
    assert error.code == code
    assert error.http_status == 401


async def refused_over_http(client: httpx.AsyncClient, authorization: str, token: str, code: str) -> None:
    """POST with this Authorization; expect a 401 with `code`, audited (by code and client
    network, the first of this app's window), no token."""
    request_id = uuid.uuid4().hex
    response = await client.post(
        "/graphql",
        json=VIEWER,
        headers={"authorization": authorization, "x-request-id": request_id},
    )
    challenge = response.headers.get("www-authenticate", "")
    leaked = echoes(response.text, token) or echoes(challenge, token)
    assert not leaked, "the 401 response echoes token text"
    assert response.status_code == 401
    assert response.headers["content-type"] == "application/json"
    body = response.json()
    assert body == {"errors": [{"message": body["errors"][0]["message"], "extensions": {"code": code}}]}
    assert isinstance(body["errors"][0]["message"], str) and body["errors"][0]["message"]
    assert challenge == f'Bearer error="invalid_token", error_description="{code}"'
    audited = await AuditEventRow.filter(request_id=request_id).values_list(
        "action", "outcome", "reason", "actor_subject"
    )
    assert audited == [("TOKEN_REJECTED", "DENIED", f"{code} from 127.0.0.0/24", None)]


@pytest.mark.parametrize(("build", "code"), REFUSED)
async def test_http_refuses(client: httpx.AsyncClient, forger: Forger, build: Build, code: str) -> None:
    token = build(forger)
    await refused_over_http(client, f"Bearer {token}", token, code)


@pytest.mark.parametrize(
    ("authorization", "code"),
    [
        pytest.param(lambda t: "Bearer ", "MALFORMED_AUTHORIZATION", id="empty-bearer"),
        pytest.param(lambda t: "Bearer", "MALFORMED_AUTHORIZATION", id="bearer-without-token"),
        pytest.param(lambda t: "", "MALFORMED_AUTHORIZATION", id="empty-header"),
        pytest.param(
            lambda t: "Basic dXNlcjpwYXNzd29yZA==",
            "MALFORMED_AUTHORIZATION",
            id="basic",
        ),
        pytest.param(
            lambda t: f"Basic {t}",
            "MALFORMED_AUTHORIZATION",
            id="valid-token-basic-scheme",
        ),
        pytest.param(
            lambda t: f"Token {t}",
            "MALFORMED_AUTHORIZATION",
            id="valid-token-other-scheme",
        ),
        pytest.param(
            lambda t: f"Bearer{t}",
            "MALFORMED_AUTHORIZATION",
            id="no-space-after-bearer",
        ),
        pytest.param(lambda t: f"Bearer {t} {t}", "MALFORMED_TOKEN", id="two-tokens"),
    ],
)
async def test_http_refuses_malformed_authorization(
    client: httpx.AsyncClient,
    forger: Forger,
    authorization: Callable[[str], str],
    code: str,
) -> None:
    token = forger.valid()  # a valid token, sent the wrong way
    await refused_over_http(client, authorization(token), token, code)


async def test_empty_token_is_malformed(verifier: TokenVerifier) -> None:
    with pytest.raises(InvalidToken) as caught:
        await verifier.verify("")
    assert caught.value.code == "MALFORMED_TOKEN"


async def test_messages_do_not_reflect_header_values(verifier: TokenVerifier, forger: Forger) -> None:
    marker = "<img src=x onerror=alert(1)>"
    with pytest.raises(InvalidToken) as caught:
        await verifier.verify(forger.token(header={"typ": marker}))
    assert caught.value.code == "BAD_TOKEN_TYPE"
    assert marker not in caught.value.message


# --- positive controls ---------------------------------------------------------------

ACCEPTED = [
    pytest.param(
        "citizen+jwt",
        {"roles": ["citizen"], "sub": "warga-1"},
        Principal(
            subject="warga-1",
            roles=frozenset({Role.CITIZEN}),
            kind=TokenKind.CITIZEN,
            issuer=DEV_ISSUER,
        ),
        id="citizen",
    ),
    pytest.param(
        "agency+jwt",
        {"roles": ["agency_officer"], "agency": "dinkes-palembang"},
        Principal(
            subject="officer-1",
            roles=frozenset({Role.AGENCY_OFFICER}),
            kind=TokenKind.AGENCY,
            issuer=DEV_ISSUER,
            agency_id="dinkes-palembang",
        ),
        id="agency-officer",
    ),
    pytest.param(
        "agency+jwt",
        {"roles": ["agency_admin"], "agency": "pemkot-palembang"},
        Principal(
            subject="officer-1",
            roles=frozenset({Role.AGENCY_ADMIN}),
            kind=TokenKind.AGENCY,
            issuer=DEV_ISSUER,
            agency_id="pemkot-palembang",
        ),
        id="agency-admin",
    ),
    pytest.param(
        "agency+jwt",
        {"roles": ["regional_coordinator"], "kode_wilayah": "16.71"},
        Principal(
            subject="officer-1",
            roles=frozenset({Role.REGIONAL_COORDINATOR}),
            kind=TokenKind.AGENCY,
            issuer=DEV_ISSUER,
            kode_wilayah="16.71",
        ),
        id="regional-coordinator",
    ),
    pytest.param(
        "agency+jwt",
        {"roles": ["national_admin"]},
        Principal(
            subject="officer-1",
            roles=frozenset({Role.NATIONAL_ADMIN}),
            kind=TokenKind.AGENCY,
            issuer=DEV_ISSUER,
        ),
        id="national-admin",
    ),
    pytest.param(
        "agency+jwt",
        {"roles": ["auditor", "national_admin"]},
        Principal(
            subject="officer-1",
            roles=frozenset({Role.AUDITOR, Role.NATIONAL_ADMIN}),
            kind=TokenKind.AGENCY,
            issuer=DEV_ISSUER,
        ),
        id="auditor-and-national-admin",
    ),
    pytest.param(
        "service+jwt",
        {
            "roles": ["connector_service"],
            "sub": "lapor-sync",
            "scope": "complaints:all reporter:anonymous",
        },
        Principal(
            subject="lapor-sync",
            roles=frozenset({Role.CONNECTOR_SERVICE}),
            kind=TokenKind.SERVICE,
            issuer=DEV_ISSUER,
            scopes=frozenset({"complaints:all", "reporter:anonymous"}),
        ),
        id="connector-service",
    ),
    pytest.param(
        "AGENCY+JWT",  # typ is compared case-insensitively (RFC 7515 §4.1.9)
        {"roles": ["national_admin"]},
        Principal(
            subject="officer-1",
            roles=frozenset({Role.NATIONAL_ADMIN}),
            kind=TokenKind.AGENCY,
            issuer=DEV_ISSUER,
        ),
        id="typ-upper-case",
    ),
]


@pytest.mark.parametrize(("typ", "claims", "expected"), ACCEPTED)
async def test_valid_tokens_give_their_principal(
    verifier: TokenVerifier,
    client: httpx.AsyncClient,
    forger: Forger,
    typ: str,
    claims: dict[str, Any],
    expected: Principal,
) -> None:
    token = forger.token(header={"typ": typ}, claims=claims)
    principal = await verifier.verify(token)
    assert principal.expires_at is not None and principal.expires_at.timestamp() == forger.claims(claims)["exp"]
    assert replace(principal, expires_at=None) == expected
    response = await client.post("/graphql", json=VIEWER, headers={"authorization": f"Bearer {token}"})
    assert response.status_code == 200
    assert response.json() == {"data": {"viewer": {"roles": sorted(r.value for r in expected.roles)}}}


@pytest.mark.parametrize(
    "claims",
    [
        pytest.param({"iat": 0, "exp": -10}, id="exp-within-leeway"),  # relative to now, below
        pytest.param({"iat": 0, "exp": 24 * 3600}, id="lifetime-exactly-max"),
        pytest.param({"nbf": 10}, id="nbf-within-leeway"),
        pytest.param({"iat": 10, "exp": 600}, id="iat-within-leeway"),
    ],
)
async def test_clock_skew_within_leeway_is_accepted(
    verifier: TokenVerifier, forger: Forger, claims: dict[str, int]
) -> None:
    shifted = {name: forger.now + offset for name, offset in claims.items()}
    principal = await verifier.verify(forger.token(claims=shifted))
    assert principal.roles == {Role.NATIONAL_ADMIN}


async def test_token_without_kid_uses_the_issuers_only_key(verifier: TokenVerifier, forger: Forger) -> None:
    principal = await verifier.verify(forger.token(header={"kid": DROP}))
    assert principal.subject == "officer-1"


async def test_token_without_kid_is_refused_when_the_issuer_has_two_keys(
    dev_keys: DevKeys,
) -> None:
    issuer = dev_keys.issuer()
    keys = {dev_keys.kid: dev_keys.public_key, "other": ATTACKER_EC.public_key()}
    verifier = TokenVerifier([issuer], {issuer.issuer: StaticKeys(keys)})
    forger = Forger(dev_keys, int(time.time()))
    with pytest.raises(InvalidToken) as caught:
        await verifier.verify(forger.token(header={"kid": DROP}))
    assert caught.value.code == "UNKNOWN_KEY"


async def test_dev_tokens_from_the_fixture_verify(verifier: TokenVerifier, tokens: Any) -> None:
    admin = await verifier.verify(tokens.national_admin)
    assert (admin.roles, admin.agency_id, admin.kind) == (
        {Role.NATIONAL_ADMIN},
        "kemenpanrb",
        TokenKind.AGENCY,
    )
    citizen = await verifier.verify(tokens.citizen)
    assert (citizen.roles, citizen.kind) == ({Role.CITIZEN}, TokenKind.CITIZEN)


# --- issuers: keys bound to their issuer, kinds per issuer ------------------------

OTHER_ISSUER = "https://sso.example.go.id/realms/lapor"
OTHER_KID = "lapor-1"


@pytest.fixture
def two_issuers(dev_keys: DevKeys) -> TokenVerifier:
    """The dev issuer, and another one that signs with the 'attacker' EC key and only
    issues citizen tokens."""
    other = IssuerConfig(
        issuer=OTHER_ISSUER,
        audience=DEV_AUDIENCE,
        algorithms=("ES256",),
        kinds=frozenset({TokenKind.CITIZEN}),
        keys={OTHER_KID: ATTACKER_EC.public_key()},
    )
    return TokenVerifier(
        [dev_keys.issuer(), other],
        {
            DEV_ISSUER: StaticKeys(dev_keys.issuer().keys),
            OTHER_ISSUER: StaticKeys(other.keys),
        },
    )


async def test_each_issuer_verifies_its_own_tokens(two_issuers: TokenVerifier, forger: Forger) -> None:
    citizen = forger.token(
        header={"typ": "citizen+jwt", "kid": OTHER_KID},
        claims={"iss": OTHER_ISSUER, "roles": ["citizen"]},
        key=ATTACKER_EC,
    )
    assert (await two_issuers.verify(citizen)).issuer == OTHER_ISSUER
    assert (await two_issuers.verify(forger.valid())).issuer == DEV_ISSUER


@pytest.mark.parametrize(
    ("header", "claims", "key", "code"),
    [
        pytest.param(
            {"typ": "citizen+jwt", "kid": OTHER_KID},
            {"roles": ["citizen"]},
            ATTACKER_EC,
            "UNKNOWN_KEY",
            id="dev-issuer-claimed-other-issuers-key",
        ),
        pytest.param(
            {"typ": "citizen+jwt"},
            {"iss": OTHER_ISSUER, "roles": ["citizen"]},
            TRUSTED,
            "UNKNOWN_KEY",
            id="other-issuer-claimed-dev-key",
        ),
        pytest.param(
            {"kid": OTHER_KID},
            {"iss": OTHER_ISSUER},
            ATTACKER_EC,
            "BAD_TOKEN_TYPE",
            id="agency-token-from-citizen-only-issuer",
        ),
    ],
)
async def test_keys_and_kinds_are_bound_to_their_issuer(
    two_issuers: TokenVerifier,
    forger: Forger,
    header: dict[str, Any],
    claims: dict[str, Any],
    key: Any,
    code: str,
) -> None:
    with pytest.raises(InvalidToken) as caught:
        await two_issuers.verify(forger.token(header=header, claims=claims, key=key))
    assert caught.value.code == code


async def test_key_of_another_family_than_the_tokens_alg_is_refused(dev_keys: DevKeys, forger: Forger) -> None:
    """An issuer pinning both ES256 and RS256 holds an EC key; an RS256 token naming it
    cannot make the verifier use that key as an RSA key."""
    issuer = IssuerConfig(
        issuer=DEV_ISSUER,
        audience=DEV_AUDIENCE,
        algorithms=("ES256", "RS256"),
        kinds=frozenset(TokenKind),
        keys={dev_keys.kid: dev_keys.public_key},
    )
    verifier = TokenVerifier([issuer], {DEV_ISSUER: StaticKeys(issuer.keys)})
    with pytest.raises(InvalidToken) as caught:
        await verifier.verify(forger.token(header={"alg": "RS256"}, key=ATTACKER_RSA))
    assert caught.value.code == "INVALID_TOKEN"
    assert (await verifier.verify(forger.valid())).issuer == DEV_ISSUER
