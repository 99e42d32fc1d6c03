"""A sync round that keeps failing (the database is down) is logged in full once, then a
line a minute, and once when it works again; a source failing the same way pull after pull
is warned of once."""

from __future__ import annotations

import logging

import pytest

from gateway.sync.engine import _Failing
from tests.sync.conftest import REST, Province


def test_a_round_failing_again_and_again_is_logged_a_line_a_minute(caplog: pytest.LogCaptureFixture) -> None:
    failing = _Failing()
    with caplog.at_level(logging.WARNING, logger="gateway.sync.engine"):
        for second in range(125):  # twice a second for two minutes
            failing.report("delivery round", ConnectionRefusedError("no database"), float(second))
            failing.report("delivery round", ConnectionRefusedError("no database"), second + 0.5)
        failing.over("delivery round")
        failing.over("delivery round")  # working on: nothing more
    lines = [r.getMessage() for r in caplog.records]
    assert lines[0] == "delivery round failed" and caplog.records[0].exc_info is not None
    assert [line.split(" (")[0] for line in lines[1:3]] == ["delivery round still failing"] * 2
    assert lines[3:] == ["delivery round works again after 250 failures"]


def test_a_different_failure_is_shown_in_full_again(caplog: pytest.LogCaptureFixture) -> None:
    failing = _Failing()
    with caplog.at_level(logging.WARNING, logger="gateway.sync.engine"):
        failing.report("pull round", ConnectionRefusedError("no database"), 0.0)
        failing.report("pull round", ConnectionRefusedError("no database"), 1.0)
        failing.report("pull round", KeyError("a bug"), 2.0)
    assert [r.exc_info is not None for r in caplog.records] == [True, True]


async def test_a_source_failing_the_same_way_again_is_warned_of_once(
    province: Province, caplog: pytest.LogCaptureFixture
) -> None:
    province.sims[REST].faults.set(down="503")
    with caplog.at_level(logging.DEBUG, logger="gateway.sync.engine"):
        for _ in range(2):
            assert (await province.engine.pull(REST)).error
    province.sims[REST].faults.clear()
    said = [(r.levelno, r.getMessage()) for r in caplog.records if r.getMessage().startswith(f"pull {REST} failed")]
    assert [level for level, _ in said] == [logging.WARNING, logging.DEBUG], said
