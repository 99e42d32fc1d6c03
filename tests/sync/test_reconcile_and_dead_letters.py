"""Reconcile finds and repairs what a sync missed; dead letters are visible and replayable;
the operator commands answer on a fresh demo directory."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from gateway.store.models import ComplaintRow, ComplaintSourceRow, OutboxRow
from gateway.store.writer import insert_complaints
from gateway.sync import outbox
from gateway.sync.reconcile import reconcile
from tests.factories import make_complaint
from tests.sync.conftest import REST, WA, Province, sync_round


async def test_reconcile_reports_and_repairs(province: Province) -> None:
    engine, sims = province.engine, province.sims
    await sync_round(engine)
    now = datetime.now(UTC)
    clean = await reconcile(engine, WA, now=now, repair=False)
    assert clean.differences == 0, clean.render()
    # Three kinds of drift: a record the pulls never saw (written with an old update time,
    # behind the cursor), a record deleted at the source, and a status changed there
    # without its update time moving (so no pull would notice).
    wa = sims[WA]
    missed = wa._blank(  # type: ignore[attr-defined]
        session_id="wa-missed-1",
        sender="6281200000001",
        message="Saluran air tersumbat di pasar.",
        at=datetime(2025, 1, 2, tzinfo=UTC),
        location={"type": "text", "kecamatan": "Muara Beliti"},
        user={},
    )
    wa.reports[missed["_id"]] = missed  # type: ignore[attr-defined]
    linked = set(await ComplaintSourceRow.filter(system=WA).values_list("source_id", flat=True))
    deleted_id = sorted(linked)[0]
    del wa.reports[deleted_id]  # type: ignore[attr-defined]
    changed = next(r for i, r in wa.reports.items() if i in linked and r["tindakan"]["status"] == "Perlu Verifikasi")  # type: ignore[attr-defined]
    changed["tindakan"]["status"] = "Selesai Pengaduan"
    report = await reconcile(engine, WA, now=now, repair=False)
    assert report.missing_in_index == [missed["_id"]]
    assert report.missing_at_source == [deleted_id]
    assert report.index_behind == [changed["_id"]]
    assert "not repaired (run with --repair)" in report.render()
    repaired = await reconcile(engine, WA, now=now, repair=True)
    assert repaired.differences == 3
    after = await reconcile(engine, WA, now=now, repair=False)
    assert after.missing_in_index == [] and after.index_behind == [] and after.missing_at_source == [deleted_id]
    link = await ComplaintSourceRow.get(system=WA, source_id=changed["_id"])
    assert (await ComplaintRow.get(id=link.complaint_id)).status.value == "SELESAI"  # type: ignore[attr-defined]


async def test_a_complaint_that_never_went_out_is_found_and_queued(province: Province) -> None:
    engine = province.engine
    stray = make_complaint()  # routed to Musi Rawas, stored without any outbox entry
    await insert_complaints([stray])
    report = await reconcile(engine, WA, now=datetime.now(UTC), repair=True)
    assert stray.tracking_id in report.not_delivered
    assert await OutboxRow.filter(complaint_id=stray.id, destination=WA, kind="create").exists()


async def test_dead_letters_are_kept_with_reasons_and_replayed(database_url: str) -> None:
    complaint = make_complaint()
    await insert_complaints([complaint])
    now = datetime.now(UTC)
    await outbox.enqueue(REST, "create", complaint.id, f"create:{complaint.id}", now=now)
    (delivery,) = await outbox.lease("test", now=now)
    assert delivery.attempts == 1 and not delivery.in_doubt
    assert not await outbox.retry(
        delivery, "UPSTREAM_UNAVAILABLE: POST /api/reports answered 503", now=now, in_doubt=True, max_attempts=1
    )
    dead = await OutboxRow.get(id=delivery.id)
    assert dead.state == "dead" and "gave up after 1 attempts" in (dead.last_error or "")
    assert await outbox.lease("test", now=now) == []
    assert await outbox.replay([delivery.id], now=now) == 1
    (again,) = await outbox.lease("test", now=now)
    assert again.id == delivery.id and again.attempts == 1


@pytest.mark.slow
def test_operator_commands_on_a_fresh_demo_directory(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PENGHUBUNG_", "DATABASE_URL"))} | {
        "PENGHUBUNG_MODE": "demo"
    }

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "gateway.cli", *args],
            cwd=tmp_path,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )

    assert run("migrate").returncode == 0
    status = run("sync", "status")
    assert status.returncode == 0 and status.stdout.splitlines()[1].startswith("lapor ")
    assert "no dead letters" in run("sync", "dead-letters").stdout
    assert run("sync", "replay").returncode == 2
    assert run("sync", "reconcile", "16.99-nowhere").returncode == 2
    backfill = run("sync", "backfill", "16.05-musi-rawas", "--expect", "12")
    assert backfill.returncode == 0, backfill.stderr
    assert "16.05-musi-rawas: 12 records" in backfill.stdout and "12/12 records" in backfill.stderr
    rerun = run("sync", "backfill", "16.05-musi-rawas")
    assert "'unchanged'" in rerun.stdout or "'created'" not in rerun.stdout  # resumed: nothing new
