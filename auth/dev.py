"""Development tokens: a local key pair, made on first use, and tokens signed with it.

The key pair lives in a directory of the developer's (default `./penghubung-dev-keys`,
git-ignored, private key readable by its owner only). The gateway trusts it only in demo
mode or when told to; production issuers come from `PENGHUBUNG_AUTH_CONFIG`.
"""

from __future__ import annotations

import os
import time
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from auth.issuers import IssuerConfig
from auth.roles import NEEDS_AGENCY, NEEDS_REGION, ROLES_BY_KIND, Role, TokenKind
from auth.tokens import SUBJECT_PATTERN

DEV_ISSUER = "penghubung-dev"
DEV_AUDIENCE = "penghubung"
DEV_ALGORITHM = "ES256"
DEFAULT_TTL = 8 * 3600
_PRIVATE = "dev-signing-key.pem"
_PUBLIC = "dev-signing-key.pub.pem"


@dataclass(frozen=True, slots=True)
class DevKeys:
    """The development key pair and its kid."""

    private_key: ec.EllipticCurvePrivateKey
    kid: str

    @property
    def public_key(self) -> ec.EllipticCurvePublicKey:
        """The verification key."""
        return self.private_key.public_key()

    def issuer(self, name: str = DEV_ISSUER) -> IssuerConfig:
        """The issuer configuration that trusts these keys (under another issuer name, a
        second local issuer, as when two citizen identity providers are trusted)."""
        return IssuerConfig(
            issuer=name,
            audience=DEV_AUDIENCE,
            algorithms=(DEV_ALGORITHM,),
            kinds=frozenset(TokenKind),
            keys={self.kid: self.public_key},
        )


def load_or_create(directory: Path) -> DevKeys:
    """Load the key pair from `directory`, creating it on first use."""
    private_path = directory / _PRIVATE
    if not private_path.exists():
        directory.mkdir(parents=True, exist_ok=True, mode=0o700)
        new_key = ec.generate_private_key(ec.SECP256R1())
        pem = new_key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        fd = os.open(private_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as f:
            f.write(pem)
        (directory / _PUBLIC).write_bytes(
            new_key.public_key().public_bytes(
                serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
            )
        )
    key = serialization.load_pem_private_key(private_path.read_bytes(), password=None)
    if not isinstance(key, ec.EllipticCurvePrivateKey):
        raise ValueError(f"{private_path}: expected an EC P-256 private key")
    public_der = key.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    # The kid is derived from the public key, so a new pair gets a new kid.
    kid = "dev-" + uuid.uuid5(uuid.NAMESPACE_OID, public_der.hex()).hex[:12]
    return DevKeys(private_key=key, kid=kid)


def kind_for(roles: Iterable[Role]) -> TokenKind:
    """The token kind that may carry these roles."""
    wanted = frozenset(roles)
    for kind, allowed in ROLES_BY_KIND.items():
        if wanted <= allowed:
            return kind
    raise ValueError(f"no single token kind carries roles {sorted(r.value for r in wanted)}")


def issue_token(
    keys: DevKeys,
    *,
    subject: str,
    roles: Iterable[Role],
    agency_id: str | None = None,
    kode_wilayah: str | None = None,
    scopes: Iterable[str] = (),
    ttl: int = DEFAULT_TTL,
    now: float | None = None,
    issuer: str = DEV_ISSUER,
) -> str:
    """A signed development token for the given claims (`iss` is `issuer`)."""
    if not SUBJECT_PATTERN.match(subject):
        raise ValueError(f"subject {subject!r} is not a short identifier (letters, digits, ._:@-)")
    if ttl <= 0:
        raise ValueError(f"ttl is {ttl} s, expected a positive lifetime")
    role_set = frozenset(roles)
    if role_set & NEEDS_AGENCY and not agency_id:
        raise ValueError("roles agency_officer and agency_admin need an agency")
    if role_set & NEEDS_REGION and not kode_wilayah:
        raise ValueError("role regional_coordinator needs a region (kode wilayah)")
    role_list = sorted(r.value for r in role_set)
    issued = int(now if now is not None else time.time())
    claims: dict[str, Any] = {
        "iss": issuer,
        "aud": DEV_AUDIENCE,
        "sub": subject,
        "iat": issued,
        "exp": issued + ttl,
        "roles": role_list,
    }
    if agency_id:
        claims["agency"] = agency_id
    if kode_wilayah:
        claims["kode_wilayah"] = kode_wilayah
    if scopes:
        claims["scope"] = " ".join(sorted(scopes))
    kind = kind_for(Role(r) for r in role_list)
    return jwt.encode(
        claims,
        keys.private_key,
        algorithm=DEV_ALGORITHM,
        headers={"kid": keys.kid, "typ": kind.value},
    )
