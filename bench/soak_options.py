"""The soak bench's command line (`python -m bench.soak --help`)."""

from __future__ import annotations

import argparse
from pathlib import Path

from bench.arguments import positive
from bench.databases import DEFAULT_POSTGRES_ADMIN_URL

DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/13"
# Muara Enim, rest_json_v1: a system with a list to read, so its writes can be verified.
DEFAULT_REGENCY = "16.03"


def build_parser(description: str) -> argparse.ArgumentParser:
    """The parser; `description` is the bench's own docstring."""
    p = argparse.ArgumentParser(
        prog="python -m bench.soak",
        description=description,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument(
        "--duration",
        type=positive(float),
        default=180.0,
        help="seconds of the main phase, faults included (default 180; 120 to 1800+)",
    )
    p.add_argument(
        "--load",
        type=positive(float),
        default=0.6,
        help="main-phase rate as a share of the measured capacity (default 0.6)",
    )
    p.add_argument(
        "--rate",
        type=positive(float),
        default=None,
        help="main-phase rate in req/s (default: --load x capacity)",
    )
    p.add_argument(
        "--capacity",
        type=positive(float),
        default=None,
        help="capacity in req/s: skip the step test and take this as capacity and peak",
    )
    p.add_argument(
        "--step-start",
        type=positive(float),
        default=10.0,
        help="first step of the step test (req/s, 10)",
    )
    p.add_argument(
        "--step-factor",
        type=positive(float),
        default=1.5,
        help="each step's rate over the last (1.5)",
    )
    p.add_argument(
        "--step-max",
        type=positive(float),
        default=240.0,
        help="highest step (req/s, 240)",
    )
    p.add_argument("--step-seconds", type=positive(float), default=8.0, help="seconds per step (8)")
    p.add_argument(
        "--overload-seconds",
        type=positive(float),
        default=30.0,
        help="seconds of the phase at twice capacity (30)",
    )
    p.add_argument(
        "--fault-grace",
        type=positive(float),
        default=10.0,
        help="seconds after a fault ends during which its failures are still explained (10)",
    )
    p.add_argument(
        "--regency",
        default=DEFAULT_REGENCY,
        help=f"the kab/kota whose system fails, then hangs (default {DEFAULT_REGENCY})",
    )
    p.add_argument(
        "--rss-warmup",
        type=positive(float),
        default=30.0,
        help="seconds after each worker start left out of the memory slope (30)",
    )
    p.add_argument(
        "--settle",
        type=positive(float),
        default=300.0,
        help="longest wait for the outbox to drain before verifying (300 s)",
    )
    p.add_argument(
        "--drain",
        type=positive(float),
        default=15.0,
        help="wait for answers still out after each phase (15 s)",
    )
    p.add_argument(
        "--postgres-admin-url",
        default=DEFAULT_POSTGRES_ADMIN_URL,
        help="where the bench database is created and dropped",
    )
    p.add_argument(
        "--redis-url",
        default=DEFAULT_REDIS_URL,
        help=f"the Redis the gateway and worker share (default {DEFAULT_REDIS_URL})",
    )
    p.add_argument("--report-only", action="store_true", help="exit 0 even when a goal is missed")
    p.add_argument(
        "--keep-logs",
        type=Path,
        default=None,
        help="copy the gateway, worker and sandbox logs into this directory",
    )
    return p
