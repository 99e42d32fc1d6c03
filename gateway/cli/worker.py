"""`penghubung worker`: run the background jobs (gateway.worker) in this process."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from gateway.cli.common import add_log_level, fail, lacks_migrations, pending_migrations

if TYPE_CHECKING:
    from gateway.settings import GatewaySettings


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register `worker`."""
    worker = sub.add_parser(
        "worker", help="run background jobs: sync (with a sources file) and auto-close after the reply window"
    )
    worker.add_argument("--once", action="store_true", help="run each job once and exit")
    worker.add_argument("--interval", type=float, default=60.0, help="seconds between runs (default 60)")
    add_log_level(worker)
    worker.set_defaults(run=run)


def run(args: argparse.Namespace, settings: GatewaySettings) -> int:
    """Refuse a database without the migrations, else run the jobs until interrupted."""
    import asyncio

    from connectors.spec_errors import SpecError
    from gateway.settings import SettingsError
    from gateway.worker.run import run_worker

    if pending := asyncio.run(pending_migrations(settings)):
        return fail(
            f"{lacks_migrations(settings, pending)}. Is it the right one? The worker uses DATABASE_URL "
            "(default ./penghubung.sqlite3; the demo's is ./penghubung-demo.sqlite3, "
            "used with PENGHUBUNG_MODE=demo); a new database needs `penghubung migrate`."
        )
    try:
        asyncio.run(run_worker(settings, once=args.once, interval=args.interval))
    except (SettingsError, SpecError) as exc:
        return fail(str(exc))
    except KeyboardInterrupt:
        return 0
    return 0
