"""Indonesian working days: weekends, national holidays and (optionally) cuti bersama.

Holidays come from the maintained `holidays` package: its `public` category holds the
libur nasional, its `government` category the cuti bersama (joint leave days) decreed
each year. Whether cuti bersama count as days off is a setting, since some offices work
through them. A deadline of N working days ends at the end of the Nth working day after
the start, in the region's own time zone (WIB, WITA or WIT).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, timezone
from functools import lru_cache

import holidays

_END_OF_DAY = time(23, 59, 59)


@lru_cache(maxsize=64)
def _days_off(year: int, cuti_bersama: bool) -> frozenset[date]:
    categories = ("public", "government") if cuti_bersama else ("public",)
    return frozenset(holidays.country_holidays("ID", years=year, categories=categories))


@dataclass(frozen=True, slots=True)
class WorkingCalendar:
    """Which days are working days.

    Attributes:
        cuti_bersama_off: count cuti bersama as days off (the usual practice).
    """

    cuti_bersama_off: bool = True

    def is_working_day(self, day: date) -> bool:
        """Monday to Friday, and not a holiday (nor cuti bersama, if they count)."""
        if day.weekday() >= 5:
            return False
        return day not in _days_off(day.year, self.cuti_bersama_off)

    def holiday_name(self, day: date) -> str | None:
        """The holiday's name (English), if `day` is one."""
        found = holidays.country_holidays("ID", years=day.year, categories=("public", "government"), language="en_US")
        return found.get(day)

    def add_working_days(self, start: date, days: int) -> date:
        """The date `days` working days after `start` (`start` itself never counts)."""
        if days < 0:
            raise ValueError(f"days is {days}, expected 0 or more")
        current = start
        remaining = days
        while remaining:
            current += timedelta(days=1)
            if self.is_working_day(current):
                remaining -= 1
        return current

    def working_days_between(self, start: date, end: date) -> int:
        """Working days after `start` up to and including `end` (0 if end <= start)."""
        count = 0
        current = start
        while current < end:
            current += timedelta(days=1)
            if self.is_working_day(current):
                count += 1
        return count

    def due(self, start: datetime, working_days: int, zone: timezone) -> datetime:
        """End of the Nth working day after `start`, in `zone`, returned in UTC."""
        local_day = start.astimezone(zone).date()
        end_day = self.add_working_days(local_day, working_days)
        return datetime.combine(end_day, _END_OF_DAY, tzinfo=zone).astimezone(UTC)

    def due_calendar_days(self, start: datetime, days: int, zone: timezone) -> datetime:
        """End of the Nth calendar day after `start`, in `zone`, returned in UTC."""
        end_day = start.astimezone(zone).date() + timedelta(days=days)
        return datetime.combine(end_day, _END_OF_DAY, tzinfo=zone).astimezone(UTC)
