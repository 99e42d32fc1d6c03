"""Sync benchmark: backfill a regency's history into the index and on to the national
system (records/s), and the lag from creation in a regency to visibility in the national
system at a steady rate (p50, p99); SQLite and PostgreSQL side by side.

    .venv/bin/python -m bench.sync                          # 100,000 records, 20/s for 30 s
    .venv/bin/python -m bench.sync --records 10000 --databases sqlite

Each database runs in its own child process (Tortoise cannot switch dialects within one
process); the simulators run inside that process on loopback, as in the sandbox.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import subprocess
import sys
import tempfile
from pathlib import Path

from bench.databases import DEFAULT_POSTGRES_ADMIN_URL, KINDS, fresh_database


def _table(results: dict[str, dict[str, float]]) -> str:
    rows = [
        ("backfill: records pulled into the index per s", "ingest_per_s"),
        ("backfill: deliveries to the national system per s", "deliveries_per_s"),
        ("backfill: end to end, records per s", "end_to_end_per_s"),
        ("lag regency -> national, p50 (s)", "lag_p50"),
        ("lag regency -> national, p99 (s)", "lag_p99"),
        ("lag: complaints measured", "lag_count"),
    ]
    kinds = list(results)
    head = f"{'metric':52}" + "".join(f"{k:>12}" for k in kinds)
    if len(kinds) == 2:
        head += f"{kinds[1] + '/' + kinds[0]:>18}"
    lines = [head]
    for label, key in rows:
        values = [results[k].get(key, float("nan")) for k in kinds]
        line = f"{label:52}" + "".join(f"{v:12.2f}" for v in values)
        if len(kinds) == 2 and values[0]:
            line += f"{values[1] / values[0]:18.2f}"
        lines.append(line)
    return "\n".join(lines)


async def _run(kind: str, args: argparse.Namespace, tmp: Path) -> dict[str, float]:
    async with fresh_database(kind, tmp_dir=tmp, postgres_admin_url=args.postgres_admin_url) as url:
        out = subprocess.run(
            [
                sys.executable,
                "-m",
                "bench.sync_run",
                "--database-url",
                url,
                "--records",
                str(args.records),
                "--rate",
                str(args.rate),
                "--duration",
                str(args.duration),
            ],
            capture_output=True,
            text=True,
            check=False,
        )
        sys.stderr.write(out.stderr)
        if out.returncode != 0:
            raise SystemExit(f"{kind}: the benchmark run failed (exit {out.returncode})")
        return json.loads(out.stdout.strip().splitlines()[-1])


async def main_async(args: argparse.Namespace) -> int:
    results = {}
    with tempfile.TemporaryDirectory(prefix="penghubung-bench-sync-") as tmp:
        for kind in args.databases:
            print(f"[{kind}] running ...", file=sys.stderr, flush=True)
            results[kind] = await _run(kind, args, Path(tmp))
    print(f"sync benchmark: backfill of {args.records} records; lag at {args.rate}/s for {args.duration} s")
    print(_table(results))
    return 0


def main(argv: list[str] | None = None) -> int:
    """Parse the options and run."""
    parser = argparse.ArgumentParser(
        prog="python -m bench.sync", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--records", type=int, default=100_000, help="records to backfill (default 100000)")
    parser.add_argument("--rate", type=float, default=20.0, help="complaints per second for the lag run (default 20)")
    parser.add_argument("--duration", type=float, default=30.0, help="seconds of the lag run (default 30)")
    parser.add_argument(
        "--databases", type=lambda v: v.split(","), default=list(KINDS), help="sqlite,postgres (default both)"
    )
    parser.add_argument("--postgres-admin-url", default=DEFAULT_POSTGRES_ADMIN_URL)
    args = parser.parse_args(argv)
    try:
        return asyncio.run(main_async(args))
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
