"""Principal: who is calling, as established from a verified token (or nobody)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from auth.roles import Role, TokenKind


@dataclass(frozen=True, slots=True)
class Principal:
    """A caller. Built only by the token verifier or `Principal.public()`."""

    subject: str | None
    roles: frozenset[Role]
    kind: TokenKind | None = None
    issuer: str | None = None
    agency_id: str | None = None
    kode_wilayah: str | None = None
    scopes: frozenset[str] = field(default_factory=frozenset)
    expires_at: datetime | None = None  # when its token expires (a long-lived connection ends then)

    @classmethod
    def public(cls) -> Principal:
        """The caller without a token."""
        return cls(subject=None, roles=frozenset({Role.PUBLIC}))

    @property
    def is_public(self) -> bool:
        """True for a caller without a token."""
        return self.subject is None

    def has(self, *roles: Role) -> bool:
        """True if the principal holds any of these roles."""
        return not self.roles.isdisjoint(roles)

    def __repr__(self) -> str:
        # No subject: it may identify a citizen.
        roles = ",".join(sorted(r.value for r in self.roles))
        return f"Principal(roles={roles}, agency={self.agency_id}, region={self.kode_wilayah})"
