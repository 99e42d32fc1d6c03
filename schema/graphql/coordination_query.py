"""`coordination`: the coordinators' view, drilled down national -> province -> kab/kota.

Each row says how far a region is connected (kab/kota connected of all, since when, in
which dialect), how its sync is doing (lag, backlog, dead letters, last error) and how
deadlines are kept there (complaints created in the period, open, overdue, share of
deadlines met in time), counted within the caller's case scope. At a kab/kota, the rows
are the agencies handling its complaints. For national and regional admins and auditors.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime, timedelta
from typing import Any

import strawberry

from auth.audit import AuditAction
from auth.roles import Role
from schema import coordination as co
from schema import regions as r
from schema.canonical import Region, RegionLevel
from schema.graphql.inputs import UserInputError
from schema.graphql.refusal import refuse
from schema.graphql.sync_query import as_caller_may_see
from schema.graphql.types import Ctx
from schema.ports.reads import CountsReader
from schema.ports.sources import SourceInfo, SourcesReader
from schema.ports.sync import SyncInfo
from schema.privacy import mask_contacts
from schema.validation import FieldError

# strawberry.enum marks the enum class itself (and returns it): each name below is that
# class, so type checkers take it as a type.
strawberry.enum(
    co.Level,
    name="CoordinationLevel",
    description="NATIONAL (rows: provinces), PROVINCE (rows: kab/kota), REGENCY (rows: agencies).",
)
Level = co.Level
_ADMINS = (Role.NATIONAL_ADMIN, Role.REGIONAL_COORDINATOR, Role.AUDITOR)
MAX_DAYS = 366


@strawberry.type(description="One province, kab/kota or agency in the coordinators' view.")
class CoordinationRow:
    kode_wilayah: str | None = strawberry.field(description="The region (null for an agency row).")
    agency_id: strawberry.ID | None = strawberry.field(description="The agency (agency rows only).")
    name: str
    regency_count: int | None = strawberry.field(
        description="Kab/kota in it (province rows, and the summary of a province)."
    )
    connected_count: int | None = strawberry.field(description="Of those, connected to the gateway.")
    connected: bool | None = strawberry.field(
        description="Whether this kab/kota's own system is connected (kab/kota rows)."
    )
    connected_since: date | None
    kind: str | None = strawberry.field(description="Its system's dialect, or 'not connected'.")
    source: str | None = strawberry.field(description="The source name its sync goes by.")
    sync_lag_seconds: float | None = strawberry.field(description="Seconds since its last successful pull.")
    backlog: int | None = strawberry.field(description="Deliveries to its system still waiting.")
    dead_letters: int | None = strawberry.field(description="Deliveries to its system that gave up.")
    last_error: str | None
    complaints: int = strawberry.field(description="Complaints created in the period, in your scope.")
    open: int = strawberry.field(description="Of those, not closed or archived.")
    overdue: int = strawberry.field(description="Open and past a deadline not met.")
    on_time_rate: float | None = strawberry.field(
        description="Share of deadlines (verification, follow-up, resolution) met in time; null when none came due."
    )


@strawberry.type(description="The coordinators' view of one level.")
class CoordinationView:
    level: Level
    kode_wilayah: str | None
    name: str
    parent_kode_wilayah: str | None = strawberry.field(description="One level up (null at national).")
    parent_name: str | None = strawberry.field(description="Its name.")
    since: datetime
    until: datetime
    summary: CoordinationRow = strawberry.field(description="The level itself, all its rows together.")
    rows: list[CoordinationRow]
    counts_in_scope: bool = strawberry.field(
        description="False when your token's case scope holds no complaints at all (an auditor's): the counts are then 0 by scope, not by fact."
    )


def _counted(c: co.GroupCounts) -> dict[str, Any]:
    return {"complaints": c.complaints, "open": c.open, "overdue": c.overdue, "on_time_rate": c.on_time_rate}


def _blank() -> dict[str, Any]:
    return dict.fromkeys(
        (
            "kode_wilayah",
            "agency_id",
            "regency_count",
            "connected_count",
            "connected",
            "connected_since",
            "kind",
            "source",
            "sync_lag_seconds",
            "backlog",
            "dead_letters",
            "last_error",
        ),
    )


def _total(groups: Mapping[str | None, co.GroupCounts]) -> co.GroupCounts:
    values = list(groups.values())
    return co.GroupCounts(
        *(sum(getattr(v, f) for v in values) for f in ("complaints", "open", "overdue", "on_time", "late"))
    )


def _regency_row(
    region: Region, source: SourceInfo | None, sync: SyncInfo | None, counts: co.GroupCounts
) -> CoordinationRow:
    fields = _blank() | _counted(counts) | {"kode_wilayah": region.code, "name": region.name}
    if source is not None:
        fields |= {
            "connected": source.connected,
            "connected_since": source.connected_since,
            "kind": source.kind,
            "source": source.name if source.connected else None,
        }
    if sync is not None and source is not None and source.connected:
        fields |= {
            "sync_lag_seconds": sync.lag_seconds,
            "backlog": sync.backlog,
            "dead_letters": sync.dead_letters,
            # An error it has recovered from since is history, not health.
            "last_error": sync.last_error if sync.consecutive_failures else None,
        }
    return CoordinationRow(**fields)


def _check(code: str | None, days: int) -> None:
    errors = []
    if code is not None and (
        not r.is_valid_code_format(code) or r.level_of(code).value > 2 or r.get_region(code) is None
    ):
        errors.append(
            FieldError(
                "kodeWilayah",
                f"'{mask_contacts(code[:20])}' is not a province or kab/kota",
                "a code like 16 or 16.05, or none for the national view",
            )
        )
    if not 1 <= days <= MAX_DAYS:
        errors.append(FieldError("days", f"is {days}", f"an integer from 1 to {MAX_DAYS}"))
    if errors:
        raise UserInputError(errors)


@strawberry.type
class CoordinationQuery:
    @strawberry.field(
        description="Connection, sync health and deadline performance by region: national (kodeWilayah null), a province, or a kab/kota (national and regional admins, auditors)."
    )
    async def coordination(self, info: Ctx, kode_wilayah: str | None = None, days: int = 30) -> CoordinationView:
        ctx = info.context
        if not ctx.principal.has(*_ADMINS):
            raise refuse(
                ctx,
                action=AuditAction.READ_DENIED,
                reason="COORDINATION",
                without_token="the coordination view needs an admin token",
                with_token="the coordination view is for national or regional admins and auditors",
            )
        code = kode_wilayah.strip() if kode_wilayah else None
        _check(code, days)
        until = datetime.now(UTC)
        since = until - timedelta(days=days)
        reader: CountsReader = ctx.coordination
        sources: SourcesReader | None = ctx.sources
        syncs: Sequence[SyncInfo] = as_caller_may_see(ctx, await ctx.sync.status()) if ctx.sync is not None else ()
        sync_by = {s.source: s for s in syncs}
        configured = {s.kode_wilayah: s for s in sources.regencies()} if sources is not None else {}

        async def counts(by: str, within: str | None) -> Mapping[str | None, co.GroupCounts]:
            return await reader.group_counts(
                ctx.access.cases, by=by, within=within, since=since, until=until, now=until
            )

        view: dict[str, Any] = {
            "kode_wilayah": code,
            "since": since,
            "until": until,
            "counts_in_scope": not ctx.access.cases.empty,
        }
        if code is None:
            grouped = await counts("province", None)
            rows = []
            for p in (x for x in r.provinces_and_regencies() if x.level is RegionLevel.PROVINCE):
                regencies = [x for x in r.children(p.code)]
                connected = sum(1 for x in regencies if configured.get(x.code) and configured[x.code].connected)
                rows.append(
                    CoordinationRow(
                        **(
                            _blank()
                            | _counted(grouped.get(p.code, co.NO_COUNTS))
                            | {
                                "kode_wilayah": p.code,
                                "name": p.name,
                                "regency_count": len(regencies),
                                "connected_count": connected,
                            }
                        )
                    )
                )
            summary = CoordinationRow(
                **(
                    _blank()
                    | _counted(_total(grouped))
                    | {
                        "name": "Indonesia",
                        "regency_count": sum(x.regency_count or 0 for x in rows),
                        "connected_count": sum(x.connected_count or 0 for x in rows),
                    }
                )
            )
            return CoordinationView(
                level=co.Level.NATIONAL,
                name="Indonesia",
                parent_kode_wilayah=None,
                parent_name=None,
                summary=summary,
                rows=rows,
                **view,
            )
        region = r.get_region(code)
        assert region is not None
        if region.level is RegionLevel.PROVINCE:
            grouped = await counts("regency", code)
            rows = []
            for k in r.children(code):
                source = configured.get(k.code)
                rows.append(
                    _regency_row(
                        k, source, sync_by.get(source.name) if source else None, grouped.get(k.code, co.NO_COUNTS)
                    )
                )
            summary = CoordinationRow(
                **(
                    _blank()
                    | _counted(_total(grouped))
                    | {
                        "kode_wilayah": code,
                        "name": region.name,
                        "regency_count": len(rows),
                        "connected_count": sum(1 for x in rows if x.connected),
                    }
                )
            )
            return CoordinationView(
                level=co.Level.PROVINCE,
                name=region.name,
                parent_kode_wilayah=None,
                parent_name="Indonesia",
                summary=summary,
                rows=rows,
                **view,
            )
        grouped = await counts("agency", code)
        names = {a.id: a.name for a in await ctx.references.agencies(ids=[k for k in grouped if k])}
        rows = [
            CoordinationRow(
                **(
                    _blank()
                    | _counted(c)
                    | {"agency_id": strawberry.ID(k) if k else None, "name": names.get(k or "", k or "(no agency yet)")}
                )
            )
            for k, c in sorted(grouped.items(), key=lambda kv: (-kv[1].complaints, kv[0] or ""))
        ]
        source = configured.get(code)
        summary = _regency_row(region, source, sync_by.get(source.name) if source else None, _total(grouped))
        parent = r.get_region(region.parent_code or "")
        return CoordinationView(
            level=co.Level.REGENCY,
            name=region.name,
            parent_kode_wilayah=region.parent_code,
            parent_name=parent.name if parent else None,
            summary=summary,
            rows=rows,
            **view,
        )
