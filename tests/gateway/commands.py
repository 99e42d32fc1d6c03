"""The `penghubung` command run as a user would run it: a child process in a directory of
the test's choosing, with none of the developer's database or mode settings."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

# The commands must not inherit a database or mode from the developer's shell.
BASE_ENV = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "PENGHUBUNG_MODE")}


def run(*args: str, cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """`python -m gateway.cli ARGS` in `cwd`; its exit code and output, never raising."""
    return subprocess.run(
        [sys.executable, "-m", "gateway.cli", *args],
        cwd=cwd,
        env={**BASE_ENV, **(env or {})},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
