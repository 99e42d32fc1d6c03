"""A destination's refusal keeps its reason: a dead letter says what the system answered in
its own words (masked: no name, NIK, phone or e-mail it quoted; bounded), not only "answered
422". Served by the JSON:API-style regency system of issue #13 on a real loopback server."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import aiohttp
import pytest

from connectors.http import Policy, UpstreamClient
from connectors.loader import build_source
from connectors.spec import load_spec
from gateway.cli.sync_actions import dead_letter_lines
from gateway.store.dead_letters import dead_letters
from gateway.store.models import ComplaintRow, ComplaintSourceRow, OutboxRow
from gateway.sync import outbox
from gateway.sync.deliver import Deliverer
from gateway.sync.ingest import Ingestor
from gateway.sync.status import sync_status
from gateway.sync.topology import Topology
from schema.canonical import Status
from tests.connectors.jsonapi_system import API_KEY, JsonApiSystem, serve

FAST = Policy(total_timeout=2.0, connect_timeout=1.0, attempts=1)
SPEC = load_spec((Path(__file__).parents[1] / "connectors" / "fixtures" / "jsonapi.toml").read_text())
SOURCE = SPEC.name
# Where the regency is connected as this system, and LAPOR! is not (nothing goes there).
TOPOLOGY = Topology("lapor", {"16.05": SOURCE})
# The way a regency system answers a step its own rules forbid (as in the Gowa trial).
REFUSAL = {
    "status": "gagal",
    "pesan": "Validasi gagal untuk pengaduan pelapor Budi Santoso (0812-3456-7890, budi.s@contoh.id)",
    "galat": {"status": ["status berikutnya yang diizinkan: ditolak, diverifikasi"]},
}


@pytest.fixture
async def system(database_url: str) -> AsyncIterator[tuple[JsonApiSystem, Deliverer]]:
    regency = JsonApiSystem()
    async with serve(regency) as url, aiohttp.ClientSession() as session:
        source = build_source(SPEC, UpstreamClient(SOURCE, session, FAST), url, secret=API_KEY)
        ingestor = Ingestor(TOPOLOGY)
        async for batch in source.changes():
            for record in batch.records:
                await ingestor.apply(SOURCE, record, now=datetime.now(UTC))
        yield regency, Deliverer({SOURCE: source}, TOPOLOGY)


async def _refused_status(regency: JsonApiSystem, deliverer: Deliverer, body: dict[str, object]) -> str:
    """Close a complaint in the index, send it to the system, which refuses it: the dead letter."""
    link = await ComplaintSourceRow.filter(system=SOURCE).order_by("source_id").first()
    assert link is not None
    cid = str(link.complaint_id)  # type: ignore[attr-defined]
    now = datetime.now(UTC)
    await ComplaintRow.filter(id=cid).update(status=Status.SELESAI)
    assert await outbox.enqueue(SOURCE, "status", cid, f"status:{cid}:test", now=now)
    regency.refuse_status = body
    [delivery] = await outbox.lease("test", now=now, destination=SOURCE, dedupe_key=f"status:{cid}:test")
    assert await deliverer.deliver(delivery) == "dead"
    return (await OutboxRow.get(id=delivery.id)).last_error or ""


async def test_a_dead_letter_carries_the_systems_reason_masked(system: tuple[JsonApiSystem, Deliverer]) -> None:
    reason = await _refused_status(*system, REFUSAL)
    assert "answered 422; it said: Validasi gagal untuk pengaduan pelapor" in reason, reason
    assert "status: status berikutnya yang diizinkan: ditolak, diverifikasi" in reason, reason
    for private in ("Budi", "Santoso", "3456", "7890", "budi.s@contoh.id"):
        assert private not in reason, reason
    [letter] = await dead_letters(SOURCE)
    assert letter.last_error == reason
    assert any(reason in line for line in await dead_letter_lines(SOURCE))  # penghubung sync dead-letters
    [shown] = [s for s in await sync_status(TOPOLOGY, now=datetime.now(UTC)) if s.source == SOURCE]
    assert shown.dead_letters == 1 and shown.last_dead_letter == reason  # sync status, GraphQL syncStatus


async def test_a_long_reason_is_cut_to_fit_and_says_so(system: tuple[JsonApiSystem, Deliverer]) -> None:
    reason = await _refused_status(*system, {"errors": [{"status": "422", "detail": "tidak boleh " * 80}]})
    assert "it said: tidak boleh tidak boleh" in reason
    assert len(reason) == 300 and reason.endswith("…")
