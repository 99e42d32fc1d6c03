"""When things happen: complaint dates and ages, status by age, office hours, delays."""

from __future__ import annotations

import math
from bisect import bisect
from itertools import accumulate
from statistics import NormalDist

from gateway.demo.rng import DemoRandom
from schema.canonical import Status

HOUR = 3600.0
DAY = 86400.0
WIB_OFFSET = 7 * HOUR  # Sumatera Selatan's clocks (WIB) run UTC+7
_OPEN, _CLOSE = 8 * HOUR, 16 * HOUR
# An action that waited for the office happens some time during that working day.
OFFICE_SPREAD = 7 * HOUR

# When reporters write: relative weight of each WIB hour of the day.
_HOUR_CUM = tuple(
    accumulate(
        (
            *(1, 0.5, 0.3, 0.3, 0.6, 1.5, 3, 5, 7, 8, 8, 7),  # 00-11
            *(6, 6, 6, 5, 5, 5, 5, 6, 7, 6, 4, 2),  # 12-23
        )
    )
)

# The share of complaints caught in the minutes between writing and the queue.
SUBMITTED_SHARE = 0.012

# How likely each status is at a given age (days): base + boost * shape(age / tau).
# DECAY peaks at age 0, BUMP at age tau, RAMP grows from 0 to base. Old complaints end
# up ~65% SELESAI, ~10% ARSIP and a stalled tail in every open status.
_DECAY, _BUMP, _RAMP = 0, 1, 2
_STATUS_AGE: tuple[tuple[Status, float, float, float, int], ...] = (
    (Status.BELUM_TERVERIFIKASI, 3.5, 80, 3, _DECAY),
    (Status.TUNDA, 2, 20, 6, _BUMP),
    (Status.TERVERIFIKASI, 1.5, 35, 2, _BUMP),
    (Status.DIDISPOSISIKAN, 9, 60, 4, _BUMP),
    (Status.DILIMPAHKAN, 2, 10, 8, _BUMP),
    (Status.DITINDAKLANJUTI, 4.5, 40, 9, _BUMP),
    (Status.MENUNGGU_TANGGAPAN, 2.5, 45, 14, _BUMP),
    (Status.SELESAI, 62, 0, 18, _RAMP),
    (Status.ARSIP, 9, 0, 5, _RAMP),
)


def draw_start(rng: DemoRandom, now: float, window: float) -> tuple[float, Status]:
    """When a complaint was written (POSIX time) and the status it is in at `now`.

    Complaints spread over the `window` before `now`, slightly more of them recently
    (density rising 60% from oldest to newest). The status depends on the age: a
    complaint of two days is mostly waiting or just disposed, one of three months is
    mostly closed, with a realistic tail stalled in every open status.
    """
    if rng.random() < SUBMITTED_SHARE:
        return now - rng.uniform(60, 3 * HOUR), Status.SUBMITTED
    # Inverse CDF of the density 1 + 0.6x on [0, 1] (x = 1 is now).
    x = (math.sqrt(1 + 1.56 * rng.random()) - 1) / 0.6
    start = now - (1 - x) * window
    # Keep the day, draw the time of day the way reporters write (WIB).
    day = math.floor((start + WIB_OFFSET) / DAY)
    hour = bisect(_HOUR_CUM, rng.random() * _HOUR_CUM[-1])
    start = day * DAY + hour * HOUR + rng.random() * HOUR - WIB_OFFSET
    if start > now - 600:
        start -= DAY
    return start, _status_for_age(rng, (now - start) / DAY)


def _status_for_age(rng: DemoRandom, age: float) -> Status:
    table = _STATUS_BY_DAY[int(age) if age < _MAX_AGE_DAYS else _MAX_AGE_DAYS]
    return _STATUS_ORDER[bisect(table, rng.random() * table[-1])]


def _age_weights(age: float) -> tuple[float, ...]:
    """Cumulative weights of the _STATUS_AGE statuses for a complaint `age` days old."""
    weights: list[float] = []
    for _, base, boost, tau, shape in _STATUS_AGE:
        r = age / tau
        if shape == _DECAY:
            weights.append(base + boost * math.exp(-r))
        elif shape == _BUMP:
            weights.append(base + boost * r * math.exp(1 - r))
        else:  # _RAMP: closed cases need time to close
            weights.append(base * (1 - math.exp(-r)))
    return tuple(accumulate(weights))


# The weights by whole days of age (the middle of each day), computed once.
_MAX_AGE_DAYS = 600
_STATUS_ORDER = tuple(status for status, *_ in _STATUS_AGE)
_STATUS_BY_DAY = tuple(_age_weights(day + 0.5) for day in range(_MAX_AGE_DAYS + 1))


def office_time(ts: float, jitter: float) -> float:
    """`ts` if offices are open then, else `jitter` seconds after they next open.

    Offices are open Mon-Fri 08:00-16:00 WIB (public holidays are not modelled).
    """
    day, sec = divmod(ts + WIB_OFFSET, DAY)
    weekday = (int(day) + 3) % 7  # 1970-01-01 was a Thursday; Monday is 0
    if weekday < 5 and _OPEN <= sec < _CLOSE:
        return ts
    if weekday >= 5 or sec >= _CLOSE:
        day += 1
        weekday = (weekday + 1) % 7
        while weekday >= 5:
            day += 1
            weekday = (weekday + 1) % 7
    return day * DAY + _OPEN + jitter - WIB_OFFSET


# 4096 quantiles of the standard normal distribution: one random() picks a normal
# deviate, several times cheaper than random.gauss and just as deterministic.
_NORMAL = tuple(NormalDist().inv_cdf((i + 0.5) / 4096) for i in range(4096))


def delay_hours(rng: DemoRandom, median: float, sigma: float, cap: float) -> float:
    """A log-normal delay in seconds with the given median and cap (both in hours)."""
    hours = median * math.exp(sigma * _NORMAL[int(rng.random() * 4096)])
    return (hours if hours < cap else cap) * HOUR


def delay_days(rng: DemoRandom, low: float, high: float) -> float:
    """A uniform delay in seconds between `low` and `high` days."""
    return rng.uniform(low, high) * DAY
