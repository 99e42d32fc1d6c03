"""Upstream text (a source's error, a rejected record, a sync note) as each role reads it:
as written only for those who may see every reporter's identity; for everyone else with
quoted values withheld and contact details masked, keeping the words that say what failed."""

from __future__ import annotations

import pytest

from auth.policy import access_for
from auth.principal import Principal
from auth.roles import SCOPE_ALL_COMPLAINTS, SCOPE_ANONYMOUS_IDENTITY, Role
from schema import live
from schema.graphql.live_types import SourceOutcome
from schema.upstream_text import for_caller, identity_free

ERROR = "answered 422: nik '3201234567890001' of \"Ibu Sari\" exists; call 0812-3456-7890 or sari@example.com"
SECRETS = ("3201234567890001", "Ibu Sari", "0812-3456-7890", "sari@example.com")


def _principal(*roles: Role, **claims: object) -> Principal:
    return Principal(subject="someone", roles=frozenset(roles), **claims)  # type: ignore[arg-type]


AS_WRITTEN = {
    "national admin": _principal(Role.NATIONAL_ADMIN, agency_id="kemenpanrb"),
    "trusted connector": _principal(
        Role.CONNECTOR_SERVICE, scopes=frozenset({SCOPE_ALL_COMPLAINTS, SCOPE_ANONYMOUS_IDENTITY})
    ),
}
WITHHELD = {
    "regional coordinator": _principal(Role.REGIONAL_COORDINATOR, kode_wilayah="16"),
    "auditor": _principal(Role.AUDITOR),
    "agency officer": _principal(Role.AGENCY_OFFICER, agency_id="16.05-pupr"),
    "agency admin": _principal(Role.AGENCY_ADMIN, agency_id="pemkab-16.05"),
    "connector without the anonymous scope": _principal(
        Role.CONNECTOR_SERVICE, scopes=frozenset({SCOPE_ALL_COMPLAINTS})
    ),
    "public": Principal.public(),
}


@pytest.mark.parametrize("principal", AS_WRITTEN.values(), ids=AS_WRITTEN.keys())
def test_who_may_see_every_identity_reads_it_as_written(principal: Principal) -> None:
    assert for_caller(access_for(principal), ERROR) == ERROR


@pytest.mark.parametrize("principal", WITHHELD.values(), ids=WITHHELD.keys())
def test_everyone_else_reads_it_without_values(principal: Principal) -> None:
    outcome = SourceOutcome.of(
        live.SourceOutcome("16.05-musi-rawas", live.Outcome.ERROR, 12.0, ERROR), access_for(principal)
    )
    assert outcome.error is not None and outcome.error.startswith("answered 422: nik '(withheld)'")
    for secret in SECRETS:
        assert secret not in outcome.error


def test_identity_free_keeps_what_failed() -> None:
    assert identity_free(None) is None
    assert identity_free("record rep_2: status: 'ENTAH' is not in [maps.status]") == (
        "record rep_2: status: '(withheld)' is not in [maps.status]"
    )
    unclosed = identity_free("a quote ' never closed, 081234567890")
    assert unclosed is not None and unclosed.startswith("a quote ' never closed, ") and "0812" not in unclosed
