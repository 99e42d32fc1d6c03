"""Which system owns a complaint (its system of record), found through the link table.

A complaint's kab/kota system owns it when that kab/kota is connected and holds it: the
agency handles it there. Otherwise LAPOR! does, when it holds it (the kab/kota is not
connected, or its copy is not made yet). A complaint no connected system holds is owned by
the gateway itself: the index is its record.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from gateway.store.models import AgencyRow, ComplaintRow, ComplaintSourceRow
from gateway.sync.propagate import home_regency
from gateway.sync.topology import Topology
from schema.canonical import Status


@dataclass(frozen=True, slots=True)
class Owner:
    """A complaint's system of record and its id there."""

    complaint_id: str
    system: str
    source_id: str
    synced_at: datetime | None  # when the index last read or wrote it there
    seen: Status | None = None  # the status it showed then (its own words mapped back)


async def owners_of(complaint_ids: Sequence[str], topology: Topology) -> dict[str, Owner]:
    """The owner of each complaint that has one; three queries whatever the count."""
    ids = list(dict.fromkeys(complaint_ids))
    if not ids:
        return {}
    links = await ComplaintSourceRow.filter(complaint_id__in=ids, system__in=sorted(topology.systems)).values(
        "complaint_id", "system", "source_id", "synced_at", "status"
    )
    held: dict[str, dict[str, dict[str, Any]]] = {}
    for row in links:
        held.setdefault(str(row["complaint_id"]), {})[row["system"]] = row
    places = await ComplaintRow.filter(id__in=list(held)).values("id", "kode_wilayah", "routed_agency_id")
    agencies = sorted({p["routed_agency_id"] for p in places if p["routed_agency_id"]})
    # home_regency's cache, filled for all of them in one query (an unknown agency: None).
    regions: dict[str, str | None] = dict.fromkeys(agencies)
    if agencies:
        regions |= dict(await AgencyRow.filter(id__in=agencies).values_list("id", "kode_wilayah"))
    owners: dict[str, Owner] = {}
    for place in places:
        cid = str(place["id"])
        home = await home_regency(place["routed_agency_id"], place["kode_wilayah"], cache=regions)
        mine = held[cid]
        link = mine.get(topology.regency_system(home) or "") or mine.get(topology.national)
        if link is not None:
            owners[cid] = Owner(cid, link["system"], link["source_id"], link["synced_at"], link["status"])
    return owners
