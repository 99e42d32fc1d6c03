"""RowScope: the set of complaints a caller may read, as data the store turns into SQL.

A scope is a union of grants. Policies decide a caller's scopes once per request; the
store pushes them into every query (lists, counts, lookups by id, nested batches), so
nothing is filtered after a page was cut and "forbidden" looks exactly like "not found".

Secret (rahasia) complaints are only reachable through grants that put the caller in the
complaint's disposition trail (routed to or disposed to their agency), through ownership
(the reporter), or through `AllRows`.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class AllRows:
    """Every complaint, secret ones included."""


@dataclass(frozen=True, slots=True)
class NonSecret:
    """Every complaint that is not secret: what the public may see."""


@dataclass(frozen=True, slots=True)
class OwnedBy:
    """Complaints submitted by this account: a citizen's token issuer and subject, together.

    A subject is only unique within its issuer: two trusted citizen issuers may both have a
    `sub` "123", and they are two people.
    """

    issuer: str
    subject: str


@dataclass(frozen=True, slots=True)
class RoutedTo:
    """Complaints routed to this agency or to one of its units (secret ones included)."""

    agency_id: str


@dataclass(frozen=True, slots=True)
class DisposedTo:
    """Complaints whose disposition trail reaches this agency or one of its units."""

    agency_id: str


@dataclass(frozen=True, slots=True)
class InRegion:
    """Non-secret complaints located in this kode wilayah or below it."""

    kode_wilayah: str


Grant = AllRows | NonSecret | OwnedBy | RoutedTo | DisposedTo | InRegion


@dataclass(frozen=True, slots=True)
class RowScope:
    """A union of grants; no grants means no rows at all."""

    grants: frozenset[Grant] = frozenset()

    @classmethod
    def of(cls, *grants: Grant) -> RowScope:
        """A scope from grants (duplicates collapse)."""
        return cls(frozenset(grants))

    @property
    def everything(self) -> bool:
        """True when the scope holds every complaint."""
        return AllRows() in self.grants

    @property
    def empty(self) -> bool:
        """True when the scope holds no complaint."""
        return not self.grants

    def __or__(self, other: RowScope) -> RowScope:
        return RowScope(self.grants | other.grants)


# What a caller without a token may read: every complaint that is not secret.
PUBLIC = RowScope.of(NonSecret())
# No restriction; only for the gateway's own jobs (seeding, migrations, sync).
UNRESTRICTED = RowScope.of(AllRows())
NOTHING = RowScope()
