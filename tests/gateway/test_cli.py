"""The `penghubung` command, run as a user would run it."""

from __future__ import annotations

import socket
import sqlite3
from pathlib import Path

import pytest

from gateway.store.database import known_migrations
from tests.gateway.commands import run

# Every test runs the `penghubung` command as a child process.
pytestmark = pytest.mark.slow


def test_help_lists_the_commands(tmp_path: Path) -> None:
    result = run("--help", cwd=tmp_path)
    assert result.returncode == 0
    for command in ("serve", "demo", "migrate"):
        assert command in result.stdout
    serve = run("serve", "--help", cwd=tmp_path)
    assert "--host" in serve.stdout and "--port" in serve.stdout


def test_migrate_creates_the_default_sqlite_file_in_the_current_directory(tmp_path: Path) -> None:
    result = run("migrate", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "penghubung.sqlite3").exists()
    assert "loaded 552 regions" in result.stdout
    listing = run("migrate", "--list", cwd=tmp_path)
    assert listing.stdout.split() == [w for m in known_migrations() for w in ("applied", m)]


def test_listing_migrations_creates_nothing(tmp_path: Path) -> None:
    listing = run("migrate", "--list", cwd=tmp_path)
    assert listing.returncode == 0
    assert listing.stdout.split() == [w for m in known_migrations() for w in ("pending", m)]
    assert list(tmp_path.iterdir()) == []


def test_serve_refuses_an_unmigrated_database_in_one_line(tmp_path: Path) -> None:
    result = run("serve", "--port", "0", cwd=tmp_path)
    assert result.returncode == 2
    assert "lacks migrations" in result.stderr and "penghubung migrate" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_busy_port_is_reported_before_anything_else(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = run("demo", "--port", str(port), cwd=tmp_path)
    assert result.returncode == 2
    assert f"cannot listen on 127.0.0.1:{port}" in result.stderr and "--port" in result.stderr
    assert list(tmp_path.iterdir()) == []  # nothing seeded, no banner


def test_token_issue_prints_a_token_the_dev_issuer_accepts(tmp_path: Path) -> None:
    result = run("token", "issue", "--role", "agency_officer", "--agency", "16.05-pupr", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.count(".") == 2
    assert (tmp_path / "penghubung-dev-keys" / "dev-signing-key.pem").stat().st_mode & 0o077 == 0
    refused = run("token", "issue", "--role", "agency_officer", cwd=tmp_path)
    assert refused.returncode == 2 and "need an agency" in refused.stderr


def test_bad_settings_are_explained(tmp_path: Path) -> None:
    result = run("migrate", cwd=tmp_path, env={"DATABASE_URL": "mysql://x@y/z"})
    assert result.returncode == 2
    assert "DATABASE_URL has scheme 'mysql', expected sqlite:///path or postgres://" in result.stderr
    result = run("serve", cwd=tmp_path, env={"PENGHUBUNG_MODE": "staging"})
    assert result.returncode == 2
    assert "PENGHUBUNG_MODE is 'staging', expected one of production, demo" in result.stderr


@pytest.mark.parametrize("args", [("serve", "--port", "x"), ("demo", "--complaints", "-1")])
def test_bad_flags_fail_with_usage(tmp_path: Path, args: tuple[str, ...]) -> None:
    assert run(*args, cwd=tmp_path).returncode == 2


def test_connector_check_options_say_what_was_wrong(tmp_path: Path) -> None:
    helped = run("connector", "check", "--help", cwd=tmp_path)
    for option in ("--write", "--read-only", "--show", "--strict"):
        assert option in helped.stdout
    negative = run("connector", "check", "--all", "--sandbox", "--show", "-1", cwd=tmp_path)
    assert negative.returncode == 2
    assert "--show: expected a number of records, 0 or more; found -1" in negative.stderr
    both = run("connector", "check", "--all", "--sandbox", "--write", "--read-only", cwd=tmp_path)
    assert both.returncode == 2 and "--write and --read-only exclude each other" in both.stderr


def test_migrate_hands_owners_stored_without_an_issuer_to_the_one_named(tmp_path: Path) -> None:
    assert run("migrate", "--to", "models.0008_sync_notes", cwd=tmp_path).returncode == 0
    with sqlite3.connect(tmp_path / "penghubung.sqlite3") as db:
        db.execute(
            "INSERT INTO complaint (id, tracking_id, classification, original_title, content, kode_wilayah,"
            " province_code, regency_code, tags, is_anonymous, is_secret, channel, status, owner_subject,"
            " created_at, updated_at) VALUES ('5d6e1c2a-0f1b-4a8e-9c7d-2b3a4c5d6e7f', 'OLD-00000003',"
            " 'PENGADUAN', 'Jalan rusak', 'Berlubang.', '16.05', '16', '16.05', '[]', 1, 1, 'WEB',"
            " 'BELUM_TERVERIFIKASI', 'warga-lama', '2026-03-13T02:00:00+00:00', '2026-03-13T02:00:00+00:00')"
        )
    result = run("migrate", "--owner-issuer", "https://sso.warga.example", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "recorded issuer https://sso.warga.example for 1 complaint owners stored without one" in result.stdout
    with sqlite3.connect(tmp_path / "penghubung.sqlite3") as db:
        assert db.execute("SELECT owner_issuer, owner_subject FROM complaint").fetchall() == [
            ("https://sso.warga.example", "warga-lama")
        ]


@pytest.mark.parametrize("args", [("--owner-issuer", " "), ("--owner-issuer", "x", "--to", "models.0001_initial")])
def test_migrate_refuses_an_owner_issuer_it_cannot_use(tmp_path: Path, args: tuple[str, ...]) -> None:
    result = run("migrate", *args, cwd=tmp_path)
    assert result.returncode == 2
    assert "--owner-issuer expects a token issuer" in result.stderr
    assert list(tmp_path.iterdir()) == []
