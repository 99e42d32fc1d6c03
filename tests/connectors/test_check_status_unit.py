"""The check's status round trip disposes the test record to an OPD the mapping can say (the
first key of the out-map change_status sends `unit` through), not an invented one, and reads
the OPD back where the mapping reads `disposed_to`."""

from __future__ import annotations

from connectors.protocol import Capability
from tests.connectors.check_system import MAPPING, System, run_check

OLD_BODY = 'body = { status = { value = "status", map = "status_out" } }\n\n[follow_up]'
OPD = """
[maps.opd]
DPUPR = "{kode_wilayah}-pupr"
DLH = "{kode_wilayah}-dlh"

[maps.opd_out]
"16.05-pupr" = "DPUPR"
"16.05-dlh" = "DLH"
"""


def with_unit(key: str) -> str:
    assert OLD_BODY in MAPPING
    body = f'body = {{ status = {{ value = "status", map = "status_out" }}, {key} = {{ value = "unit", map = "opd_out" }} }}\n\n[follow_up]'
    mapping = MAPPING.replace(OLD_BODY, body)
    mapping = mapping.replace(
        'agency_id = { path = "opd", optional = true }',
        'agency_id = { path = "opd", optional = true }\ndisposed_to = { path = "disposisi", map = "opd", optional = true }',
    )
    return mapping + OPD


async def test_a_unit_sent_through_an_out_map_round_trips() -> None:
    system = System()
    report = await run_check(system, with_unit("kode_opd"), writes=True)
    assert report.passed, report.render()
    sent = [body for kind, body in system.received if kind == "status"]
    # Disposed with its OPD, and closed at the end with none.
    assert sent == [{"status": "PROSES", "kode_opd": "DPUPR"}, {"status": "SELESAI"}]
    trip = next(t for t in report.round_trips if t.capability is Capability.CHANGE_STATUS)
    assert trip.detail == "set DIDISPOSISIKAN to OPD 16.05-pupr, read back DIDISPOSISIKAN with the same OPD"


async def test_an_opd_that_does_not_read_back_fails_naming_both() -> None:
    # Sent under a key the system ignores: the status changes, the OPD does not.
    report = await run_check(System(), with_unit("opd_tujuan"), writes=True)
    assert not report.passed
    trip = next(t for t in report.round_trips if t.capability is Capability.CHANGE_STATUS)
    assert not trip.ok
    assert trip.detail.startswith("set DIDISPOSISIKAN to OPD 16.05-pupr, read back DIDISPOSISIKAN with OPD none"), (
        trip.detail
    )
