"""`penghubung demo` prepares a database holding the whole Sumatera Selatan dataset."""

from __future__ import annotations

import subprocess
import sys

import pytest

from gateway.demo import demo_agencies, demo_categories
from schema.canonical import Status
from tests.conftest import ScratchDatabases
from tests.store.raw_sql import raw_sql

PREPARE = """
import asyncio, sys
from gateway.demo.run import prepare_demo
from gateway.settings import GatewaySettings
asyncio.run(prepare_demo(GatewaySettings(database_url=sys.argv[1], demo=True), complaints=1500))
"""


@pytest.mark.slow
async def test_demo_database_is_seeded_once(scratch_databases: ScratchDatabases) -> None:
    url = await scratch_databases.new()
    first = subprocess.run(
        [sys.executable, "-c", PREPARE, url], capture_output=True, text=True, timeout=300, check=False
    )
    assert first.returncode == 0, first.stderr
    assert "seeded 1500 complaints" in first.stdout

    counts = (
        await raw_sql(
            url,
            "SELECT (SELECT COUNT(*) FROM complaint) AS complaints,"
            " (SELECT COUNT(*) FROM region) AS regions,"
            " (SELECT COUNT(*) FROM agency) AS agencies,"
            " (SELECT COUNT(*) FROM category) AS categories,"
            " (SELECT COUNT(*) FROM status_event) AS events,"
            " (SELECT COUNT(DISTINCT regency_code) FROM complaint WHERE province_code = '16') AS regencies,"
            " (SELECT COUNT(*) FROM complaint WHERE is_anonymous) AS anonymous,"
            " (SELECT COUNT(*) FROM complaint WHERE is_secret) AS secret",
        )
    )[0]
    assert counts["complaints"] == 1500
    assert counts["regions"] == 38 + 514
    assert counts["agencies"] >= 17 * 8 and counts["categories"] >= 40
    assert counts["events"] > 1500 * 3
    assert counts["regencies"] == 17
    assert 0 < counts["secret"] < counts["anonymous"] < 1500
    # The registry the demo seeded through the reference loader is exactly its own.
    agencies = await raw_sql(url, "SELECT id, name, short_name, level, kode_wilayah, parent_id FROM agency")
    assert {tuple(r.values()) for r in agencies} == {
        (a.id, a.name, a.short_name, a.level.value, a.kode_wilayah, a.parent_id) for a in demo_agencies()
    }
    categories = await raw_sql(url, "SELECT id, name, parent_id FROM category")
    assert {tuple(r.values()) for r in categories} == {(c.id, c.name, c.parent_id) for c in demo_categories()}
    statuses = {r["status"] for r in await raw_sql(url, "SELECT DISTINCT status FROM complaint")}
    assert statuses == {s.value for s in Status}

    again = subprocess.run(
        [sys.executable, "-c", PREPARE, url], capture_output=True, text=True, timeout=300, check=False
    )
    assert again.returncode == 0, again.stderr
    assert "1500 complaints" in again.stdout and "seeded" not in again.stdout
