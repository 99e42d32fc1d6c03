"""A copy of a follow-up read back is recognised whatever precision its time has there: a
date-only export (the day in the system's zone), minutes, seconds, another zone, or the
system's own time on arrival; a copy shown before the write, or another day's, is not it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from connectors.time_formats import ZONES
from gateway.sync.follow_up_echo import Echo, Precision, copy_of

WRITTEN = datetime(2026, 12, 7, 16, 30, 42, tzinfo=UTC)  # 23:30:42 WIB, 00:30:42 WITA next day
WIB, WITA = ZONES["WIB"], ZONES["WITA"]


def _midnight(day: int, zone: timezone) -> datetime:
    return datetime(2026, 12, day, tzinfo=zone).astimezone(UTC)


def test_a_date_only_copy_is_the_write_on_its_day_in_the_systems_zone() -> None:
    csv = Echo("legacy", Precision.DAY, WIB, late=timedelta(seconds=40))
    assert csv.same(WRITTEN, _midnight(7, WIB))
    assert not csv.same(WRITTEN, _midnight(6, WIB))  # the day before: another follow-up
    wita = Echo("legacy", Precision.DAY, WITA, late=timedelta(seconds=40))
    assert wita.same(WRITTEN, _midnight(8, WITA))  # already the 8th there
    assert not wita.same(WRITTEN, _midnight(7, WITA) - timedelta(days=1))


def test_minutes_seconds_and_an_arrival_stamp_are_judged_by_the_value() -> None:
    echo = Echo("rest", None, WIB, late=timedelta(seconds=40))
    assert echo.same(WRITTEN, WRITTEN.replace(second=0))  # minutes only
    assert echo.same(WRITTEN, WRITTEN.astimezone(WITA))  # the same moment in another zone
    assert echo.same(WRITTEN, WRITTEN + timedelta(seconds=3, milliseconds=120))  # stamped on arrival
    assert not echo.same(WRITTEN, WRITTEN + timedelta(minutes=5))  # too late to be this write
    assert not echo.same(WRITTEN, WRITTEN.replace(minute=29))  # before it was written


def test_a_copy_of_one_sent_there_may_show_later_one_read_there_has_its_own_time() -> None:
    echo = Echo("wa", Precision.EXACT, WIB)
    assert copy_of(echo, WRITTEN, WRITTEN + timedelta(hours=3), from_there=False)  # delivered late
    assert not copy_of(echo, WRITTEN, WRITTEN - timedelta(hours=3), from_there=False)
    assert copy_of(echo, WRITTEN, WRITTEN, from_there=True)
    assert not copy_of(echo, WRITTEN, WRITTEN + timedelta(hours=3), from_there=True)
