"""Roles a principal can hold, and the token kinds that may carry each.

Token kinds (the JWT `typ` header) keep kinds of callers apart: a citizen's token cannot
stand in for an agency officer's, nor a user's for a connector service's (RFC 8725 §3.11).
"""

from __future__ import annotations

import enum


class Role(enum.Enum):
    """What a caller is to the complaint system."""

    PUBLIC = "public"  # no token
    CITIZEN = "citizen"  # a reporter (pelapor): their own complaints
    AGENCY_OFFICER = "agency_officer"  # admin penghubung: what is disposed to their unit
    AGENCY_ADMIN = "agency_admin"  # admin instansi: what is routed to their agency and units
    REGIONAL_COORDINATOR = "regional_coordinator"  # province/regency: their kode wilayah subtree
    NATIONAL_ADMIN = "national_admin"  # pengelola nasional LAPOR!
    CONNECTOR_SERVICE = "connector_service"  # machine to machine, for sync
    AUDITOR = "auditor"  # reads the audit log


class TokenKind(enum.Enum):
    """The JWT `typ` values we accept, one per kind of caller."""

    AGENCY = "agency+jwt"
    CITIZEN = "citizen+jwt"
    SERVICE = "service+jwt"


ROLES_BY_KIND: dict[TokenKind, frozenset[Role]] = {
    TokenKind.AGENCY: frozenset(
        {
            Role.AGENCY_OFFICER,
            Role.AGENCY_ADMIN,
            Role.REGIONAL_COORDINATOR,
            Role.NATIONAL_ADMIN,
            Role.AUDITOR,
        }
    ),
    TokenKind.CITIZEN: frozenset({Role.CITIZEN}),
    TokenKind.SERVICE: frozenset({Role.CONNECTOR_SERVICE}),
}

# Roles whose work is tied to an agency, and those tied to a region: their tokens must
# carry that claim.
NEEDS_AGENCY = frozenset({Role.AGENCY_OFFICER, Role.AGENCY_ADMIN})
NEEDS_REGION = frozenset({Role.REGIONAL_COORDINATOR})

# Scopes a token may carry (space-separated `scope` claim).
SCOPE_ALL_COMPLAINTS = "complaints:all"  # a connector that syncs every complaint (LAPOR!)
SCOPE_ANONYMOUS_IDENTITY = "reporter:anonymous"  # may receive anonymous reporters' identity
KNOWN_SCOPES = frozenset({SCOPE_ALL_COMPLAINTS, SCOPE_ANONYMOUS_IDENTITY})
