"""Simulators of LAPOR! and the four regency dialects, served by aiohttp on loopback.

Used by tests, the demo and benchmarks. Each simulator keeps its own records, ids, status
words and quirks (docs/domain.md §3, §4.5) and shares the fault switches of `Faults`:

    sims = default_simulators()
    async with serve_all(sims) as urls:
        sims["rest_json_v1"].faults.set(error_rate=0.3, seed=7)
        ...  # talk to urls["rest_json_v1"]

`python -m connectors.sandbox` runs all five on fixed ports.
"""

from __future__ import annotations

from connectors.sandbox.base import Simulator
from connectors.sandbox.faults import Faults
from connectors.sandbox.lapor_national import LaporNational
from connectors.sandbox.legacy_sql import LegacySql
from connectors.sandbox.received import Received, ReceivedLog
from connectors.sandbox.rest_json_v1 import RestJsonV1
from connectors.sandbox.runner import (
    SIMULATOR_ORDER,
    default_simulators,
    serve,
    serve_all,
)
from connectors.sandbox.seed import SeedRecord, seed_records
from connectors.sandbox.wa_bot_mongo import WaBotMongo
from connectors.sandbox.xml_stream import XmlStream

__all__ = [
    "SIMULATOR_ORDER",
    "Faults",
    "LaporNational",
    "LegacySql",
    "Received",
    "ReceivedLog",
    "RestJsonV1",
    "SeedRecord",
    "Simulator",
    "WaBotMongo",
    "XmlStream",
    "default_simulators",
    "seed_records",
    "serve",
    "serve_all",
]
