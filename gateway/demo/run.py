"""`penghubung demo`: prepare the demo database in the current directory and say how to use it."""

from __future__ import annotations

import time
from datetime import UTC, datetime

from gateway.reference import load_registry, upgrade_database
from gateway.settings import GatewaySettings, redacted
from gateway.store.database import store
from gateway.store.models import ComplaintRow
from gateway.store.writer import insert_complaints


async def prepare_demo(settings: GatewaySettings, *, complaints: int) -> None:
    """Migrate the demo database and, if it holds no complaints yet, seed it."""
    from gateway.demo import demo_agencies, demo_categories, demo_complaints

    await upgrade_database(settings.database_url)
    async with store(settings.database_url):
        await load_registry(demo_agencies(), demo_categories())
        existing = await ComplaintRow.all().count()
        if existing:
            print(f"demo database {redacted(settings.database_url)}: {existing} complaints")
            return
        started = time.perf_counter()
        print(f"seeding {complaints} Sumatera Selatan complaints ...", flush=True)
        inserted = await insert_complaints(
            demo_complaints(complaints, now=datetime.now(UTC))
        )
        print(
            f"seeded {inserted} complaints into {redacted(settings.database_url)} "
            f"in {time.perf_counter() - started:.1f} s"
        )


def print_welcome(host: str, port: int) -> None:
    """Tell the user where the gateway is and how to ask it something."""
    shown = "127.0.0.1" if host in ("0.0.0.0", "::") else host
    base = f"http://{shown}:{port}"
    query = '{ complaints(first: 3, filter: {kodeWilayah: \\"16.05\\"}) { totalCount edges { node { trackingId title status createdAt } } } }'
    print(
        f"""
Penghubung demo gateway
  GraphiQL (in your browser):  {base}/graphql
  Health:                      {base}/healthz  {base}/readyz

Example query, from a terminal:
  curl -s {base}/graphql -H 'content-type: application/json' \\
    -d '{{"query": "{query}"}}'

Press Ctrl+C to stop. The demo database stays in the current directory.
""",
        flush=True,
    )
