"""Complaint statistics: counts by a dimension over periods, with small counts suppressed.

A count of one or two complaints in a region, category or agency in one week can point at
a person, above all when the reporter asked to stay anonymous. Every count below
`MIN_COUNT` is withheld (primary suppression); when a period has exactly one withheld
count, its smallest published count is withheld too (complementary suppression), so the
withheld one cannot be recovered from the period's total by subtraction.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from enum import Enum

MIN_COUNT = 5
MAX_PERIOD_DAYS = 366
MAX_DAILY_DAYS = 92  # a DAY split over longer is too many small cells


class Dimension(Enum):
    """What the complaints are counted by."""

    STATUS = "STATUS"
    CATEGORY = "CATEGORY"
    REGION = "REGION"  # kab/kota inside a province filter, else province
    AGENCY = "AGENCY"  # the agency it is routed to


class Period(Enum):
    """How time is split (days in WIB, the zone of most kab/kota)."""

    DAY = "DAY"
    WEEK = "WEEK"  # weeks start on Monday
    MONTH = "MONTH"
    ALL = "ALL"  # the whole range as one period


@dataclass(frozen=True, slots=True)
class DayCount:
    """Complaints created on one day with one value of the dimension (from the store)."""

    day: date
    key: str | None
    count: int


@dataclass(frozen=True, slots=True)
class Bucket:
    """One published cell: a period and a key, with its count unless withheld."""

    period_start: date
    key: str | None
    count: int | None  # None: withheld
    suppressed: bool


def period_start(day: date, period: Period, first: date) -> date:
    """The first day of the period `day` falls in."""
    if period is Period.DAY:
        return day
    if period is Period.WEEK:
        return day - timedelta(days=day.weekday())
    if period is Period.MONTH:
        return day.replace(day=1)
    return first


def suppress(cells: dict[str | None, int], minimum: int = MIN_COUNT) -> dict[str | None, int | None]:
    """One period's counts with small ones withheld (None): every count below `minimum`,
    then, while what is withheld adds up to less than `minimum` (a single withheld count
    is the period's total minus the rest; two ones add up to two), the smallest published
    one too."""
    shown: dict[str | None, int | None] = {k: (v if v >= minimum else None) for k, v in cells.items()}

    def withheld_sum() -> int:
        return sum(cells[k] for k, v in shown.items() if v is None)

    while 0 < withheld_sum() < minimum or len([v for v in shown.values() if v is None]) == 1:
        published = sorted((v, str(k)) for k, v in shown.items() if v is not None)
        if not published:
            break
        smallest = published[0][1]
        key = next(k for k in shown if str(k) == smallest and shown[k] is not None)
        shown[key] = None
    return shown


def buckets(days: Iterable[DayCount], period: Period, first: date, minimum: int = MIN_COUNT) -> list[Bucket]:
    """Day counts summed into periods, small cells withheld; ordered by period, then key."""
    by_period: dict[date, dict[str | None, int]] = defaultdict(lambda: defaultdict(int))
    for d in days:
        by_period[period_start(d.day, period, first)][d.key] += d.count
    out: list[Bucket] = []
    for start in sorted(by_period):
        shown = suppress(dict(by_period[start]), minimum)
        for key in sorted(shown, key=lambda k: (k is None, str(k))):
            value = shown[key]
            out.append(Bucket(start, key, value, value is None))
    return out
