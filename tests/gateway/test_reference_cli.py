"""`penghubung reference load`, run as an operator would, and the start-up warning of
`serve` and `worker` when the registry is empty."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.gateway.commands import BASE_ENV, run

# Runs the `penghubung` command (and `serve`/`worker`) as child processes.
pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = str(ROOT / "docs" / "examples" / "reference-sumsel.toml")
EMPTY_WARNING = "registries are empty"
HOW = "penghubung reference load FILE"


def test_load_reports_what_it_adds_then_nothing_and_a_dry_run_writes_nothing(tmp_path: Path) -> None:
    assert run("migrate", cwd=tmp_path).returncode == 0
    dry = run("reference", "load", EXAMPLE, "--dry-run", cwd=tmp_path)
    assert dry.returncode == 0, dry.stderr
    assert "agencies: 250 added, 0 updated, 0 unchanged, 0 kept" in dry.stdout
    assert "categories: 60 added, 0 updated, 0 unchanged, 0 kept" in dry.stdout
    assert "  added      16.05-pupr" in dry.stdout
    assert dry.stdout.rstrip().endswith("dry run: nothing was written")

    first = run("reference", "load", EXAMPLE, cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    assert "agencies: 250 added" in first.stdout and "loaded " in first.stdout  # the dry run wrote nothing

    edited = tmp_path / "edited.toml"
    text = Path(EXAMPLE).read_text(encoding="utf-8")
    text = text.replace('short_name = "Dinas PUPR Musi Rawas"\n', 'short_name = "PUPR Mura"\n')
    edited.write_text(
        text.replace(
            '[[category]]\nid = "kebencanaan.karhutla"\nname = "Kebakaran Hutan dan Lahan"\nparent = "kebencanaan"\n',
            "",
        )
    )
    again = run("reference", "load", str(edited), cwd=tmp_path)
    assert again.returncode == 0, again.stderr
    assert "agencies: 0 added, 1 updated, 249 unchanged, 0 kept" in again.stdout
    assert "  updated    16.05-pupr: short_name" in again.stdout
    assert "categories: 0 added, 0 updated, 59 unchanged, 1 kept" in again.stdout
    assert "  kept       kebencanaan.karhutla (not in the file; never deleted" in again.stdout

    same = run("reference", "load", str(edited), cwd=tmp_path)
    assert same.returncode == 0, same.stderr
    assert "nothing changed" in same.stdout


def test_a_bad_file_or_database_is_explained_in_one_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text('[[agency]]\nid = "16.05-pupr"\nname = "Dinas PUPR"\nlevel = "OPD"\n')
    result = run("reference", "load", str(bad), cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.strip() == (
        f"penghubung: {bad}: agency[0].level: expected one of NATIONAL, PROVINCE, REGENCY, CITY, UNIT; found 'OPD'"
    )
    unmigrated = run("reference", "load", EXAMPLE, cwd=tmp_path)
    assert unmigrated.returncode == 2
    assert "lacks migrations" in unmigrated.stderr and "penghubung migrate" in unmigrated.stderr
    assert not (tmp_path / "penghubung.sqlite3").exists()

    assert run("migrate", cwd=tmp_path).returncode == 0
    orphan = tmp_path / "orphan.toml"
    orphan.write_text('[[agency]]\nid = "16.05-pupr"\nname = "Dinas PUPR"\nlevel = "UNIT"\nparent = "pemkab-16.05"\n')
    result = run("reference", "load", str(orphan), cwd=tmp_path)
    assert result.returncode == 2
    assert (
        "agency[0].parent: expected the id of an agency in this file or already in the store; found 'pemkab-16.05'"
        in result.stderr
    )


def test_the_worker_warns_at_start_up_while_the_registry_is_empty(tmp_path: Path) -> None:
    assert run("migrate", cwd=tmp_path).returncode == 0
    empty = run("worker", "--once", cwd=tmp_path)
    assert empty.returncode == 0, empty.stderr
    assert EMPTY_WARNING in empty.stderr and HOW in empty.stderr
    assert run("reference", "load", EXAMPLE, cwd=tmp_path).returncode == 0
    loaded = run("worker", "--once", cwd=tmp_path)
    assert loaded.returncode == 0, loaded.stderr
    assert "is empty" not in loaded.stderr and "are empty" not in loaded.stderr


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _serve_start_up(cwd: Path) -> str:
    """What `serve` logs until it is up, then stop it."""
    server = subprocess.Popen(
        [sys.executable, "-m", "gateway.cli", "serve", "--port", str(_free_port())],
        cwd=cwd,
        env=BASE_ENV,
        stderr=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        text=True,
    )
    lines: list[str] = []
    deadline = time.monotonic() + 60
    try:
        assert server.stderr is not None
        while time.monotonic() < deadline:
            line = server.stderr.readline()
            if not line:
                break
            lines.append(line)
            if "Application startup complete" in line:
                break
    finally:
        server.terminate()
        server.wait(timeout=30)
    return "".join(lines)


def test_serve_warns_at_start_up_while_the_registry_is_empty(tmp_path: Path) -> None:
    assert run("migrate", cwd=tmp_path).returncode == 0
    logged = _serve_start_up(tmp_path)
    assert "Application startup complete" in logged, logged
    assert EMPTY_WARNING in logged and HOW in logged
    assert run("reference", "load", EXAMPLE, cwd=tmp_path).returncode == 0
    logged = _serve_start_up(tmp_path)
    assert "Application startup complete" in logged, logged
    assert "are empty" not in logged and "is empty" not in logged
