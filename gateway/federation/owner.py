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

from gateway.store.complaint_reads import places_of
from gateway.store.registry import agency_regions
from gateway.store.source_links import Holding, holdings
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
    held: dict[str, dict[str, Holding]] = {}
    for link in await holdings(ids, sorted(topology.systems)):
        held.setdefault(link.complaint_id, {})[link.system] = link
    places = await places_of(list(held))
    agencies = sorted({p.routed_agency_id for p in places if p.routed_agency_id})
    # home_regency's cache, filled for all of them in one query (an unknown agency: None).
    regions: dict[str, str | None] = dict.fromkeys(agencies)
    if agencies:
        regions |= await agency_regions(agencies)
    owners: dict[str, Owner] = {}
    for place in places:
        cid = place.id
        home = await home_regency(place.routed_agency_id, place.kode_wilayah, cache=regions)
        mine = held[cid]
        found = mine.get(topology.regency_system(home) or "") or mine.get(topology.national)
        if found is not None:
            owners[cid] = Owner(cid, found.system, found.source_id, found.synced_at, found.status)
    return owners
