"""The gateway as a user runs it: `python -m gateway.cli serve` in a subprocess on a free port."""

from __future__ import annotations

import asyncio
import functools
import os
import signal
import socket
import sys
import time
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from pathlib import Path

import aiohttp

from bench.cpu_split import CpuSplit, pin_gateway

HOST = "127.0.0.1"
READY_TIMEOUT_S = 60.0
STOP_TIMEOUT_S = 10.0
POLL_INTERVAL_S = 0.1


class GatewayError(RuntimeError):
    """The gateway died or never became ready."""


def log_tail(path: Path, lines: int = 30) -> str:
    """The last `lines` lines of a process's log file ("" before it has one)."""
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except FileNotFoundError:
        return ""
    return "\n".join(text.splitlines()[-lines:])


def free_port() -> int:
    """A TCP port nobody listens on right now (the OS picks it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


class GatewayProcess:
    """A running `penghubung serve` subprocess and its log file."""

    def __init__(self, process: asyncio.subprocess.Process, port: int, log_path: Path) -> None:
        self.process = process
        self.port = port
        self.log_path = log_path

    @property
    def base_url(self) -> str:
        return f"http://{HOST}:{self.port}"

    @property
    def pid(self) -> int:
        return self.process.pid

    def log_tail(self, lines: int = 30) -> str:
        """The last lines the gateway wrote to stdout/stderr."""
        return log_tail(self.log_path, lines)

    def log_lines(self) -> int:
        """How many lines the gateway logged (at --log-level warning, each is news)."""
        try:
            return len(self.log_path.read_text(encoding="utf-8", errors="replace").splitlines())
        except FileNotFoundError:
            return 0

    async def wait_ready(self, timeout: float = READY_TIMEOUT_S) -> None:
        """Poll GET /readyz until it answers 200; raise if the process dies or time runs out."""
        deadline = time.monotonic() + timeout
        async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=2)) as session:
            while time.monotonic() < deadline:
                if self.process.returncode is not None:
                    raise GatewayError(
                        f"the gateway exited with code {self.process.returncode} before it "
                        f"was ready; its output:\n{self.log_tail()}"
                    )
                try:
                    async with session.get(f"{self.base_url}/readyz") as response:
                        if response.status == 200:
                            return
                except (aiohttp.ClientError, TimeoutError):
                    pass  # not listening yet
                await asyncio.sleep(POLL_INTERVAL_S)
        raise GatewayError(f"the gateway was not ready within {timeout:g} s; its output:\n{self.log_tail()}")

    def peak_rss_mib(self) -> float:
        """The process's peak resident set size (VmHWM in /proc), in MiB."""
        status = Path(f"/proc/{self.pid}/status").read_text(encoding="ascii")
        for line in status.splitlines():
            if line.startswith("VmHWM:"):
                kib = int(line.split()[1])  # "VmHWM:   123456 kB"
                return kib / 1024.0
        raise GatewayError(f"no VmHWM in /proc/{self.pid}/status")

    async def stop(self) -> None:
        """SIGTERM (uvicorn shuts down gracefully), then SIGKILL if it lingers."""
        if self.process.returncode is not None:
            return
        try:
            self.process.send_signal(signal.SIGTERM)
            await asyncio.wait_for(self.process.wait(), STOP_TIMEOUT_S)
        except ProcessLookupError:
            pass  # exited between the check and the signal
        except TimeoutError:
            self.process.kill()
            await self.process.wait()


@asynccontextmanager
async def running_gateway(
    database_url: str,
    log_path: Path,
    *,
    mode: str = "production",
    cpus: CpuSplit | None = None,
    extra_env: Mapping[str, str] | None = None,
) -> AsyncIterator[GatewayProcess]:
    """Start the gateway on a free port against `database_url` (on its own CPUs when `cpus`
    pins it, with `extra_env` added to its environment), wait until it is ready, yield it,
    and always stop it."""
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "PENGHUBUNG_MODE": mode,
        # Trust the benchmark's own development key, kept beside the gateway's log.
        "PENGHUBUNG_TRUST_DEV_TOKENS": "1",
        "PENGHUBUNG_DEV_KEYS": str(log_path.parent / "dev-keys"),
        **(extra_env or {}),
    }
    command = [
        sys.executable, "-m", "gateway.cli", "serve",
        "--host", HOST, "--port", str(port), "--log-level", "warning",
    ]  # fmt: skip
    with log_path.open("wb") as log:
        process = await asyncio.create_subprocess_exec(
            *command,
            env=env,
            cwd=log_path.parent,  # nothing the gateway might write lands in the repository
            stdin=asyncio.subprocess.DEVNULL,
            stdout=log,
            stderr=asyncio.subprocess.STDOUT,
            # Its own session: Ctrl+C reaches only the benchmark, which then stops the
            # gateway itself, before it drops the database the gateway is using.
            start_new_session=True,
            preexec_fn=functools.partial(pin_gateway, cpus) if cpus else None,
        )
    gateway = GatewayProcess(process, port, log_path)
    try:
        await gateway.wait_ready()
        yield gateway
    finally:
        await gateway.stop()
