"""Who am I, and the audit log (for auditors only)."""

from __future__ import annotations

from datetime import datetime

import strawberry

from auth.audit import AuditAction, AuditFilter
from schema import canonical as c
from schema.graphql.complaint_query import DEFAULT_PAGE_SIZE, decode_after, page_size
from schema.graphql.inputs import UserInputError
from schema.graphql.refusal import refuse
from schema.graphql.types import Ctx, PageInfo
from schema.validation import FieldError

# strawberry.enum marks the enum itself, so fields below can name AuditAction as a type.
strawberry.enum(AuditAction, name="AuditAction", description="Audited acts.")


@strawberry.type(description="The caller, as the gateway understood their token.")
class Viewer:
    authenticated: bool
    roles: list[str]
    agency_id: strawberry.ID | None
    kode_wilayah: str | None
    may_submit: bool
    may_read_audit: bool


@strawberry.type(description="One audit log entry: who did what to which complaint.")
class AuditEvent:
    at: datetime
    action: str
    outcome: str = strawberry.field(description="ALLOWED or DENIED.")
    actor_issuer: str | None = strawberry.field(
        description="The actor's token issuer; the actor is (actorIssuer, actorSubject), as a "
        "subject is unique only within its issuer."
    )
    actor_subject: str | None
    actor_roles: list[str]
    actor_agency_id: strawberry.ID | None
    complaint_id: strawberry.ID | None
    reason: str | None
    request_id: str | None


@strawberry.type
class AuditEventEdge:
    cursor: str
    node: AuditEvent


@strawberry.type(description="A page of audit events, newest first.")
class AuditEventConnection:
    edges: list[AuditEventEdge]
    page_info: PageInfo


@strawberry.input(description="Narrow the audit log.")
class AuditFilterInput:
    action: list[AuditAction] | None = None
    actor_issuer: str | None = None
    actor_subject: str | None = None
    complaint_id: strawberry.ID | None = None
    after: datetime | None = None
    before: datetime | None = None


@strawberry.type
class AccessQuery:
    @strawberry.field(description="Who you are to the gateway, and what you may do.")
    def viewer(self, info: Ctx) -> Viewer:
        p, access = info.context.principal, info.context.access
        return Viewer(
            authenticated=not p.is_public,
            roles=sorted(r.value for r in p.roles),
            agency_id=strawberry.ID(p.agency_id) if p.agency_id else None,
            kode_wilayah=p.kode_wilayah,
            may_submit=access.may_submit,
            may_read_audit=access.may_read_audit,
        )

    @strawberry.field(description="The audit log, newest first (auditors only).")
    async def audit_events(
        self,
        info: Ctx,
        filter: AuditFilterInput | None = None,
        first: int = DEFAULT_PAGE_SIZE,
        after: str | None = None,
    ) -> AuditEventConnection:
        ctx = info.context
        if not ctx.access.may_read_audit:
            raise refuse(
                ctx,
                action=AuditAction.READ_DENIED,
                reason="AUDIT_LOG",
                without_token="reading the audit log needs an auditor's token",
                with_token="reading the audit log needs the auditor role",
            )
        f = filter or AuditFilterInput()
        for name in ("after", "before"):
            value = getattr(f, name)
            if value is not None and value.tzinfo is None:
                raise UserInputError(
                    [FieldError(f"filter.{name}", "has no time zone", "an ISO 8601 date-time with an offset")]
                )
        page = await ctx.audit_reader(
            AuditFilter(
                actions=tuple(a.value for a in f.action or ()),
                actor_issuer=f.actor_issuer,
                actor_subject=f.actor_subject,
                complaint_id=str(f.complaint_id) if f.complaint_id else None,
                after=c.utc(f.after) if f.after else None,
                before=c.utc(f.before) if f.before else None,
            ),
            first=page_size(first, ctx.max_page_size),
            after=decode_after(after),
        )
        ctx.audit.record(AuditAction.AUDIT_LOG_READ)
        edges = [
            AuditEventEdge(
                cursor=cur.encode(),
                node=AuditEvent(
                    at=e.at,
                    action=e.action,
                    outcome=e.outcome,
                    actor_issuer=e.actor_issuer,
                    actor_subject=e.actor_subject,
                    actor_roles=e.actor_roles.split(",") if e.actor_roles else [],
                    actor_agency_id=strawberry.ID(e.actor_agency_id) if e.actor_agency_id else None,
                    complaint_id=strawberry.ID(e.complaint_id) if e.complaint_id else None,
                    reason=e.reason,
                    request_id=e.request_id,
                ),
            )
            for e, cur in zip(page.items, page.cursors, strict=True)
        ]
        end = page.end_cursor
        return AuditEventConnection(
            edges=edges,
            page_info=PageInfo(has_next_page=page.has_next_page, end_cursor=end.encode() if end else None),
        )
