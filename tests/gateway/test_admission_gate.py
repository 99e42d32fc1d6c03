"""The admission gate on its own (real asyncio, no server): slots, the line, the pace, and
a waiting request that goes away; and its settings."""

from __future__ import annotations

import asyncio

import pytest

from gateway.edge.middleware.admission_gate import (
    QUEUE_FULL,
    STANDING_AFTER,
    STANDING_WAIT,
    WAITED,
    WOULD_WAIT,
    AdmissionGate,
)
from gateway.settings import AdmissionSettings, SettingsError, from_env


async def test_a_slot_given_back_goes_to_the_first_in_line() -> None:
    gate = AdmissionGate(AdmissionSettings(concurrency=1, queue=2, max_wait=60.0))
    assert await gate.enter() is None
    first = asyncio.create_task(gate.enter())
    second = asyncio.create_task(gate.enter())
    await asyncio.sleep(0)
    assert gate.queued == 2 and gate.saturated
    assert await gate.enter() == QUEUE_FULL  # the line is full: refused at once
    gate.leave(0.01)
    assert await first is None and not second.done()
    gate.leave(0.01)
    assert await second is None
    gate.leave(0.01)
    assert (gate.in_flight, gate.queued) == (0, 0)


async def test_a_request_the_pace_cannot_serve_within_the_longest_wait_is_refused_on_arrival() -> None:
    gate = AdmissionGate(AdmissionSettings(concurrency=2, queue=100, max_wait=1.0))
    assert await gate.enter() is None and await gate.enter() is None
    gate.leave(0.8)  # requests hold a slot 0.8 s: with 2 slots one comes free every 0.4 s
    assert await gate.enter() is None  # the free slot
    waiting = [asyncio.create_task(gate.enter()) for _ in range(2)]
    await asyncio.sleep(0)
    assert gate.queued == 2  # 0.4 s and 0.8 s away: worth waiting
    assert await gate.enter() == WOULD_WAIT  # third in line, 1.2 s away
    assert gate.retry_after() == 2  # the line goes through in 1.2 s
    for _ in waiting:
        gate.leave(0.8)
    assert [await w for w in waiting] == [None, None]


async def test_a_request_that_waited_the_longest_wait_gives_up_and_leaves_the_line() -> None:
    gate = AdmissionGate(AdmissionSettings(concurrency=1, queue=5, max_wait=0.05))
    assert await gate.enter() is None
    assert await gate.enter() == WAITED
    assert gate.queued == 0
    gate.leave(0.01)
    assert gate.in_flight == 0


async def test_a_standing_line_lets_newcomers_wait_only_briefly_until_it_empties() -> None:
    gate = AdmissionGate(AdmissionSettings(concurrency=1, queue=10, max_wait=60.0))
    assert await gate.enter() is None
    first = asyncio.create_task(gate.enter())
    await asyncio.sleep(STANDING_AFTER)  # the line has not emptied since: it is standing
    # Refused after the short wait, not after the longest one (60 s).
    assert await asyncio.wait_for(gate.enter(), 10) == WAITED
    gate.leave(0.001)
    assert await first is None and gate.queued == 0
    # The line emptied: a newcomer may wait the longest wait again.
    later = asyncio.create_task(gate.enter())
    await asyncio.sleep(STANDING_WAIT * 4)
    assert not later.done()
    gate.leave(0.001)
    assert await later is None
    gate.leave(0.001)
    assert (gate.in_flight, gate.queued) == (0, 0)


async def test_a_waiting_request_that_goes_away_passes_its_slot_on() -> None:
    gate = AdmissionGate(AdmissionSettings(concurrency=1, queue=5, max_wait=60.0))
    assert await gate.enter() is None
    gone = asyncio.create_task(gate.enter())
    stays = asyncio.create_task(gate.enter())
    await asyncio.sleep(0)
    gone.cancel()
    with pytest.raises(asyncio.CancelledError):
        await gone
    assert gate.queued == 1
    gate.leave(0.01)
    assert await stays is None
    # Handed a slot at the very moment it goes away: the slot is not lost.
    late = asyncio.create_task(gate.enter())
    await asyncio.sleep(0)
    gate.leave(0.01)  # the slot passes to `late`...
    late.cancel()  # ...which is cancelled before it runs
    with pytest.raises(asyncio.CancelledError):
        await late
    assert (gate.in_flight, gate.queued) == (0, 0)


def test_settings_from_the_environment() -> None:
    env = {"DATABASE_URL": "sqlite:///x.sqlite3"}
    assert from_env(env).admission == AdmissionSettings(concurrency=16, queue=64, max_wait=1.0)
    tuned = from_env(
        env
        | {
            "PENGHUBUNG_ADMISSION_CONCURRENCY": "8",
            "PENGHUBUNG_ADMISSION_QUEUE": "0",
            "PENGHUBUNG_ADMISSION_MAX_WAIT": "0.5",
        }
    ).admission
    assert tuned == AdmissionSettings(concurrency=8, queue=0, max_wait=0.5)
    assert not from_env(env | {"PENGHUBUNG_ADMISSION_CONCURRENCY": "0"}).admission.enabled
    with pytest.raises(SettingsError, match=r"max_wait is 0\.0, expected a positive number"):
        from_env(env | {"PENGHUBUNG_ADMISSION_MAX_WAIT": "0"})
    with pytest.raises(SettingsError, match="concurrency is -1"):
        from_env(env | {"PENGHUBUNG_ADMISSION_CONCURRENCY": "-1"})
