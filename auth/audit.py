"""The audit vocabulary: which acts are recorded, and with what outcome.

An audit event names the act, the complaint (by id) and the outcome, never the complaint's
content or the reporter's identity.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime


class AuditAction(enum.Enum):
    """Acts worth a permanent record."""

    SECRET_COMPLAINT_READ = "SECRET_COMPLAINT_READ"
    REPORTER_IDENTITY_READ = "REPORTER_IDENTITY_READ"
    COMPLAINT_SUBMITTED = "COMPLAINT_SUBMITTED"
    COMPLAINT_CHANGED = "COMPLAINT_CHANGED"  # a lifecycle action; the reason names it
    READ_DENIED = "READ_DENIED"
    MUTATION_DENIED = "MUTATION_DENIED"
    TOKEN_REJECTED = "TOKEN_REJECTED"
    AUDIT_LOG_READ = "AUDIT_LOG_READ"


class AuditOutcome(enum.Enum):
    """Whether the act was allowed."""

    ALLOWED = "ALLOWED"
    DENIED = "DENIED"


DENIALS = frozenset({AuditAction.READ_DENIED, AuditAction.MUTATION_DENIED, AuditAction.TOKEN_REJECTED})


@dataclass(frozen=True, slots=True)
class AuditEvent:
    """One act to record; who and when are added by the recorder."""

    action: AuditAction
    complaint_id: str | None = None
    reason: str | None = None  # a code such as EXPIRED_TOKEN, never free text from input

    @property
    def outcome(self) -> AuditOutcome:
        """DENIED for denials, else ALLOWED."""
        return AuditOutcome.DENIED if self.action in DENIALS else AuditOutcome.ALLOWED


@dataclass(frozen=True, slots=True)
class AuditRecord:
    """A stored audit entry as auditors see it."""

    id: int
    at: datetime
    action: str
    outcome: str
    actor_issuer: str | None  # the actor is (issuer, subject): a subject alone is ambiguous
    actor_subject: str | None
    actor_roles: str
    actor_agency_id: str | None
    complaint_id: str | None
    reason: str | None
    request_id: str | None


@dataclass(frozen=True, slots=True)
class AuditFilter:
    """What an auditor can search the log by."""

    actions: Sequence[str] = ()
    actor_issuer: str | None = None
    actor_subject: str | None = None
    complaint_id: str | None = None
    after: datetime | None = None
    before: datetime | None = None
