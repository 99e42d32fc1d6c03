"""A delivery its destination could never take is not queued, and that is never invisible:
each skip is logged and counted, the topology says at start-up what each system is never
sent, and `penghubung sync status` (and GraphQL `syncStatus`) list those statuses."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

import pytest

from connectors.config import DEMO_CONFIG, load_config
from gateway import telemetry as metrics
from gateway.cli.sync_actions import not_sent_lines
from gateway.domain.lifecycle import Planned
from gateway.federation.owner import Owner
from gateway.federation.write_through import WriteThrough, _Sent
from gateway.store.models import ComplaintRow, ComplaintSourceRow, OutboxRow
from gateway.store.writer import insert_complaints
from gateway.sync import topology as topology_module
from gateway.sync.propagate import announce_status
from gateway.sync.status import sync_status
from gateway.sync.topology import Topology
from schema.canonical import Status
from tests.factories import make_complaint

TOPOLOGY = Topology.of(load_config(DEMO_CONFIG))
WA = "16.05-musi-rawas"  # the WhatsApp bot: no word for TERVERIFIKASI
XML = "16.07-banyuasin"  # the XML addstream: creates only


def _not_queued(destination: str, kind: str, status: str) -> float:
    return metrics.SYNC_NOT_QUEUED.labels(destination, kind, status)._value.get()  # type: ignore[attr-defined]


async def test_a_status_not_queued_is_logged_and_counted(database_url: str, caplog: pytest.LogCaptureFixture) -> None:
    metrics.observe_upstream()
    complaint = make_complaint()
    await insert_complaints([complaint])
    cid, now = complaint.id, datetime.now(UTC)
    await ComplaintSourceRow.create(complaint_id=cid, system=WA, source_id="wa-1", status=Status.BELUM_TERVERIFIKASI)
    before = _not_queued(WA, "status", "TERVERIFIKASI")
    with caplog.at_level(logging.DEBUG, logger="gateway.sync.outbox"):
        await announce_status(cid, "TERVERIFIKASI", origin=None, topology=TOPOLOGY, now=now)
    assert not await OutboxRow.filter(complaint_id=cid, destination=WA).exists()
    assert _not_queued(WA, "status", "TERVERIFIKASI") == before + 1
    (line,) = [r.getMessage() for r in caplog.records if r.name == "gateway.sync.outbox"]
    assert WA in line and "TERVERIFIKASI" in line
    for personal in (
        complaint.reporter.name,
        complaint.reporter.phone,
        complaint.reporter.email,
        complaint.reporter.nik,
    ):
        assert not personal or personal not in line


async def test_the_write_through_repair_does_not_queue_a_status_its_owner_has_no_word_for(database_url: str) -> None:
    """The index refused a change the owner had taken; the repair sends the index's status,
    and that status is one the owner has no word for: nothing is queued (it would only be a
    dead letter), and the skip is counted."""
    metrics.observe_upstream()
    complaint = make_complaint()
    await insert_complaints([complaint])
    cid, now = complaint.id, datetime.now(UTC)
    await ComplaintRow.filter(id=cid).update(status=Status.TERVERIFIKASI)
    await ComplaintSourceRow.create(complaint_id=cid, system=WA, source_id="wa-2", status=Status.TERVERIFIKASI)
    sent = _Sent(Owner(cid, WA, "wa-2", now), done=["status"])
    planned = Planned(cid, Status.TERVERIFIKASI, Status.DIDISPOSISIKAN, {}, None)
    before = _not_queued(WA, "status", "TERVERIFIKASI")
    writer = WriteThrough(None, None, TOPOLOGY, deadline=1.0)  # type: ignore[arg-type]
    await writer._repair(sent, None, planned, now)
    assert not await OutboxRow.filter(complaint_id=cid, destination=WA).exists()
    assert _not_queued(WA, "status", "TERVERIFIKASI") == before + 1


def test_the_topology_says_at_start_up_what_each_system_is_never_sent(
    caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(topology_module, "_TOLD", {})  # as in a fresh process
    with caplog.at_level(logging.INFO, logger="gateway.sync.topology"):
        Topology.of(load_config(DEMO_CONFIG))
    lines = {
        r.getMessage().split(" ", 1)[0]: r.getMessage() for r in caplog.records if r.name == "gateway.sync.topology"
    }
    assert "TERVERIFIKASI" in lines[WA] and "DIDISPOSISIKAN" not in lines[WA]
    assert "status, follow_up writes" in lines[XML]
    assert "lapor" not in lines  # LAPOR! v3 has a word for every status
    assert len(caplog.records) == len(lines)  # once per system


async def test_sync_status_lists_the_statuses_a_source_is_never_sent(database_url: str) -> None:
    rows = {s.source: s for s in await sync_status(TOPOLOGY, now=datetime.now(UTC))}
    assert "TERVERIFIKASI" in rows[WA].statuses_not_sent and "DIDISPOSISIKAN" not in rows[WA].statuses_not_sent
    assert set(rows[XML].statuses_not_sent) == {s.value for s in Status if s is not Status.SUBMITTED}
    assert rows["lapor"].statuses_not_sent == ()
    printed = not_sent_lines(list(rows.values())).splitlines()  # penghubung sync status
    (wa,) = [line for line in printed if WA in line]
    assert "TERVERIFIKASI" in wa and "DIDISPOSISIKAN" not in wa


def test_the_topology_says_which_systems_are_sent_no_reporter_replies(
    caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(topology_module, "_TOLD", {})  # as in a fresh process
    with caplog.at_level(logging.INFO, logger="gateway.sync.topology"):
        topology = Topology.of(load_config(DEMO_CONFIG))
    lines = {
        r.getMessage().split(" ", 1)[0]: r.getMessage() for r in caplog.records if r.name == "gateway.sync.topology"
    }
    assert "reporter replies" in lines[WA]  # its follow-up body cannot say who wrote it
    assert "reporter replies" not in lines[XML]  # it takes no follow-ups at all: said once, as such
    assert topology.takes("lapor", "reply") and not topology.takes(WA, "reply")
