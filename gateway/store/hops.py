"""The current disposition hop of a complaint: the OPD (unit) it is disposed to now.

Writes to a system of record that speaks of OPDs need that unit: a status of
DIDISPOSISIKAN names it (whatever led there: a disposition, a reporter's reply that
re-opens the complaint), and a follow-up by the regency government itself is credited
to it, because a regency system knows the OPD that answers, not the pemkab above it.
"""

from __future__ import annotations

from uuid import UUID

from gateway.store.models import DispositionRow
from gateway.store.trees import AGENCY_TREE
from schema.canonical import DispositionKind


async def current_unit(complaint_id: str | UUID) -> str | None:
    """The unit of the latest disposition (the trail's latest hop), or None if never disposed."""
    hop = (
        await DispositionRow.filter(complaint_id=complaint_id, kind=DispositionKind.DISPOSISI)
        .order_by("-at", "id")
        .first()
    )
    return hop.to_agency_id if hop is not None else None


async def answering_agency(complaint_id: str, agency_id: str | None) -> str | None:
    """The agency a follow-up is sent as: an agency above the current hop's unit (the
    regency government answering for its own OPD) is credited to that unit; any other
    agency, or a complaint not disposed, keeps its own."""
    if agency_id is None:
        return None
    unit = await current_unit(complaint_id)
    if unit is None or unit == agency_id:
        return agency_id
    return unit if unit in await AGENCY_TREE.subtree(agency_id) else agency_id
