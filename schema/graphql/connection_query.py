"""Which kab/kota are connected, and how: the connection overview for agency staff.

It answers from the sources configuration the gateway runs with (sync health joins it
with the sync engine). Citizens and the public do not see it: it names internal systems.
"""

from __future__ import annotations

from datetime import date

import strawberry

from auth.audit import AuditAction
from auth.roles import Role
from schema.graphql.refusal import refuse
from schema.graphql.types import Ctx
from schema.ports.sources import SourceInfo, SourcesReader


@strawberry.type(description="One system the gateway connects, or a kab/kota not connected yet.")
class SourceConnection:
    name: str
    kode_wilayah: str
    region_name: str
    connected: bool
    kind: str = strawberry.field(
        description="The dialect (rest_json_v1, wa_bot_mongo, legacy_sql, xml_stream), a custom mapping, or the national API."
    )
    capabilities: list[str]
    connected_since: date | None
    provisional: bool = strawberry.field(
        description="True when the API shape is provisional (the LAPOR! v3 API until its official spec is at hand)."
    )

    @classmethod
    def of(cls, info: SourceInfo) -> SourceConnection:
        return cls(
            name=info.name,
            kode_wilayah=info.kode_wilayah,
            region_name=info.region_name,
            connected=info.connected,
            kind=info.kind,
            capabilities=list(info.capabilities),
            connected_since=info.connected_since,
            provisional=info.provisional,
        )


@strawberry.type(description="The connection state of one province.")
class ConnectionOverview:
    province: str
    national: SourceConnection
    regencies: list[SourceConnection]
    connected_count: int
    regency_count: int


_STAFF = (
    Role.AGENCY_OFFICER,
    Role.AGENCY_ADMIN,
    Role.REGIONAL_COORDINATOR,
    Role.NATIONAL_ADMIN,
    Role.AUDITOR,
    Role.CONNECTOR_SERVICE,
)


@strawberry.type
class ConnectionQuery:
    @strawberry.field(
        description="Which kab/kota are connected, through which kind of system, since when (agency staff)."
    )
    def connections(self, info: Ctx) -> ConnectionOverview | None:
        ctx = info.context
        if not ctx.principal.has(*_STAFF):
            raise refuse(
                ctx,
                action=AuditAction.READ_DENIED,
                reason="CONNECTIONS",
                without_token="the connection overview needs an agency token",
                with_token="the connection overview is for agency staff",
            )
        sources: SourcesReader | None = ctx.sources
        if sources is None:
            return None  # this gateway runs without a sources configuration
        regencies = [SourceConnection.of(r) for r in sources.regencies()]
        return ConnectionOverview(
            province=sources.province,
            national=SourceConnection.of(sources.national()),
            regencies=regencies,
            connected_count=sum(r.connected for r in regencies),
            regency_count=len(regencies),
        )
