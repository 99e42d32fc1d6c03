"""Write ports: mutations through the system of record, and the audit log's notes."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from auth.audit import AuditAction, AuditFilter, AuditRecord
from auth.policy import Access
from auth.principal import Principal
from schema.canonical import Complaint
from schema.lifecycle import ActionRequest
from schema.live import WriteReceipt
from schema.queries import Cursor, Page
from schema.validation import ComplaintDraft


class WritePort(Protocol):
    """Mutations through the system of record (implemented by gateway.federation)."""

    async def act(
        self,
        complaint_id: str,
        request: ActionRequest,
        *,
        principal: Principal,
        access: Access,
        now: datetime,
        request_id: str,
        idempotency_key: str | None = None,
    ) -> tuple[Complaint, WriteReceipt]: ...
    async def submit(
        self, draft: ComplaintDraft, *, principal: Principal, now: datetime, idempotency_key: str | None = None
    ) -> tuple[Complaint, WriteReceipt]: ...


class AuditReader(Protocol):
    """Reads the audit log, newest first (implemented by gateway.domain.audit.read_audit)."""

    async def __call__(self, f: AuditFilter, *, first: int, after: Cursor | None) -> Page[AuditRecord]: ...


class Auditor(Protocol):
    """Notes acts for the audit log (implemented by gateway.domain.audit.AuditTrail)."""

    def record(self, action: AuditAction, *, complaint_id: str | None = None, reason: str | None = None) -> None: ...
    async def flush(self) -> None: ...
