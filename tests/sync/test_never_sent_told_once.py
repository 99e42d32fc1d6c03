"""What a system is never sent is told once per process: the topology is built again at
every reload of the sources (each pull round of a worker), and the start-up line must not
come back every round; it is told again only when what it says changed."""

from __future__ import annotations

import logging

import pytest

from connectors.accepts import Accepts
from connectors.registry import NATIONAL_NAME
from gateway.sync import topology as topology_module
from gateway.sync.topology import Topology
from schema.canonical import Status

GOWA = "73.06-uji-sekali"
NO_WORD = Accepts(
    frozenset({"create", "status", "follow_up", "reply"}), frozenset({Status.SELESAI, Status.DIDISPOSISIKAN})
)
MORE_WORDS = Accepts(frozenset({"create", "status", "follow_up", "reply"}), frozenset(set(Status) - {Status.TUNDA}))


def _built(accepts: Accepts) -> Topology:
    built = Topology(NATIONAL_NAME, {"73.06": GOWA}, {GOWA: accepts})
    built._tell_not_sent()
    return built


def _told(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.getMessage().startswith(f"{GOWA} is never sent")]


def test_the_never_sent_line_is_told_once_per_change(
    caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(topology_module, "_TOLD", {}, raising=False)  # a fresh process
    caplog.set_level(logging.INFO, logger="gateway.sync.topology")
    for _ in range(5):  # five reloads of the same sources
        _built(NO_WORD)
    (first,) = _told(caplog)
    assert "statuses" in first and "TUNDA" in first and "SELESAI" not in first
    _built(MORE_WORDS)  # the mapping changed: the new line once
    _built(MORE_WORDS)
    told = _told(caplog)
    assert len(told) == 2 and told[1] != first and "TUNDA" in told[1] and "ARSIP" not in told[1], told
