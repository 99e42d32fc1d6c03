"""The working-day calendar as a table: year ends, Idul Fitri with cuti bersama, time zones."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from schema.regions import WIB, WIT, WITA
from schema.working_days import WorkingCalendar

WITH_CUTI_BERSAMA = WorkingCalendar(cuti_bersama_off=True)
WITHOUT = WorkingCalendar(cuti_bersama_off=False)


@pytest.mark.parametrize(
    ("start", "days", "with_cuti", "without_cuti"),
    [
        # Christmas 2025: the 25th is a holiday, the 26th cuti bersama.
        pytest.param(date(2025, 12, 24), 3, date(2025, 12, 31), date(2025, 12, 30), id="christmas-2025"),
        # Across the year end: New Year's Day 2026 falls on a Thursday.
        pytest.param(date(2025, 12, 30), 3, date(2026, 1, 5), date(2026, 1, 5), id="new-year-2026"),
        pytest.param(date(2026, 12, 23), 5, date(2027, 1, 4), date(2026, 12, 31), id="year-end-2026"),
        # Idul Fitri 2026 with Nyepi: the domain brief's own example (3 WD, then +5 WD).
        pytest.param(date(2026, 3, 13), 3, date(2026, 3, 25), date(2026, 3, 18), id="idul-fitri-2026-verification"),
        pytest.param(date(2026, 3, 25), 5, date(2026, 4, 1), date(2026, 4, 1), id="idul-fitri-2026-follow-up"),
        pytest.param(date(2026, 3, 17), 5, date(2026, 3, 31), date(2026, 3, 25), id="idul-fitri-2026-inside"),
        pytest.param(date(2027, 3, 5), 3, date(2027, 3, 18), date(2027, 3, 15), id="idul-fitri-2027"),
        pytest.param(date(2026, 3, 13), 0, date(2026, 3, 13), date(2026, 3, 13), id="zero-days"),
    ],
)
def test_add_working_days(start: date, days: int, with_cuti: date, without_cuti: date) -> None:
    assert WITH_CUTI_BERSAMA.add_working_days(start, days) == with_cuti
    assert WITHOUT.add_working_days(start, days) == without_cuti


@pytest.mark.parametrize(
    ("zone", "due_utc"),
    [
        # 16:30 UTC on 12 March is still Thursday 23:30 in WIB, but already Friday in WITA
        # and WIT, where the count then runs into Nyepi and Idul Fitri.
        pytest.param(WIB, datetime(2026, 3, 17, 16, 59, 59, tzinfo=UTC), id="WIB"),
        pytest.param(WITA, datetime(2026, 3, 25, 15, 59, 59, tzinfo=UTC), id="WITA"),
        pytest.param(WIT, datetime(2026, 3, 25, 14, 59, 59, tzinfo=UTC), id="WIT"),
    ],
)
def test_deadlines_end_at_the_end_of_a_local_day(zone: object, due_utc: datetime) -> None:
    submitted = datetime(2026, 3, 12, 16, 30, tzinfo=UTC)
    assert WITH_CUTI_BERSAMA.due(submitted, 3, zone) == due_utc  # type: ignore[arg-type]


def test_weekends_and_holidays_are_not_working_days() -> None:
    assert not WITH_CUTI_BERSAMA.is_working_day(date(2026, 3, 14))  # Saturday
    assert not WITH_CUTI_BERSAMA.is_working_day(date(2026, 3, 19))  # Nyepi
    assert not WITH_CUTI_BERSAMA.is_working_day(date(2026, 3, 23))  # cuti bersama
    assert WITHOUT.is_working_day(date(2026, 3, 23))
    assert WITH_CUTI_BERSAMA.holiday_name(date(2026, 3, 23)) == "Eid al-Fitr Joint Holiday"
    assert WITH_CUTI_BERSAMA.working_days_between(date(2026, 3, 13), date(2026, 3, 25)) == 3


def test_negative_days_are_refused() -> None:
    with pytest.raises(ValueError, match="expected 0 or more"):
        WITH_CUTI_BERSAMA.add_working_days(date(2026, 1, 1), -1)
