"""The regions a caller may start a live list over.

A live list calls every regency system of its partition, whoever may see the answer; so
beyond the row scope (which decides what the answer shows) the partition itself must lie
within the caller's own regions: a coordinator's region, an agency's region, or anywhere
for a caller whose scope is every complaint.
"""

from __future__ import annotations

from auth.principal import Principal
from auth.scope import DisposedTo, InRegion, RoutedTo, RowScope
from schema.regions import lies_in


def live_regions(principal: Principal, cases: RowScope, agency_region: str | None) -> frozenset[str] | None:
    """The kode wilayah the caller may list live within; None: anywhere.

    Args:
        principal: the caller.
        cases: the caller's case scope.
        agency_region: the kode wilayah of the caller's agency, if it has one.
    """
    if cases.everything:
        return None
    regions: set[str] = set()
    for grant in cases.grants:
        if isinstance(grant, InRegion):
            regions.add(grant.kode_wilayah)
        elif isinstance(grant, RoutedTo | DisposedTo):
            if agency_region:
                regions.add(agency_region)
            if principal.kode_wilayah:
                regions.add(principal.kode_wilayah)
    return frozenset(regions)


def may_list_live(partition: str | None, regions: frozenset[str] | None) -> bool:
    """Whether a live list over `partition` (None: the whole country) stays within `regions`."""
    if regions is None:
        return True
    return partition is not None and any(lies_in(partition, r) for r in regions)
