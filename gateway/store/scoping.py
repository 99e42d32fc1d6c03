"""RowScope to SQL: every grant of a scope becomes a WHERE clause on the complaint table."""

from __future__ import annotations

import uuid

from tortoise.expressions import Q, Subquery

from auth.scope import AllRows, DisposedTo, Grant, InRegion, NonSecret, OwnedBy, RoutedTo, RowScope
from gateway.store.models import ComplaintRow, DispositionRow
from gateway.store.trees import AGENCY_TREE
from schema.regions import level_of

# Matches no row: the primary key is never null.
NO_ROWS = Q(id__isnull=True)


def region_q(code: str) -> Q:
    """This region and everything under it, as an index-friendly condition."""
    level = level_of(code).value
    if level == 1:
        return Q(province_code=code)
    if level == 2:
        return Q(regency_code=code)
    # Deeper codes: the region itself or anything below it; the dot stops "16.05.01"
    # from matching "16.05.010".
    return Q(kode_wilayah=code) | Q(kode_wilayah__startswith=code + ".")


async def _grant_q(grant: Grant) -> Q:
    if isinstance(grant, AllRows):
        return Q()
    if isinstance(grant, NonSecret):
        return Q(is_secret=False)
    if isinstance(grant, OwnedBy):
        # Rows stored before issuers were recorded have none, and match no one.
        return Q(owner_issuer=grant.issuer, owner_subject=grant.subject)
    if isinstance(grant, RoutedTo):
        return Q(routed_agency_id__in=await AGENCY_TREE.subtree(grant.agency_id))
    if isinstance(grant, DisposedTo):
        trail = DispositionRow.filter(to_agency_id__in=await AGENCY_TREE.subtree(grant.agency_id)).values(
            "complaint_id"
        )
        return Q(id__in=Subquery(trail))
    if isinstance(grant, InRegion):
        return region_q(grant.kode_wilayah) & Q(is_secret=False)
    raise TypeError(f"unknown grant {grant!r}")


async def scope_q(scope: RowScope) -> Q:
    """The WHERE clause selecting exactly the complaints in `scope`."""
    if scope.everything:
        return Q()
    if scope.empty:
        return NO_ROWS
    clauses = [await _grant_q(g) for g in sorted(scope.grants, key=repr)]
    return Q(*clauses, join_type=Q.OR)


async def in_scope(scope: RowScope, complaint_id: str) -> bool:
    """Whether the complaint with this gateway id is in `scope` (False for a malformed id)."""
    try:
        cid = uuid.UUID(complaint_id)
    except ValueError:
        return False
    return await ComplaintRow.filter(await scope_q(scope), id=cid).exists()
