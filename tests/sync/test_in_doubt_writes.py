"""A write that timed out may still land at its destination a moment later. For a system
that cannot recognise a repeat (the WhatsApp bot's follow-ups), no attempt at the same
write (the entry itself brought forward, or a copy of it) looks it up there before that
moment has surely passed; then it finds the late write and sends nothing."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import aiohttp
import pytest

from connectors.http import Policy
from connectors.sandbox.lapor_national import DEFAULT_API_KEY
from gateway.domain.sources import open_sources
from gateway.store.models import ComplaintSourceRow, OutboxRow
from gateway.sync.engine import SyncEngine
from gateway.sync.topology import Topology
from tests.sync.conftest import CONFIG, WA, Province, sync_round

TIMEOUT = 0.6  # the client gives up after this long; the slow simulator applies the write later
SETTLE = 2.5  # the deliverer waits this long before looking an in-doubt write up


@pytest.fixture
async def quick_province(database_url: str) -> AsyncIterator[Province]:
    policy = Policy(connect_timeout=TIMEOUT, total_timeout=TIMEOUT, attempts=1)
    async with aiohttp.ClientSession() as http, open_sources(CONFIG, http, sandbox=True, policy=policy) as opened:
        engine = SyncEngine(opened.connectors, Topology.of(CONFIG))
        engine.deliverer.settle_wait = SETTLE
        yield Province(engine, opened.simulators, opened.sandbox_urls, http, opened.connectors)


async def _reply_at_lapor(province: Province, tracking_id: str, text: str) -> None:
    async with province.http.post(
        f"{province.urls['lapor']}/api/v3/laporan/{tracking_id}/tindak-lanjut",
        json={"content": text},
        headers={"X-Api-Key": DEFAULT_API_KEY},
    ) as response:
        assert response.status == 201, await response.text()


def _copies(province: Province, source_id: str, text: str) -> int:
    report = province.sims[WA].reports[source_id]  # type: ignore[attr-defined]
    return [k["text"] for k in report["tindakan"]["kesimpulan"]].count(text)


async def _landed(province: Province, source_id: str, text: str, within: float = 5.0) -> int:
    """The copies at the bot once the late write has landed (or `within` has passed)."""
    deadline = time.monotonic() + within
    while _copies(province, source_id, text) == 0 and time.monotonic() < deadline:
        await asyncio.sleep(0.05)
    await asyncio.sleep(0.3)  # and anything sent meanwhile
    return _copies(province, source_id, text)


@pytest.mark.parametrize(
    "retried_by", ["the entry brought forward", "a copy of the entry", "a copy of an entry out of tries"]
)
async def test_a_late_landing_follow_up_is_not_sent_again(quick_province: Province, retried_by: str) -> None:
    province, engine = quick_province, quick_province.engine
    if retried_by == "a copy of an entry out of tries":
        engine.deliverer.max_attempts = 1  # the attempt in doubt was its last: a dead letter
    await sync_round(engine)
    link = await ComplaintSourceRow.filter(system=WA).first()
    assert link is not None
    national = await ComplaintSourceRow.get(complaint_id=link.complaint_id, system="lapor")
    text = f"Balasan nasional {uuid.uuid4().hex[:8]}."
    await _reply_at_lapor(province, national.source_id, text)
    await engine.pull("lapor")
    entry = await OutboxRow.get(complaint_id=link.complaint_id, destination=WA, kind="follow_up")

    # The bot takes longer than the client waits: the first attempt ends in doubt, and the
    # write lands at the bot after that.
    province.sims[WA].faults.set(latency_ms=int(TIMEOUT * 1000) + 900)
    await engine.drain()
    await OutboxRow.get(id=entry.id, state="dead" if engine.deliverer.max_attempts == 1 else "pending", in_doubt=True)
    province.sims[WA].faults.clear()
    assert _copies(province, link.source_id, text) == 0  # not landed yet

    # Brought forward before the write could have settled (as a reordering queue or a
    # duplicated delivery would): nothing may be sent meanwhile.
    now = datetime.now(UTC)
    if retried_by.startswith("a copy"):
        await OutboxRow.create(
            destination=WA,
            kind="follow_up",
            complaint_id=link.complaint_id,
            dedupe_key=f"{entry.dedupe_key}:copy",
            payload=entry.payload,
            next_attempt_at=now,
            created_at=now,
            updated_at=now,
        )
    else:
        await OutboxRow.filter(id=entry.id).update(next_attempt_at=now - timedelta(seconds=1))
    await engine.drain()
    assert await _landed(province, link.source_id, text) == 1  # the late write, and nothing else

    # Once it has settled, the lookup finds it there and sends nothing more.
    await asyncio.sleep(SETTLE)
    await OutboxRow.filter(complaint_id=link.complaint_id, state="pending").update(next_attempt_at=datetime.now(UTC))
    await engine.drain()
    assert _copies(province, link.source_id, text) == 1
    assert (
        await OutboxRow.filter(
            complaint_id=link.complaint_id, destination=WA, kind="follow_up", state="pending"
        ).count()
        == 0
    )
