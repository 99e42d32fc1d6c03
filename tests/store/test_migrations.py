"""Migrations: from an empty database, and from the previous schema with data in it."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import TypeVar

import pytest
from tortoise import Tortoise
from tortoise.context import TortoiseContext

from auth.dev import DEV_ISSUER
from auth.scope import OwnedBy, RowScope
from gateway.store.config import tortoise_config
from gateway.store.database import (
    applied_migrations,
    known_migrations,
    migrate_database,
    pending_migrations,
)
from gateway.store.models import ComplaintRow
from gateway.store.owners import adopt_owners
from gateway.store.scoping import scope_q
from tests.conftest import ScratchDatabases
from tests.store.raw_sql import raw_sql

# Every test migrates a new database of its own.
pytestmark = pytest.mark.slow

T = TypeVar("T")

LATEST = known_migrations()
CREATED = datetime(2026, 3, 13, 2, 0, tzinfo=UTC)


async def test_migrate_from_empty_applies_everything_once(
    scratch_databases: ScratchDatabases,
) -> None:
    url = await scratch_databases.new()
    assert await pending_migrations(url) == LATEST
    assert await migrate_database(url) == LATEST
    assert await applied_migrations(url) == LATEST
    assert await migrate_database(url) == []  # idempotent
    assert await pending_migrations(url) == []


async def test_upgrade_from_previous_schema_keeps_and_backfills_rows(
    scratch_databases: ScratchDatabases,
) -> None:
    url = await scratch_databases.new()
    assert await migrate_database(url, target="models.0001_initial") == ["models.0001_initial"]
    postgres = url.startswith("postgres")
    marks = ", ".join(f"${i}" if postgres else "?" for i in range(1, 16))
    await raw_sql(
        url,
        "INSERT INTO complaint (id, tracking_id, classification, original_title, content,"
        " kode_wilayah, province_code, regency_code, tags, is_anonymous, is_secret, channel,"
        f" status, created_at, updated_at) VALUES ({marks})",
        [
            "7b0c8f5e-1f7e-4c35-9a39-4b1d9f0f3a11",
            "OLD-00000001",
            "PENGADUAN",
            "Lampu JALAN padam",
            "Sudah dua minggu lampu di simpang Kécamatan padam.",
            "16.05",
            "16",
            "16.05",
            "[]",
            False,
            False,
            "WEB",
            "BELUM_TERVERIFIKASI",
            CREATED if postgres else CREATED.isoformat(),
            CREATED if postgres else CREATED.isoformat(),
        ],
    )
    assert await pending_migrations(url) == LATEST[1:]
    assert await migrate_database(url) == LATEST[1:]
    rows = await raw_sql(url, "SELECT tracking_id, search_text, verification_due FROM complaint")
    assert [(r["tracking_id"], r["search_text"]) for r in rows] == [
        ("OLD-00000001", "lampu jalan padam sudah dua minggu lampu di simpang kecamatan padam.")
    ]
    # The deadlines migration computed the verification clock of the old row: created on
    # Friday 13 March 2026 (WIB), due at the end of Wednesday the 25th (Idul Fitri between).
    due = rows[0]["verification_due"]
    due = datetime.fromisoformat(due) if isinstance(due, str) else due
    assert due == datetime(2026, 3, 25, 16, 59, 59, tzinfo=UTC)


async def test_downgrade_to_previous_schema_and_back(scratch_databases: ScratchDatabases) -> None:
    url = await scratch_databases.new()
    await migrate_database(url)
    assert await migrate_database(url, target="models.0001_initial") == LATEST[:0:-1]
    assert await applied_migrations(url) == LATEST[:1]
    assert await migrate_database(url) == LATEST[1:]


async def test_audit_log_is_append_only_in_the_database(scratch_databases: ScratchDatabases) -> None:
    url = await scratch_databases.new()
    await migrate_database(url)
    postgres = url.startswith("postgres")
    mark = "$1" if postgres else "?"
    await raw_sql(
        url,
        "INSERT INTO audit_event (at, action, outcome, actor_roles) VALUES "
        f"({mark}, 'SECRET_COMPLAINT_READ', 'ALLOWED', 'national_admin')",
        [CREATED if postgres else CREATED.isoformat()],
    )
    for statement in ("UPDATE audit_event SET outcome = 'DENIED'", "DELETE FROM audit_event"):
        try:
            await raw_sql(url, statement)
        except Exception as exc:  # the driver's own error type differs per database
            assert "append-only" in str(exc)
        else:
            raise AssertionError(f"{statement} was allowed")
    assert len(await raw_sql(url, "SELECT id FROM audit_event")) == 1


async def _in_store(url: str, work: Callable[[], Awaitable[T]]) -> T:
    async with TortoiseContext():
        await Tortoise.init(config=tortoise_config(url))
        try:
            return await work()
        finally:
            await Tortoise.close_connections()


async def test_owners_stored_before_issuers_belong_to_nobody_until_adopted(
    scratch_databases: ScratchDatabases,
) -> None:
    url = await scratch_databases.new()
    await migrate_database(url, target="models.0008_sync_notes")
    postgres = url.startswith("postgres")
    marks = ", ".join(f"${i}" if postgres else "?" for i in range(1, 17))
    await raw_sql(
        url,
        "INSERT INTO complaint (id, tracking_id, classification, original_title, content,"
        " kode_wilayah, province_code, regency_code, tags, is_anonymous, is_secret, channel,"
        f" status, owner_subject, created_at, updated_at) VALUES ({marks})",
        [
            "5d6e1c2a-0f1b-4a8e-9c7d-2b3a4c5d6e7f",
            "OLD-00000002",
            "PENGADUAN",
            "Jalan rusak",
            "Jalan desa berlubang.",
            "16.05",
            "16",
            "16.05",
            "[]",
            True,
            True,
            "WEB",
            "BELUM_TERVERIFIKASI",
            "warga-lama",
            CREATED if postgres else CREATED.isoformat(),
            CREATED if postgres else CREATED.isoformat(),
        ],
    )
    assert await migrate_database(url) == LATEST[LATEST.index("models.0008_sync_notes") + 1 :]
    rows = await raw_sql(url, "SELECT owner_issuer, owner_subject FROM complaint")
    assert [(r["owner_issuer"], r["owner_subject"]) for r in rows] == [(None, "warga-lama")]

    async def owned_by(issuer: str) -> int:
        return await ComplaintRow.filter(await scope_q(RowScope.of(OwnedBy(issuer, "warga-lama")))).count()

    # No citizen of any issuer owns it: guessing could hand it to another person.
    assert await _in_store(url, lambda: owned_by(DEV_ISSUER)) == 0
    # The operator says which issuer the old owners came from; rows are adopted once.
    assert await _in_store(url, lambda: adopt_owners(DEV_ISSUER)) == 1
    assert await _in_store(url, lambda: adopt_owners("https://sso.lain.example")) == 0
    assert await _in_store(url, lambda: owned_by(DEV_ISSUER)) == 1
    assert await _in_store(url, lambda: owned_by("https://sso.lain.example")) == 0


async def test_attachments_keep_their_metadata_and_may_then_lack_a_digest_or_size(
    scratch_databases: ScratchDatabases,
) -> None:
    url = await scratch_databases.new()
    assert "models.0008_sync_notes" in await migrate_database(url, target="models.0008_sync_notes")
    postgres = url.startswith("postgres")
    marks = lambda n: ", ".join(f"${i}" if postgres else "?" for i in range(1, n + 1))  # noqa: E731
    cid = "7b0c8f5e-1f7e-4c35-9a39-4b1d9f0f3a12"
    at = CREATED if postgres else CREATED.isoformat()
    await raw_sql(
        url,
        "INSERT INTO complaint (id, tracking_id, classification, original_title, content, kode_wilayah,"
        " province_code, regency_code, tags, is_anonymous, is_secret, channel, status, created_at, updated_at)"
        f" VALUES ({marks(15)})",
        [
            cid,
            "OLD-00000002",
            "PENGADUAN",
            "Jalan rusak",
            "Berlubang.",
            "16.05",
            "16",
            "16.05",
            "[]",
            False,
            False,
            "WEB",
            "BELUM_TERVERIFIKASI",
            at,
            at,
        ],
    )
    await raw_sql(
        url,
        f"INSERT INTO attachment (complaint_id, name, media_type, size, sha256) VALUES ({marks(5)})",
        [cid, "jalan.jpg", "image/jpeg", 2048, "ab" * 32],
    )
    await migrate_database(url)
    assert await raw_sql(url, "SELECT name, size, sha256, url, origin_system FROM attachment") == [
        {"name": "jalan.jpg", "size": 2048, "sha256": "ab" * 32, "url": None, "origin_system": None}
    ]
    # A kab/kota system's file: a name and its link, no size and no digest.
    await raw_sql(
        url,
        f"INSERT INTO attachment (complaint_id, name, media_type, url, origin_system) VALUES ({marks(5)})",
        [cid, "foto_3.jpg", "image/jpeg", "/foto/foto_3.jpg", "16.09-oku-selatan"],
    )
    assert len(await raw_sql(url, "SELECT id FROM attachment WHERE sha256 IS NULL AND size IS NULL")) == 1
