"""Issuer files: a valid one loads; each mistake is refused, naming its path."""

from __future__ import annotations

from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from auth.issuers import (
    DEFAULT_LEEWAY,
    DEFAULT_MAX_LIFETIME,
    IssuerConfigError,
    load_issuers,
)
from auth.roles import TokenKind

KEY = ec.generate_private_key(ec.SECP256R1())
PUBLIC_PEM = KEY.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
PRIVATE_PEM = KEY.private_bytes(
    serialization.Encoding.PEM,
    serialization.PrivateFormat.PKCS8,
    serialization.NoEncryption(),
)

VALID = """
[[issuer]]
issuer = "https://sso.example.go.id/realms/lapor"
audience = "penghubung"
algorithms = ["RS256", "PS256"]
kinds = ["agency"]
jwks_url = "https://sso.example.go.id/realms/lapor/protocol/openid-connect/certs"

[[issuer]]
issuer = "penghubung-connectors"
audience = "penghubung"
algorithms = ["ES256"]
kinds = ["service", "citizen"]
keys = { "conn-1" = "keys/conn-1.pem" }
leeway_seconds = 5
max_lifetime_seconds = 600
"""

STATIC = """
[[issuer]]
issuer = "penghubung-connectors"
audience = "penghubung"
algorithms = ["ES256"]
kinds = ["service"]
keys = { "conn-1" = "keys/conn-1.pem" }
"""


def write(directory: Path, text: str) -> Path:
    """An issuer file in `directory`; public, broken and private PEMs in keys/."""
    keys = directory / "keys"
    keys.mkdir(exist_ok=True)
    (keys / "conn-1.pem").write_bytes(PUBLIC_PEM)
    (keys / "bad.pem").write_bytes(b"-----BEGIN PUBLIC KEY-----\nbm90IGEga2V5\n-----END PUBLIC KEY-----\n")
    (keys / "private.pem").write_bytes(PRIVATE_PEM)
    path = directory / "issuers.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_valid_file_loads(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = tmp_path / "config"
    config.mkdir()
    path = write(config, VALID)
    monkeypatch.chdir(tmp_path)  # key paths are relative to the file, not the working directory
    jwks, static = load_issuers(path)

    assert jwks.issuer == "https://sso.example.go.id/realms/lapor"
    assert jwks.audience == "penghubung"
    assert jwks.algorithms == ("RS256", "PS256")
    assert jwks.kinds == {TokenKind.AGENCY}
    assert jwks.jwks_url == "https://sso.example.go.id/realms/lapor/protocol/openid-connect/certs"
    assert dict(jwks.keys) == {}
    assert (jwks.leeway, jwks.max_lifetime) == (DEFAULT_LEEWAY, DEFAULT_MAX_LIFETIME)

    assert static.issuer == "penghubung-connectors"
    assert static.algorithms == ("ES256",)
    assert static.kinds == {TokenKind.SERVICE, TokenKind.CITIZEN}
    assert static.jwks_url is None
    assert set(static.keys) == {"conn-1"}
    assert static.keys["conn-1"].public_numbers() == KEY.public_key().public_numbers()
    assert (static.leeway, static.max_lifetime) == (5.0, 600)


@pytest.mark.parametrize(
    "url",
    ["http://127.0.0.1:8080/certs", "http://localhost/certs", "http://[::1]/certs"],
)
def test_plain_http_jwks_url_is_allowed_on_loopback_only(tmp_path: Path, url: str) -> None:
    text = replace_in_static('keys = { "conn-1" = "keys/conn-1.pem" }', f'jwks_url = "{url}"')
    (issuer,) = load_issuers(write(tmp_path, text))
    assert issuer.jwks_url == url


def test_empty_file_trusts_no_issuer(tmp_path: Path) -> None:
    assert load_issuers(write(tmp_path, "")) == []


def replace_in_static(old: str, new: str) -> str:
    assert old in STATIC
    return STATIC.replace(old, new)


