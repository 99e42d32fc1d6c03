"""The soak bench's stack, run as an operator runs it: the province sandbox
(`penghubung sandbox`), `penghubung serve` and `penghubung worker`, each a process of its
own, sharing one PostgreSQL database and one Redis.

The sandbox listens on consecutive loopback ports; the gateway and the worker read a
sources file written here that names those ports (real URLs, sandbox credentials through
environment variables), so neither process simulates anything itself. The gateway and the
worker can be killed with SIGKILL and started again on the same port and database.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import socket
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp

from bench.server import log_tail
from connectors.config import DEMO_CONFIG, SourcesConfig, load_config
from connectors.registry import NATIONAL_NAME
from connectors.sandbox.province import NATIONAL_SECRETS, SANDBOX_SECRETS

HOST = "127.0.0.1"
REPOSITORY = Path(__file__).resolve().parent.parent
READY_TIMEOUT_S = 60.0
STOP_TIMEOUT_S = 10.0
# Environment variables the sources file names for the sandbox credentials.
SECRET_ENV = {
    "national": "SOAK_LAPOR_KEY",
    **{d: f"SOAK_{d.upper()}_KEY" for d in SANDBOX_SECRETS},
}


class StackError(RuntimeError):
    """A part of the stack died or never became ready."""


def _port_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        try:
            s.bind((HOST, port))
        except OSError:
            return False
    return True


def free_port() -> int:
    """A TCP port nobody listens on right now (the OS picks it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


def free_port_range(count: int) -> int:
    """The first of `count` consecutive free ports (the sandbox takes them in a row)."""
    for _ in range(50):
        base = free_port()
        if base + count < 65000 and all(_port_free(base + i) for i in range(count)):
            return base
    raise StackError(f"found no {count} consecutive free ports on {HOST}")


@dataclass(frozen=True, slots=True)
class Sandbox:
    """Where each simulated system listens, by source name, and the province's config."""

    config: SourcesConfig
    urls: dict[str, str]

    def regency_url(self, kode_wilayah: str) -> str:
        """The base URL of the connected kab/kota `kode_wilayah`."""
        entry = next(r for r in self.config.connected if r.kode_wilayah == kode_wilayah)
        return self.urls[entry.source_name]


def sandbox_urls(config: SourcesConfig, base_port: int) -> dict[str, str]:
    """The sandbox's URLs: the national system first, then each connected kab/kota in the
    order of the sources file, on consecutive ports (as `penghubung sandbox` serves them)."""
    names = [NATIONAL_NAME, *(r.source_name for r in config.connected)]
    return {name: f"http://{HOST}:{base_port + i}" for i, name in enumerate(names)}


def write_sources_file(sandbox: Sandbox, path: Path) -> Path:
    """A sources file for the gateway and the worker naming the sandbox's real URLs."""
    lines = [f'[province]\nkode_wilayah = "{sandbox.config.province}"\n']
    lines.append(
        f'[national]\napi = "{sandbox.config.national.api}"\nurl = "{sandbox.urls[NATIONAL_NAME]}"\n'
        f'secret_env = "{SECRET_ENV["national"]}"\n'
    )
    for r in sandbox.config.regencies:
        if not r.connected:
            lines.append(f'[[regency]]\nkode_wilayah = "{r.kode_wilayah}"\nconnected = false\n')
            continue
        since = f"connected_since = {r.connected_since.isoformat()}\n" if r.connected_since else ""
        lines.append(
            f'[[regency]]\nkode_wilayah = "{r.kode_wilayah}"\ndialect = "{r.dialect}"\n'
            f'url = "{sandbox.urls[r.source_name]}"\nsecret_env = "{SECRET_ENV[r.dialect or ""]}"\n{since}'
        )
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def secrets_env(config: SourcesConfig) -> dict[str, str]:
    """The sandbox credentials under the variable names the sources file gives."""
    return {SECRET_ENV["national"]: NATIONAL_SECRETS[config.national.api]} | {
        SECRET_ENV[d]: secret for d, secret in SANDBOX_SECRETS.items()
    }


@dataclass
class Managed:
    """One long-running `penghubung` subprocess that may be killed and started again."""

    name: str
    argv: list[str]
    env: dict[str, str]
    workdir: Path
    process: asyncio.subprocess.Process | None = None
    starts: int = 0
    crashes: int = 0  # exits the bench did not cause (each followed by a start, as a supervisor would)
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)

    @property
    def log_path(self) -> Path:
        return self.workdir / f"{self.name}.log"

    @property
    def pid(self) -> int | None:
        return self.process.pid if self.process and self.process.returncode is None else None

    async def start(self) -> None:
        self.starts += 1
        with self.log_path.open("ab") as log:
            self.process = await asyncio.create_subprocess_exec(
                sys.executable, "-m", "gateway.cli", *self.argv,
                env=self.env, cwd=self.workdir, stdin=asyncio.subprocess.DEVNULL,
                stdout=log, stderr=asyncio.subprocess.STDOUT,
                # Its own session: Ctrl+C reaches only the bench, which stops it in order.
                start_new_session=True,
            )  # fmt: skip

    def log_tail(self, lines: int = 30) -> str:
        return log_tail(self.log_path, lines)

    def alive(self) -> bool:
        return self.process is not None and self.process.returncode is None

    async def kill(self) -> None:
        """SIGKILL: no shutdown, no cleanup, as a crash or an OOM kill."""
        if self.alive():
            assert self.process is not None
            with contextlib.suppress(ProcessLookupError):
                self.process.send_signal(signal.SIGKILL)
            await self.process.wait()

    async def stop(self) -> None:
        """SIGTERM, then SIGKILL if it lingers."""
        if not self.alive():
            return
        assert self.process is not None
        try:
            with contextlib.suppress(ProcessLookupError):
                self.process.send_signal(signal.SIGTERM)
            await asyncio.wait_for(self.process.wait(), STOP_TIMEOUT_S)
        except TimeoutError:
            await self.kill()

    def rss_mib(self) -> float | None:
        """Resident memory now (VmRSS), or None if the process is not running."""
        pid = self.pid
        if pid is None:
            return None
        try:
            status = Path(f"/proc/{pid}/status").read_text(encoding="ascii")
        except OSError:
            return None
        for line in status.splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024.0
        return None


