"""Gateway processes for tests: `penghubung ...` started on a free loopback port, waited for
until /readyz answers, and stopped afterwards (its output kept in a log file)."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator, Mapping
from pathlib import Path


def free_port() -> int:
    """A loopback port nobody listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def clean_env(extra: Mapping[str, str] = {}) -> dict[str, str]:
    """This process's environment without the gateway's own settings, plus `extra`."""
    return {k: v for k, v in os.environ.items() if not k.startswith(("PENGHUBUNG_", "DATABASE_URL"))} | dict(extra)


@contextlib.contextmanager
def running(
    args: list[str], *, env: Mapping[str, str], log: Path, cwd: Path | None = None, within: float = 60
) -> Iterator[int]:
    """`python -m gateway.cli <args> --port P` until the block ends; yields P."""
    port = free_port()
    with open(log, "ab") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "gateway.cli", *args, "--port", str(port)],
            cwd=cwd,
            env=dict(env),
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + within
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz", timeout=1):
                    break
            except OSError:
                if process.poll() is not None:
                    raise AssertionError(log.read_text()[-3000:]) from None
                time.sleep(0.2)
        else:
            raise AssertionError(f"`penghubung {' '.join(args)}` did not become ready in {within:g} s")
        yield port
    finally:
        process.terminate()
        process.wait(timeout=20)
