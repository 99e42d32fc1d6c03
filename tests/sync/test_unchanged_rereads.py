"""A page read again unchanged costs the pull no lock (issue 18: the worker's CPU grew all
day). Systems asked for "changed since this date" send the whole day again on every pull;
records whose version is applied already are left out before anything is locked, and only
the ones that changed are locked and applied."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from datetime import UTC, datetime

import pytest

from connectors.config import DEMO_CONFIG, load_config
from connectors.records import SourceComplaint
from gateway.store import unit_of_work
from gateway.sync.ingest import Ingestor, Outcome
from gateway.sync.topology import Topology
from schema.canonical import Status

SOURCE = "16.05-musi-rawas"


def _record(n: int, version: str = "v1") -> SourceComplaint:
    at = datetime(2026, 3, 2, 8, n, tzinfo=UTC)
    return SourceComplaint(
        source=SOURCE,
        source_id=f"reread-{n}",
        version=version,
        title=f"Jalan berlubang {n}",
        content=f"Jalan di depan pasar berlubang besar, nomor {n}.",
        status=Status.BELUM_TERVERIFIKASI,
        kode_wilayah="16.05",
        created_at=at,
        updated_at=at,
    )


@pytest.fixture
def locks(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every complaint id the ingestor asks to lock, in order."""
    taken: list[str] = []
    real = unit_of_work.lock_complaints

    async def recording(ids: Iterable[object]) -> None:
        ids = list(ids)
        taken.extend(str(i) for i in ids)
        await real(ids)

    monkeypatch.setattr(unit_of_work, "lock_complaints", recording)
    return taken


async def test_a_page_read_again_unchanged_locks_nothing(database_url: str, locks: list[str]) -> None:
    ingestor = Ingestor(Topology.of(load_config(DEMO_CONFIG)))
    page = [_record(n) for n in range(6)]
    first = await ingestor.apply_page(SOURCE, page, now=datetime.now(UTC))
    assert first == [Outcome.CREATED] * 6

    locks.clear()
    again = await ingestor.apply_page(SOURCE, page, now=datetime.now(UTC))
    assert again == [Outcome.UNCHANGED] * 6
    assert locks == []


async def test_only_the_changed_record_of_a_page_is_locked_and_applied(database_url: str, locks: list[str]) -> None:
    ingestor = Ingestor(Topology.of(load_config(DEMO_CONFIG)))
    page = [_record(n) for n in range(4)]
    changed: list[str] = []
    await ingestor.apply_page(SOURCE, page, now=datetime.now(UTC), changed=changed)
    complaint_of_2 = changed[2]

    locks.clear()
    page[2] = replace(page[2], version="v2", status=Status.TERVERIFIKASI)
    outcomes = await ingestor.apply_page(SOURCE, page, now=datetime.now(UTC))
    assert outcomes == [Outcome.UNCHANGED, Outcome.UNCHANGED, Outcome.UPDATED, Outcome.UNCHANGED]
    assert set(locks) == {complaint_of_2}