BAD = [
    pytest.param(
        replace_in_static('audience = "penghubung"', 'audience = "penghubung"\nalgoritms = ["ES256"]'),
        ["issuer[0]", "expected only the keys", "'algoritms'"],
        id="unknown-key",
    ),
    pytest.param(
        replace_in_static('algorithms = ["ES256"]', 'algorithms = ["HS256"]'),
        ["issuer[0]", "'HS256'", "expected a non-empty subset of", "'ES256'"],
        id="hs256",
    ),
    pytest.param(
        replace_in_static('algorithms = ["ES256"]', 'algorithms = ["ES256", "HS256"]'),
        ["issuer[0]", "'HS256'", "expected a non-empty subset of"],
        id="hs256-among-others",
    ),
    pytest.param(
        replace_in_static('algorithms = ["ES256"]', 'algorithms = ["none"]'),
        ["issuer[0]", "'none'", "expected a non-empty subset of"],
        id="alg-none",
    ),
    pytest.param(
        replace_in_static('algorithms = ["ES256"]', "algorithms = []"),
        ["issuer[0]", "algorithms []", "expected a non-empty subset of"],
        id="empty-algorithms",
    ),
    pytest.param(
        replace_in_static('algorithms = ["ES256"]', 'algorithms = "ES256"'),
        ["issuer[0].algorithms", "expected a list of algorithm names", "'ES256'"],
        id="algorithms-not-a-list",
    ),
    pytest.param(
        replace_in_static(
            'kinds = ["service"]',
            'kinds = ["service"]\njwks_url = "https://sso.example/certs"',
        ),
        ["issuer[0]", "expected exactly one of keys or jwks_url"],
        id="keys-and-jwks-url",
    ),
    pytest.param(
        replace_in_static('keys = { "conn-1" = "keys/conn-1.pem" }', ""),
        ["issuer[0]", "expected exactly one of keys or jwks_url"],
        id="neither-keys-nor-jwks-url",
    ),
    pytest.param(
        replace_in_static('kinds = ["service"]', 'kinds = ["admin"]'),
        [
            "issuer[0].kinds",
            "expected a list from ['agency', 'citizen', 'service']",
            "'admin'",
        ],
        id="unknown-kind",
    ),
    pytest.param(
        replace_in_static('kinds = ["service"]', "kinds = []"),
        ["issuer[0].kinds", "expected a list from"],
        id="no-kinds",
    ),
    pytest.param(
        replace_in_static(
            'keys = { "conn-1" = "keys/conn-1.pem" }',
            'jwks_url = "file:///etc/penghubung/jwks.json"',
        ),
        [
            "issuer[0].jwks_url",
            "expected an https:// URL",
            "'file:///etc/penghubung/jwks.json'",
        ],
        id="jwks-url-file-scheme",
    ),
    pytest.param(
        replace_in_static('keys = { "conn-1" = "keys/conn-1.pem" }', 'jwks_url = "sso.example/certs"'),
        ["issuer[0].jwks_url", "expected an https:// URL"],
        id="jwks-url-without-scheme",
    ),
    pytest.param(
        replace_in_static(
            'keys = { "conn-1" = "keys/conn-1.pem" }',
            'jwks_url = "http://sso.example/certs"',
        ),
        [
            "issuer[0].jwks_url",
            "expected an https:// URL",
            "'http://sso.example/certs'",
        ],
        id="jwks-url-plain-http",
    ),
    pytest.param(
        replace_in_static(
            'keys = { "conn-1" = "keys/conn-1.pem" }',
            'jwks_url = "http://127.0.0.1.evil.example/certs"',
        ),
        ["issuer[0].jwks_url", "expected an https:// URL"],
        id="jwks-url-http-loopback-lookalike",
    ),
    pytest.param(
        replace_in_static(
            'keys = { "conn-1" = "keys/conn-1.pem" }',
            'jwks_url = "http://localhost@evil.example/certs"',
        ),
        ["issuer[0].jwks_url", "expected an https:// URL"],
        id="jwks-url-http-userinfo-localhost",
    ),
    pytest.param(
        STATIC + STATIC.replace('"conn-1"', '"conn-2"'),
        ["issuers.toml", "issuer[1].issuer", "each issuer listed once"],
        id="duplicate-issuer",
    ),
    pytest.param(
        STATIC.replace('audience = "penghubung"', 'audience = "penghubung'),
        ["issuers.toml", "not valid TOML"],
        id="invalid-toml",
    ),
    pytest.param(
        replace_in_static('"keys/conn-1.pem"', '"keys/bad.pem"'),
        ["issuer[0].keys.conn-1", "PEM public key file", "'keys/bad.pem'"],
        id="bad-pem",
    ),
    pytest.param(
        replace_in_static('"keys/conn-1.pem"', '"keys/private.pem"'),
        ["issuer[0].keys.conn-1", "PEM public key file", "'keys/private.pem'"],
        id="private-key-pem",
    ),
    pytest.param(
        replace_in_static('issuer = "penghubung-connectors"', 'issuer = ""'),
        ["issuer[0].issuer", "expected a non-empty string"],
        id="empty-issuer-name",
    ),
    pytest.param(
        replace_in_static('audience = "penghubung"', ""),
        ["issuer[0].audience", "expected a non-empty string"],
        id="missing-audience",
    ),
    pytest.param(
        "[issuers]\nissuer = 'x'\n",
        ["issuers.toml", "expected only [[issuer]] tables", "'issuers'"],
        id="unknown-top-level-table",
    ),
    pytest.param(
        "issuer = 'penghubung-dev'\n",
        ["issuer", "expected an array of tables ([[issuer]])"],
        id="issuer-not-an-array-of-tables",
    ),
    pytest.param(
        replace_in_static("[[issuer]]", "[[issuer]]\nleeway_seconds = 'thirty'"),
        ["issuer[0].leeway_seconds", "expected a number"],
        id="leeway-not-a-number",
    ),
    pytest.param(
        replace_in_static("[[issuer]]", "[[issuer]]\nleeway_seconds = -5"),
        ["issuer[0].leeway_seconds", "expected a number"],
        id="leeway-negative",
    ),
    pytest.param(
        replace_in_static("[[issuer]]", "[[issuer]]\nmax_lifetime_seconds = true"),
        ["issuer[0].max_lifetime_seconds", "expected a number"],
        id="max-lifetime-boolean",
    ),
    pytest.param(
        replace_in_static('kinds = ["service"]', "kinds = [{ name = 'service' }]"),
        ["issuer[0].kinds", "expected a list from"],
        id="kinds-with-a-table",
    ),
    pytest.param(
        replace_in_static('"keys/conn-1.pem"', '"keys/missing.pem"'),
        ["issuer[0].keys.conn-1", "PEM public key file", "'keys/missing.pem'"],
        id="missing-pem-file",
    ),
]


@pytest.mark.parametrize(("text", "expected"), BAD)
def test_bad_file_is_refused_naming_the_path(tmp_path: Path, text: str, expected: list[str]) -> None:
    with pytest.raises(IssuerConfigError) as caught:
        load_issuers(write(tmp_path, text))
    message = str(caught.value)
    for part in expected:
        assert part in message
