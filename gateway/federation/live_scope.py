"""Row permissions for a source's record the index does not hold yet.

A record already in the index is checked by the index query itself (the same SQL as every
other read). A record not synced yet has only what its source says: the grants that can be
decided from that (everything, non-secret, a region, an agency it is routed to) are decided
exactly as the SQL does; the ones that need the gateway's own records (the reporter's
account, the disposition trail) do not match until the record is synced. A source whose
records cannot say they are secret has all of them taken as secret.
"""

from __future__ import annotations

from auth.scope import AllRows, DisposedTo, Grant, InRegion, NonSecret, OwnedBy, RoutedTo, RowScope
from connectors.records import SourceComplaint
from gateway.store.trees import AGENCY_TREE
from schema.regions import lies_in


async def _grants(grant: Grant, record: SourceComplaint, secret: bool) -> bool:
    if isinstance(grant, AllRows):
        return True
    if isinstance(grant, NonSecret):
        return not secret
    if isinstance(grant, InRegion):
        return not secret and lies_in(record.kode_wilayah, grant.kode_wilayah)
    if isinstance(grant, RoutedTo):
        return record.agency_id is not None and record.agency_id in await AGENCY_TREE.subtree(grant.agency_id)
    if isinstance(grant, OwnedBy | DisposedTo):
        return False
    raise TypeError(f"unknown grant {grant!r}")


async def record_in_scope(scope: RowScope, record: SourceComplaint, *, says_secret: bool) -> bool:
    """Whether `scope` holds this unsynced record. A record of a source that has no secret
    flag (`says_secret` False) may be secret without saying so: it is taken as secret."""
    secret = record.is_secret or not says_secret
    for grant in scope.grants:
        if await _grants(grant, record, secret):
            return True
    return False
