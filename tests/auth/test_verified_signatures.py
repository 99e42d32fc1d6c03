"""A token's signature is checked once per key that verified it, while every claim is
checked on every request: the flood a rate limit refuses sends the same token thousands
of times, and its ECDSA check was most of what each refusal cost. Real ES256 tokens and
keys; the count of signature checks is read at PyJWT's algorithm seam."""

from __future__ import annotations

import time
from dataclasses import replace
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import ec

from auth.dev import DevKeys
from auth.errors import InvalidToken
from auth.keys import StaticKeys
from auth.tokens import TokenVerifier


def _token(keys: DevKeys, sub: str, **claims: Any) -> str:
    now = int(time.time())
    payload = {
        "iss": keys.issuer().issuer, "aud": keys.issuer().audience, "sub": sub,
        "iat": now - 5, "exp": now + 600, "roles": ["national_admin"], **claims,
    }  # fmt: skip
    headers = {"typ": "agency+jwt", "kid": keys.kid}
    return jwt.encode(payload, keys.private_key, algorithm="ES256", headers=headers)


def _verifier(keys: DevKeys, public_key: Any, **changes: Any) -> TokenVerifier:
    issuer = replace(keys.issuer(), keys={keys.kid: public_key}, **changes)
    return TokenVerifier([issuer], {issuer.issuer: StaticKeys(issuer.keys)})


@pytest.fixture
def signature_checks(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """One entry per ECDSA check, with its outcome."""
    checks: list[bool] = []
    real = jwt.algorithms.ECAlgorithm.verify

    def counted(self: Any, msg: bytes, key: Any, sig: bytes) -> bool:
        checks.append(real(self, msg, key, sig))
        return checks[-1]

    monkeypatch.setattr(jwt.algorithms.ECAlgorithm, "verify", counted)
    return checks


async def test_the_same_token_has_its_signature_checked_once(dev_keys: DevKeys, signature_checks: list[bool]) -> None:
    verifier = _verifier(dev_keys, dev_keys.public_key)
    token = _token(dev_keys, "memo-once")
    for _ in range(5):
        assert (await verifier.verify(token)).subject == "memo-once"
    assert signature_checks == [True]


async def test_a_remembered_signature_does_not_pass_a_different_key_under_the_same_kid(
    dev_keys: DevKeys, signature_checks: list[bool]
) -> None:
    token = _token(dev_keys, "memo-rotated")
    assert (await _verifier(dev_keys, dev_keys.public_key).verify(token)).subject == "memo-rotated"
    rotated = ec.generate_private_key(ec.SECP256R1()).public_key()
    with pytest.raises(InvalidToken) as refused:
        await _verifier(dev_keys, rotated).verify(token)
    assert refused.value.code == "BAD_SIGNATURE"
    assert signature_checks == [True, False]


async def test_a_bad_signature_is_checked_and_refused_every_time(
    dev_keys: DevKeys, signature_checks: list[bool]
) -> None:
    header, payload, signature = _token(dev_keys, "memo-forged").split(".")
    forged = f"{header}.{payload}.{signature[::-1]}"
    verifier = _verifier(dev_keys, dev_keys.public_key)
    for _ in range(2):
        with pytest.raises(InvalidToken) as refused:
            await verifier.verify(forged)
        assert refused.value.code in ("BAD_SIGNATURE", "MALFORMED_TOKEN")
    assert True not in signature_checks


async def test_claims_are_checked_on_every_request_even_with_a_remembered_signature(
    dev_keys: DevKeys, signature_checks: list[bool]
) -> None:
    token, key = _token(dev_keys, "memo-claims"), dev_keys.public_key
    assert (await _verifier(dev_keys, key).verify(token)).subject == "memo-claims"
    # The same key object, but an issuer that now expects another audience.
    other = _verifier(dev_keys, key, audience="another-gateway")
    with pytest.raises(InvalidToken) as refused:
        await other.verify(token)
    assert refused.value.code == "BAD_AUDIENCE"
    assert signature_checks == [True]  # refused on its claims, not on a new signature check
