"""Which partitions a caller may list live: their own regions, or anywhere with every row."""

from __future__ import annotations

from auth.live_regions import live_regions, may_list_live
from auth.policy import access_for
from auth.principal import Principal
from auth.roles import Role


def _regions(principal: Principal, agency_region: str | None = None) -> frozenset[str] | None:
    return live_regions(principal, access_for(principal).cases, agency_region)


def test_the_national_admin_may_list_anywhere_and_a_coordinator_within_their_region() -> None:
    admin = _regions(Principal(subject="admin", roles=frozenset({Role.NATIONAL_ADMIN})))
    assert admin is None and may_list_live(None, admin) and may_list_live("31", admin)
    coordinator = _regions(Principal(subject="k", roles=frozenset({Role.REGIONAL_COORDINATOR}), kode_wilayah="16.05"))
    assert coordinator == {"16.05"}
    assert may_list_live("16.05", coordinator) and may_list_live("16.05.01", coordinator)
    assert not may_list_live("16", coordinator) and not may_list_live("16.01", coordinator)
    assert not may_list_live(None, coordinator) and not may_list_live("16.050", coordinator)


def test_an_officer_lists_within_their_agency_region_and_without_one_nowhere() -> None:
    officer = Principal(subject="o", roles=frozenset({Role.AGENCY_OFFICER}), agency_id="pemkab-16.05")
    assert _regions(officer, "16.05") == {"16.05"}
    nowhere = _regions(officer, None)
    assert nowhere == frozenset() and not may_list_live("16.05", nowhere)
    citizen = _regions(Principal(subject="w", roles=frozenset({Role.CITIZEN})))
    assert citizen == frozenset()
