"""Loads the demo dataset into a benchmark database, in a child process of its own."""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from gateway.demo import demo_agencies, demo_categories, demo_complaints
from gateway.domain.reference import load_regions, load_registry
from gateway.store.database import migrate_database, store
from gateway.store.models import ComplaintRow
from gateway.store.writer import insert_complaints

# The child runs `python -m bench.seed --complaints N --sample K` with DATABASE_URL set:
# it migrates, loads regions, the Sumatera Selatan registry and N demo complaints, times
# the complaint load, and prints one JSON line with the result and K public tracking IDs.
# Why a child process: Tortoise caches each table's INSERT statement by connection name,
# not by SQL dialect, so one process cannot load SQLite and then PostgreSQL (the same
# reason tests/conftest.py runs the two databases as separate pytest runs).

REPOSITORY = Path(__file__).resolve().parent.parent
SAMPLE_SEED = 2026


class SeedError(RuntimeError):
    """Loading the benchmark database failed."""


@dataclass(frozen=True, slots=True)
class SeedResult:
    """What the load did: how many complaints, how long, and IDs to look up later."""

    complaints: int
    seconds: float
    tracking_ids: list[str]

    @property
    def rate(self) -> float:
        """Complaints loaded per second."""
        return self.complaints / self.seconds if self.seconds > 0 else 0.0


async def _seed(database_url: str, complaints: int, sample: int) -> SeedResult:
    await migrate_database(database_url)
    async with store(database_url):
        await load_regions()
        await load_registry(demo_agencies(), demo_categories())
        started = time.perf_counter()
        # The timed span includes generating the demo complaints: the generator feeds
        # the batches as they are written.
        inserted = await insert_complaints(demo_complaints(complaints, now=datetime.now(UTC)))
        seconds = time.perf_counter() - started
        # Secret complaints are invisible to the public scope the benchmark queries as.
        public = await ComplaintRow.filter(is_secret=False).values_list("tracking_id", flat=True)
    rng = random.Random(SAMPLE_SEED)
    picked = rng.sample(sorted(public), min(sample, len(public)))
    return SeedResult(complaints=inserted, seconds=seconds, tracking_ids=picked)


def main(argv: Sequence[str] | None = None) -> int:
    """Child entry point: seed $DATABASE_URL and print the result as one JSON line."""
    parser = argparse.ArgumentParser(prog="python -m bench.seed", description=__doc__)
    parser.add_argument("--complaints", type=int, required=True)
    parser.add_argument("--sample", type=int, default=500)
    args = parser.parse_args(argv)
    result = asyncio.run(_seed(os.environ["DATABASE_URL"], args.complaints, args.sample))
    print(
        json.dumps(
            {
                "complaints": result.complaints,
                "seconds": result.seconds,
                "tracking_ids": result.tracking_ids,
            }
        )
    )
    return 0


async def seed_database(database_url: str, *, complaints: int, sample: int = 500) -> SeedResult:
    """Run the loader in a child process against `database_url` and return its result."""
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bench.seed",
        "--complaints", str(complaints), "--sample", str(sample),
        # The URL goes through the environment, as for the gateway, so a password never
        # shows up in `ps`.
        env={**os.environ, "DATABASE_URL": database_url},
        cwd=REPOSITORY,  # `bench` is not installed; it is found from the repository root
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        start_new_session=True,  # Ctrl+C reaches only the parent, which ends the child
    )  # fmt: skip
    try:
        out, err = await process.communicate()
    finally:
        if process.returncode is None:  # interrupted: do not leave a loader running
            process.kill()
            await process.wait()
    if process.returncode != 0:
        tail = "\n".join(err.decode(errors="replace").splitlines()[-30:])
        raise SeedError(f"loading the database failed (exit {process.returncode}):\n{tail}")
    answer = json.loads(out.decode().splitlines()[-1])
    return SeedResult(
        complaints=answer["complaints"],
        seconds=answer["seconds"],
        tracking_ids=answer["tracking_ids"],
    )


if __name__ == "__main__":
    sys.exit(main())
