"""What the soak's traffic reads and acts on: the complaints the worker's first pulls put
in the index, read straight from the bench's own database."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import asyncpg


@dataclass(frozen=True, slots=True)
class Case:
    """A complaint in the index the traffic reads or acts on."""

    id: str
    tracking_id: str
    regency: str | None  # its kab/kota code, e.g. "16.05"
    agency_id: str | None = None  # routed to
    units: tuple[str, ...] = ()  # that agency's units (for a disposition)


@dataclass(frozen=True, slots=True)
class Targets:
    """What the traffic reads and acts on, read from the index after the first pulls."""

    public: list[Case]
    actionable: list[Case]  # may take a follow-up or a disposition now
    regencies: list[str]  # connected kab/kota codes, for submissions and lists


async def read_targets(database_url: str, regencies: Sequence[str]) -> Targets:
    """Public complaints and actionable ones (DIDISPOSISIKAN, DITINDAKLANJUTI, routed to an
    agency with units), straight from the bench's own database."""
    conn = await asyncpg.connect(database_url.replace("postgres://", "postgresql://", 1))
    try:
        public = await conn.fetch(
            "SELECT id, tracking_id, regency_code FROM complaint WHERE NOT is_secret ORDER BY tracking_id"
        )
        rows = await conn.fetch(
            "SELECT c.id, c.tracking_id, c.regency_code, c.routed_agency_id, "
            "array_agg(u.id ORDER BY u.id) AS units FROM complaint c "
            "JOIN agency u ON u.parent_id = c.routed_agency_id "
            "WHERE c.status IN ('DIDISPOSISIKAN', 'DITINDAKLANJUTI') "
            "GROUP BY c.id ORDER BY c.tracking_id"
        )
    finally:
        await conn.close()
    return Targets(
        public=[Case(str(r["id"]), r["tracking_id"], r["regency_code"]) for r in public],
        actionable=[
            Case(
                str(r["id"]),
                r["tracking_id"],
                r["regency_code"],
                r["routed_agency_id"],
                tuple(r["units"][:2]),
            )
            for r in rows
        ],
        regencies=list(regencies),
    )
