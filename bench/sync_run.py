"""One database's sync benchmark, run by `bench.sync` in a child process; prints JSON.

1. Backfill: a `rest_json_v1` simulator seeded with N records; the engine pulls them all
   into the index (timed), then delivers everything that queued to the national simulator
   (timed): creates, and the statuses and follow-ups they were created without.
2. Lag: a fresh regency simulator; complaints are created in it at a steady rate while the
   engine runs as a worker does (pulling every 0.2 s); lag is the time from a complaint's
   creation in the regency to its arrival in the national system.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import time
from dataclasses import replace
from datetime import UTC, datetime

import aiohttp

from connectors.bundled import bundled_spec
from connectors.http import Policy, UpstreamClient
from connectors.loader import build_source
from connectors.sandbox.lapor_national import DEFAULT_API_KEY, LaporNational
from connectors.sandbox.province import SANDBOX_SECRETS
from connectors.sandbox.rest_json_v1 import RestJsonV1
from connectors.sandbox.runner import serve_all
from gateway.demo import demo_agencies, demo_categories
from gateway.domain.reference import load_regions, load_registry
from gateway.settings import SyncSettings
from gateway.store.database import close_store, migrate_database, open_store
from gateway.store.models import ComplaintSourceRow
from gateway.sync.engine import SyncEngine
from gateway.sync.topology import Topology

REGENCY = "16.01-ogan-komering-ulu"


def _engine(http: aiohttp.ClientSession, urls: dict[str, str]) -> SyncEngine:
    rest = replace(bundled_spec("rest_json_v1"), name=REGENCY, kode_wilayah="16.01")
    national = replace(bundled_spec("lapor_v3"), name="lapor", kode_wilayah="16")
    policy = Policy(max_connections=8)
    connectors = {
        "lapor": build_source(national, UpstreamClient("lapor", http, policy), urls["lapor"], secret=DEFAULT_API_KEY),
        REGENCY: build_source(
            rest, UpstreamClient(REGENCY, http, policy), urls[REGENCY], secret=SANDBOX_SECRETS["rest_json_v1"]
        ),
    }
    return SyncEngine(connectors, Topology("lapor", {"16.01": REGENCY}), settings=SyncSettings(pull_every=0.2))


async def _backfill(records: int) -> dict[str, float]:
    sims = {"lapor": LaporNational(seed_count=0), REGENCY: RestJsonV1(kode_wilayah="16.01", seed_count=records, seed=1)}
    async with serve_all(sims) as urls, aiohttp.ClientSession() as http:
        engine = _engine(http, urls)
        started = time.perf_counter()
        last = [0.0]

        def progress(result: object) -> None:
            now = time.perf_counter()
            if now - last[0] > 2:
                last[0] = now
                n = result.records  # type: ignore[attr-defined]
                print(f"  pulled {n}/{records} ({n / (now - started):.0f}/s)", file=sys.stderr, flush=True)

        pulled = await engine.pull(REGENCY, full=True, progress=progress)
        ingest = time.perf_counter() - started
        assert pulled.error is None and pulled.outcomes.get("created") == records, pulled
        delivered_started = time.perf_counter()
        deliveries = await engine.drain(rounds=10**6)
        deliver = time.perf_counter() - delivered_started
        national = sum(1 for r in sims["lapor"].laporan.values() if r.get("external_ref"))  # type: ignore[attr-defined]
        assert national == records, f"{national} of {records} reached the national simulator"
    return {
        "ingest_per_s": records / ingest,
        "deliveries_per_s": deliveries / deliver,
        "end_to_end_per_s": records / (ingest + deliver),
        "deliveries": deliveries,
    }


async def _lag(rate: float, duration: float) -> dict[str, float]:
    sims = {"lapor": LaporNational(seed_count=0), REGENCY: RestJsonV1(kode_wilayah="16.01", seed_count=0, seed=2)}
    created: dict[str, datetime] = {}
    async with serve_all(sims) as urls, aiohttp.ClientSession() as http:
        engine = _engine(http, urls)
        stop = asyncio.Event()
        runner = asyncio.create_task(engine.run(stop=stop, idle_sleep=0.05))
        headers = {"Authorization": f"Bearer {SANDBOX_SECRETS['rest_json_v1']}"}
        count = int(rate * duration)
        start = time.perf_counter()
        for n in range(count):
            await asyncio.sleep(max(0.0, start + n / rate - time.perf_counter()))
            async with http.post(
                f"{urls[REGENCY]}/api/reports",
                json={"title": f"Lampu padam {n}", "description": f"Lampu jalan padam, laporan {n}."},
                headers=headers,
            ) as r:
                created[(await r.json())["id"]] = datetime.now(UTC)
        deadline = time.perf_counter() + 60
        national = sims["lapor"]
        while time.perf_counter() < deadline:
            arrived = sum(1 for r in national.laporan.values() if r.get("external_ref"))  # type: ignore[attr-defined]
            if arrived >= count:
                break
            await asyncio.sleep(0.2)
        stop.set()
        await runner
        links = {
            str(c): s
            for c, s in await ComplaintSourceRow.filter(system=REGENCY).values_list("complaint_id", "source_id")
        }
        lags = []
        for record in national.laporan.values():  # type: ignore[attr-defined]
            sid = links.get(record.get("external_ref") or "")
            if sid in created:
                arrived_at = datetime.fromisoformat(record["created_at"].replace("Z", "+00:00"))
                lags.append((arrived_at - created[sid]).total_seconds())
    lags.sort()
    return {
        "lag_p50": statistics.median(lags),
        "lag_p99": lags[min(len(lags) - 1, int(len(lags) * 0.99))],
        "lag_count": len(lags),
    }


async def main_async(args: argparse.Namespace) -> dict[str, float]:
    await migrate_database(args.database_url)
    await open_store(args.database_url)
    try:
        await load_regions()
        await load_registry(demo_agencies(), demo_categories())
        print(f"  backfill of {args.records} records ...", file=sys.stderr, flush=True)
        result = await _backfill(args.records)
        print(f"  lag at {args.rate}/s for {args.duration} s ...", file=sys.stderr, flush=True)
        result |= await _lag(args.rate, args.duration)
    finally:
        await close_store()
    return result


def main() -> None:
    """Run one database's benchmark and print the result as one JSON line."""
    parser = argparse.ArgumentParser(prog="python -m bench.sync_run")
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--records", type=int, required=True)
    parser.add_argument("--rate", type=float, required=True)
    parser.add_argument("--duration", type=float, required=True)
    print(json.dumps(asyncio.run(main_async(parser.parse_args()))))


if __name__ == "__main__":
    main()
