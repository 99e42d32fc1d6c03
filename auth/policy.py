"""Access policy: what each role may read and do, as pure functions of the principal.

One place decides, and tests check it as a table. The result is data (`Access`) that the
store pushes into SQL; nothing here looks at rows.

Reporter identity follows docs/domain.md §1.6: for anonymous (anonim) complaints only the
national admin, the admin instansi of an agency in the complaint's trail, the reporter and
explicitly trusted connectors may see it; OPD staff (admin penghubung), coordinators,
auditors and the public never do.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import reduce

from auth.principal import Principal
from auth.roles import SCOPE_ALL_COMPLAINTS, SCOPE_ANONYMOUS_IDENTITY, Role
from auth.scope import (
    NOTHING,
    PUBLIC,
    AllRows,
    DisposedTo,
    Grant,
    InRegion,
    OwnedBy,
    RoutedTo,
    RowScope,
)


@dataclass(frozen=True, slots=True)
class Access:
    """What one principal may read and do.

    Attributes:
        public: complaints readable through the public type (no private fields).
        cases: complaints readable in full (the case file, without the reporter).
        identities: complaints whose reporter identity may be read, if not anonymous.
        anonymous_identities: the same, for anonymous complaints.
        may_submit: may submit a complaint.
        may_read_audit: may query the audit log.
    """

    public: RowScope
    cases: RowScope
    identities: RowScope
    anonymous_identities: RowScope
    may_submit: bool
    may_read_audit: bool

    def __or__(self, other: Access) -> Access:
        return Access(
            public=self.public | other.public,
            cases=self.cases | other.cases,
            identities=self.identities | other.identities,
            anonymous_identities=self.anonymous_identities | other.anonymous_identities,
            may_submit=self.may_submit or other.may_submit,
            may_read_audit=self.may_read_audit or other.may_read_audit,
        )


NO_ACCESS = Access(
    public=PUBLIC,
    cases=NOTHING,
    identities=NOTHING,
    anonymous_identities=NOTHING,
    may_submit=False,
    may_read_audit=False,
)


def _grants(*grants: Grant | None) -> RowScope:
    return RowScope.of(*(g for g in grants if g is not None))


def _agency_grants(p: Principal) -> tuple[Grant | None, Grant | None]:
    if p.agency_id is None:
        return None, None
    return RoutedTo(p.agency_id), DisposedTo(p.agency_id)


def _role_access(p: Principal, role: Role) -> Access:
    base = NO_ACCESS
    if role is Role.CITIZEN and p.subject and p.issuer:
        own = RowScope.of(OwnedBy(p.issuer, p.subject))
        return Access(PUBLIC, own, own, own, may_submit=True, may_read_audit=False)
    if role is Role.AGENCY_OFFICER and p.agency_id:
        disposed = RowScope.of(DisposedTo(p.agency_id))
        return Access(PUBLIC, disposed, disposed, NOTHING, may_submit=True, may_read_audit=False)
    if role is Role.AGENCY_ADMIN and p.agency_id:
        trail = _grants(*_agency_grants(p))
        return Access(PUBLIC, trail, trail, trail, may_submit=True, may_read_audit=False)
    if role is Role.REGIONAL_COORDINATOR and p.kode_wilayah:
        region = RowScope.of(InRegion(p.kode_wilayah))
        return Access(PUBLIC, region, NOTHING, NOTHING, may_submit=False, may_read_audit=False)
    if role is Role.NATIONAL_ADMIN:
        everything = RowScope.of(AllRows())
        return Access(PUBLIC, everything, everything, everything, True, False)
    if role is Role.CONNECTOR_SERVICE:
        if SCOPE_ALL_COMPLAINTS in p.scopes:
            synced = RowScope.of(AllRows())
        else:
            routed_to, disposed_to = _agency_grants(p)
            in_region = InRegion(p.kode_wilayah) if p.kode_wilayah else None
            synced = _grants(routed_to, disposed_to, in_region)
        anonymous = synced if SCOPE_ANONYMOUS_IDENTITY in p.scopes else NOTHING
        return Access(PUBLIC, synced, synced, anonymous, may_submit=True, may_read_audit=False)
    if role is Role.AUDITOR:
        return Access(PUBLIC, NOTHING, NOTHING, NOTHING, may_submit=False, may_read_audit=True)
    return base


def access_for(principal: Principal) -> Access:
    """The union of what each of the principal's roles allows."""
    return reduce(lambda acc, role: acc | _role_access(principal, role), principal.roles, NO_ACCESS)


# Who may take each lifecycle action (schema.lifecycle.Action values), on a complaint that
# is already in their case scope. LAPOR! never resolves complaints itself, so the national
# admin verifies, disposes and closes but does not answer; connectors act for the system
# they sync, whose own rules already ran.
_ADMINS = frozenset({Role.NATIONAL_ADMIN, Role.AGENCY_ADMIN, Role.CONNECTOR_SERVICE})
ACTION_ROLES: dict[str, frozenset[Role]] = {
    "VERIFY": _ADMINS,
    "HOLD": _ADMINS,
    "NOT_OUR_AUTHORITY": _ADMINS,
    "ARCHIVE": _ADMINS,
    "DISPOSE": _ADMINS,
    "POST_FOLLOW_UP": frozenset({Role.AGENCY_OFFICER, Role.AGENCY_ADMIN, Role.CONNECTOR_SERVICE}),
    "REPLY": frozenset({Role.CITIZEN, Role.CONNECTOR_SERVICE}),
    "CLOSE": _ADMINS | {Role.CITIZEN},
    "RATE": frozenset({Role.CITIZEN, Role.CONNECTOR_SERVICE}),
}


def may_perform(principal: Principal, action: str) -> bool:
    """Whether the principal's roles allow a lifecycle action (scope is checked apart)."""
    return principal.has(*ACTION_ROLES.get(action, frozenset()))
