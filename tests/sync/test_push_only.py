"""Creates to a push-only system (the addstream dialect: it can neither recognise a repeat
nor be searched) over real loopback sockets. A create that provably never left (nothing
listening, a connect that hangs, a delivery cut off before its request went out) is
retried as it stands and delivered once the system answers, never an "outcome unknown"
dead letter; only one that was sent and not answered is in doubt, and the operator's
listing says what to check there and how to settle it."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import aiohttp
import pytest

from connectors.config import DEMO_CONFIG, load_config
from connectors.http import Policy, UpstreamClient
from connectors.lapor import AddstreamConnector
from connectors.sandbox.runner import serve
from connectors.sandbox.xml_stream import DEFAULT_TOKEN, XmlStream
from gateway.cli.sync_actions import dead_letter_lines
from gateway.domain.sources import upstream_session
from gateway.store.dead_letters import NotConfirmable
from gateway.store.models import ComplaintRow, ComplaintSourceRow, OutboxRow
from gateway.store.writer import insert_complaints
from gateway.sync import outbox
from gateway.sync.confirm import confirm
from gateway.sync.deliver import Deliverer
from gateway.sync.topology import Topology
from tests.factories import make_complaint
from tests.servers import free_port
from tests.sockets import hanging_connects, raw_server

TOPOLOGY = Topology.of(load_config(DEMO_CONFIG))
XML = "16.07-banyuasin"  # an xml_stream regency of the demo province
SETTLE = 0.3  # seconds an in-doubt create waits before its next attempt (short for the test)


def _deliverer(http: aiohttp.ClientSession, port: int, *, policy: Policy, deadline: float = 20.0) -> Deliverer:
    client = UpstreamClient(XML, http, policy)
    connector = AddstreamConnector(XML, client, f"http://127.0.0.1:{port}", token=DEFAULT_TOKEN)
    return Deliverer({XML: connector}, TOPOLOGY, deadline=deadline, settle_wait=SETTLE)  # type: ignore[dict-item]


async def _queued_create() -> str:
    complaint = make_complaint()
    await insert_complaints([complaint])
    await outbox.enqueue(XML, "create", complaint.id, f"create:{complaint.id}", now=datetime.now(UTC))
    return complaint.id


async def _attempt(deliverer: Deliverer) -> list[str]:
    """One attempt at whatever is pending, whenever it is due (the backoff is not waited
    out; an in-doubt one is past its settle wait by then)."""
    await asyncio.sleep(SETTLE + 0.1)
    leased = await outbox.lease("test", now=datetime.now(UTC) + timedelta(hours=1))
    return [await deliverer.deliver(d) for d in leased]


async def _entry(cid: str) -> OutboxRow:
    return await OutboxRow.get(complaint_id=cid, destination=XML, kind="create")


@pytest.fixture
async def http(database_url: str) -> AsyncIterator[aiohttp.ClientSession]:
    async with upstream_session() as session:  # the session the gateway and the worker use
        yield session


async def test_a_create_refused_is_retried_and_delivered_once_the_system_is_up(http: aiohttp.ClientSession) -> None:
    port = free_port()  # nothing listens there
    deliverer = _deliverer(http, port, policy=Policy(attempts=1, failure_threshold=100))
    cid = await _queued_create()
    for _ in range(3):
        assert await _attempt(deliverer) == ["retry"]
    entry = await _entry(cid)
    assert entry.state == "pending" and not entry.in_doubt and "nothing was sent" in (entry.last_error or "")
    sim = XmlStream()
    async with serve(sim, port=port):
        assert await _attempt(deliverer) == ["done"]
    assert len(sim.submissions) == 1
    link = await ComplaintSourceRow.get(complaint_id=cid, system=XML)
    assert link.source_id == sim.submissions[0][0]
    assert await OutboxRow.filter(state="dead").count() == 0


async def test_a_create_whose_connect_timed_out_is_retried_not_in_doubt(http: aiohttp.ClientSession) -> None:
    deliverer_policy = Policy(connect_timeout=0.3, total_timeout=5, attempts=1, failure_threshold=100)
    with hanging_connects() as port:
        deliverer = _deliverer(http, port, policy=deliverer_policy)
        cid = await _queued_create()
        assert await _attempt(deliverer) == ["retry"]
        entry = await _entry(cid)
        assert entry.state == "pending" and not entry.in_doubt, entry.last_error
        assert await _attempt(deliverer) == ["retry"]  # again: not buried as "outcome unknown"
    assert (await _entry(cid)).state == "pending"
    sim = XmlStream()
    async with serve(sim, port=port):
        assert await _attempt(deliverer) == ["done"]
    assert len(sim.submissions) == 1


async def test_a_create_cut_off_by_the_delivery_deadline_before_it_left_is_not_in_doubt(
    http: aiohttp.ClientSession,
) -> None:
    # The gateway is slow: the delivery's own deadline (the write-through's few seconds)
    # ends while the connection is still being made. No error says what happened; the
    # request had not left, so it is not in doubt.
    with hanging_connects() as port:
        deliverer = _deliverer(http, port, policy=Policy(connect_timeout=5, total_timeout=10, attempts=1), deadline=0.4)
        cid = await _queued_create()
        assert await _attempt(deliverer) == ["retry"]
        entry = await _entry(cid)
        assert entry.state == "pending" and not entry.in_doubt, entry.last_error
        assert "nothing was sent" in (entry.last_error or "")
        assert await _attempt(deliverer) == ["retry"]
    assert (await _entry(cid)).state == "pending"
    sim = XmlStream()
    async with serve(sim, port=port):
        assert await _attempt(deliverer) == ["done"]
    assert len(sim.submissions) == 1


async def test_a_create_sent_and_not_answered_is_a_dead_letter_that_says_what_to_check(
    http: aiohttp.ClientSession,
) -> None:
    async with raw_server("silent") as port:
        deliverer = _deliverer(http, port, policy=Policy(connect_timeout=1, total_timeout=0.5, attempts=1))
        cid = await _queued_create()
        assert await _attempt(deliverer) == ["retry"]
        assert (await _entry(cid)).in_doubt
        assert await _attempt(deliverer) == ["dead"]
    entry = await _entry(cid)
    assert entry.state == "dead" and entry.in_doubt
    assert (entry.last_error or "").startswith("outcome unknown: an earlier attempt was sent and not answered")
    lines = "\n".join(await dead_letter_lines(None))
    tracking = (await ComplaintRow.get(id=cid)).tracking_id
    assert f"in doubt: a create was sent to {XML} and not answered" in lines
    assert f"whose text begins with the title of {tracking}" in lines
    assert f"penghubung sync confirm {entry.id} <its id there>" in lines
    assert f"penghubung sync replay {entry.id} --not-there" in lines

    # Replayed as it stands, it stays in doubt: a dead letter again, nothing sent.
    sim = XmlStream()
    async with serve(sim) as url:
        deliverer = _deliverer(http, int(url.rsplit(":", 1)[1]), policy=Policy(attempts=1))
        assert await outbox.replay([entry.id], now=datetime.now(UTC)) == 1
        assert await _attempt(deliverer) == ["dead"]
        assert sim.submissions == []
        # The operator checked: not there. Sent once more, and delivered.
        assert await outbox.replay([entry.id], now=datetime.now(UTC), not_there=True) == 1
        assert await _attempt(deliverer) == ["done"]
        assert len(sim.submissions) == 1


async def test_an_in_doubt_create_found_at_the_destination_is_confirmed_without_sending(
    http: aiohttp.ClientSession,
) -> None:
    async with raw_server("silent") as port:
        deliverer = _deliverer(http, port, policy=Policy(connect_timeout=1, total_timeout=0.5, attempts=1))
        cid = await _queued_create()
        await _attempt(deliverer)
        assert await _attempt(deliverer) == ["dead"]
    entry = await _entry(cid)
    said = await confirm(TOPOLOGY, entry.id, "2000417", now=datetime.now(UTC))
    assert said.endswith(f"linked to {XML}/2000417; nothing was sent")
    settled = await _entry(cid)
    assert settled.state == "done" and not settled.in_doubt
    assert (await ComplaintSourceRow.get(complaint_id=cid, system=XML)).source_id == "2000417"
    assert "no dead letters" in await dead_letter_lines(None)
    with pytest.raises(NotConfirmable, match="not a dead letter of a create"):
        await confirm(TOPOLOGY, entry.id, "2000417", now=datetime.now(UTC))
    # Another complaint's record is never merged into this one.
    other = await _queued_create()
    async with raw_server("silent") as port:
        deliverer = _deliverer(http, port, policy=Policy(connect_timeout=1, total_timeout=0.5, attempts=1))
        await _attempt(deliverer)
        await _attempt(deliverer)
    with pytest.raises(NotConfirmable, match="already linked to another complaint"):
        await confirm(TOPOLOGY, (await _entry(other)).id, "2000417", now=datetime.now(UTC))


async def test_a_server_that_closes_before_reading_leaves_the_create_in_doubt(http: aiohttp.ClientSession) -> None:
    # Decided: the connection was made and the request handed to it; a system that closed
    # before reading it cannot be told apart from one that applied it and then crashed, so
    # the create is in doubt (a person checks), never sent blindly a second time.
    async with raw_server("closing") as port:
        deliverer = _deliverer(http, port, policy=Policy(connect_timeout=1, total_timeout=2, attempts=1))
        cid = await _queued_create()
        assert await _attempt(deliverer) == ["retry"]
        entry = await _entry(cid)
        assert entry.in_doubt, entry.last_error
        assert await _attempt(deliverer) == ["dead"]
    assert (await _entry(cid)).last_error.startswith("outcome unknown")  # type: ignore[union-attr]


async def test_on_a_session_without_the_trace_a_cut_off_create_counts_as_maybe_sent(database_url: str) -> None:
    # Nothing tells such a session's caller when a request leaves: a create cut off by the
    # delivery's deadline is in doubt, as before (the gateway's own session is traced).
    async with aiohttp.ClientSession() as plain:
        with hanging_connects() as port:
            deliverer = _deliverer(
                plain, port, policy=Policy(connect_timeout=5, total_timeout=10, attempts=1), deadline=0.4
            )
            cid = await _queued_create()
            assert await _attempt(deliverer) == ["retry"]
    assert (await _entry(cid)).in_doubt