@dataclass
class Stack:
    """The running stack: sandbox, gateway and worker processes, and how to reach them."""

    workdir: Path
    database_url: str
    redis_url: str
    sandbox: Sandbox
    gateway_port: int
    env: dict[str, str]
    sandbox_process: Managed
    gateway: Managed
    worker: Managed
    restarts: list[str] = field(default_factory=list)

    @property
    def base_url(self) -> str:
        return f"http://{HOST}:{self.gateway_port}"

    @property
    def graphql_url(self) -> str:
        return f"{self.base_url}/graphql"

    async def wait_gateway(self, limit: float = READY_TIMEOUT_S) -> None:
        """Poll /readyz until it answers 200."""
        await _wait_http(f"{self.base_url}/readyz", self.gateway, limit)

    async def restart_gateway(self) -> None:
        async with self.gateway.lock:
            await self.gateway.kill()
            await self.gateway.start()
        await self.wait_gateway()

    async def restart_worker(self) -> None:
        async with self.worker.lock:
            await self.worker.kill()
            await self.worker.start()

    async def supervise(self, stop: asyncio.Event, note: Callable[[str], None]) -> None:
        """Until `stop`: start the gateway or the worker again if it exited by itself (as
        systemd's Restart=always would), counting each such crash."""
        while not stop.is_set():
            for part in (self.gateway, self.worker):
                async with part.lock:
                    if part.alive() or stop.is_set():
                        continue
                    part.crashes += 1
                    note(
                        f"  {part.name} exited by itself (code {part.process.returncode if part.process else None}); starting it again"
                    )
                    await part.start()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), 1.0)

    async def stop(self) -> None:
        for part in (self.gateway, self.worker, self.sandbox_process):
            await part.stop()


async def _wait_http(url: str, process: Managed, limit: float) -> None:
    deadline = asyncio.get_running_loop().time() + limit
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=2)) as session:
        while asyncio.get_running_loop().time() < deadline:
            if not process.alive():
                raise StackError(f"{process.name} exited before it was ready; its output:\n{process.log_tail()}")
            try:
                async with session.get(url) as response:
                    if response.status == 200:
                        return
            except (aiohttp.ClientError, TimeoutError):
                pass  # not listening yet
            await asyncio.sleep(0.2)
    raise StackError(f"{process.name} was not ready within {limit:g} s; its output:\n{process.log_tail()}")


def stack_env(
    database_url: str,
    redis_url: str,
    sources: Path,
    workdir: Path,
    config: SourcesConfig,
) -> dict[str, str]:
    """The environment of the gateway and the worker (the bench's own PENGHUBUNG_ settings
    are dropped so that a developer's shell does not change the run)."""
    inherited = {k: v for k, v in os.environ.items() if not k.startswith(("PENGHUBUNG_", "DATABASE_URL"))}
    return (
        inherited
        | secrets_env(config)
        | {
            "DATABASE_URL": database_url,
            "PENGHUBUNG_MODE": "production",
            "PENGHUBUNG_SOURCES": str(sources),
            "PENGHUBUNG_SANDBOX": "0",
            "PENGHUBUNG_SYNC_IN_PROCESS": "0",
            "PENGHUBUNG_REDIS_URL": redis_url,
            # The bench signs its callers' tokens with its own development key.
            "PENGHUBUNG_TRUST_DEV_TOKENS": "1",
            "PENGHUBUNG_DEV_KEYS": str(workdir / "dev-keys"),
            "PYTHONPATH": str(REPOSITORY),
        }
    )


async def start_stack(workdir: Path, database_url: str, redis_url: str) -> Stack:
    """Start the sandbox, the worker and the gateway (in that order) and wait for each."""
    config = load_config(DEMO_CONFIG)
    base = free_port_range(1 + len(config.connected))
    sandbox = Sandbox(config, sandbox_urls(config, base))
    sources = write_sources_file(sandbox, workdir / "sources.toml")
    env = stack_env(database_url, redis_url, sources, workdir, config)
    sandbox_process = Managed("sandbox", ["sandbox", "--base-port", str(base)], env, workdir)
    port = free_port()
    gateway = Managed(
        "gateway",
        ["serve", "--host", HOST, "--port", str(port), "--log-level", "warning"],
        env,
        workdir,
    )
    worker = Managed("worker", ["worker", "--log-level", "warning"], env, workdir)
    stack = Stack(
        workdir,
        database_url,
        redis_url,
        sandbox,
        port,
        env,
        sandbox_process,
        gateway,
        worker,
    )
    try:
        await sandbox_process.start()
        for url in sandbox.urls.values():
            await _wait_http(f"{url}/_sandbox/faults", sandbox_process, READY_TIMEOUT_S)
        await worker.start()
        await gateway.start()
        await stack.wait_gateway()
    except BaseException:
        await stack.stop()
        raise
    return stack
