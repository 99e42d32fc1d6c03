"""The access policy as a table: role -> which grants each view gets."""

from __future__ import annotations

import pytest

from auth.policy import access_for
from auth.principal import Principal
from auth.roles import SCOPE_ALL_COMPLAINTS, SCOPE_ANONYMOUS_IDENTITY, Role
from auth.scope import NOTHING, PUBLIC, AllRows, DisposedTo, InRegion, OwnedBy, RoutedTo, RowScope


def p(
    *roles: Role, agency: str | None = None, region: str | None = None, scopes: frozenset[str] = frozenset()
) -> Principal:
    return Principal(
        subject="s-1", issuer="iss-1", roles=frozenset(roles), agency_id=agency, kode_wilayah=region, scopes=scopes
    )


ALL = RowScope.of(AllRows())
TRAIL = RowScope.of(RoutedTo("pemkab-16.05"), DisposedTo("pemkab-16.05"))
UNIT = RowScope.of(DisposedTo("16.05-pupr"))
OWN = RowScope.of(OwnedBy("iss-1", "s-1"))

TABLE = [
    # principal, cases, identities, anonymous identities, may submit, may read audit
    pytest.param(Principal.public(), NOTHING, NOTHING, NOTHING, False, False, id="public"),
    pytest.param(p(Role.CITIZEN), OWN, OWN, OWN, True, False, id="citizen"),
    # A subject is unique only within its issuer: without one, a citizen owns nothing.
    pytest.param(
        Principal(subject="s-1", roles=frozenset({Role.CITIZEN})),
        NOTHING,
        NOTHING,
        NOTHING,
        False,
        False,
        id="citizen-without-issuer",
    ),
    pytest.param(p(Role.AGENCY_OFFICER, agency="16.05-pupr"), UNIT, UNIT, NOTHING, True, False, id="agency-officer"),
    pytest.param(p(Role.AGENCY_ADMIN, agency="pemkab-16.05"), TRAIL, TRAIL, TRAIL, True, False, id="agency-admin"),
    pytest.param(
        p(Role.REGIONAL_COORDINATOR, region="16"),
        RowScope.of(InRegion("16")),
        NOTHING,
        NOTHING,
        False,
        False,
        id="coordinator",
    ),
    pytest.param(p(Role.NATIONAL_ADMIN), ALL, ALL, ALL, True, False, id="national-admin"),
    pytest.param(
        p(Role.CONNECTOR_SERVICE, agency="pemkab-16.05", region="16.05"),
        RowScope.of(RoutedTo("pemkab-16.05"), DisposedTo("pemkab-16.05"), InRegion("16.05")),
        RowScope.of(RoutedTo("pemkab-16.05"), DisposedTo("pemkab-16.05"), InRegion("16.05")),
        NOTHING,
        True,
        False,
        id="connector-regency",
    ),
    pytest.param(
        p(Role.CONNECTOR_SERVICE, scopes=frozenset({SCOPE_ALL_COMPLAINTS, SCOPE_ANONYMOUS_IDENTITY})),
        ALL,
        ALL,
        ALL,
        True,
        False,
        id="connector-national",
    ),
    pytest.param(p(Role.AUDITOR), NOTHING, NOTHING, NOTHING, False, True, id="auditor"),
    # Roles without the claim they need get nothing rather than everything.
    pytest.param(p(Role.AGENCY_ADMIN), NOTHING, NOTHING, NOTHING, False, False, id="admin-without-agency"),
    pytest.param(
        p(Role.REGIONAL_COORDINATOR), NOTHING, NOTHING, NOTHING, False, False, id="coordinator-without-region"
    ),
    pytest.param(p(Role.CONNECTOR_SERVICE), NOTHING, NOTHING, NOTHING, True, False, id="connector-without-claims"),
    # Several roles: the union, view by view (a coordinator-admin still sees no anonymous
    # identities outside their agency's trail).
    pytest.param(
        p(Role.REGIONAL_COORDINATOR, Role.AGENCY_ADMIN, agency="pemkab-16.05", region="16"),
        RowScope.of(InRegion("16"), RoutedTo("pemkab-16.05"), DisposedTo("pemkab-16.05")),
        TRAIL,
        TRAIL,
        True,
        False,
        id="coordinator-and-admin",
    ),
]


@pytest.mark.parametrize(("principal", "cases", "identities", "anonymous", "submit", "audit"), TABLE)
def test_access_table(
    principal: Principal,
    cases: RowScope,
    identities: RowScope,
    anonymous: RowScope,
    submit: bool,
    audit: bool,
) -> None:
    access = access_for(principal)
    assert access.public == PUBLIC
    assert access.cases == cases
    assert access.identities == identities
    assert access.anonymous_identities == anonymous
    assert access.may_submit is submit
    assert access.may_read_audit is audit


def test_identity_is_never_wider_than_the_case_view() -> None:
    for param in TABLE:
        access = access_for(param.values[0])  # type: ignore[arg-type]
        assert access.identities.grants <= access.cases.grants | {AllRows()}
        assert access.anonymous_identities.grants <= access.identities.grants
