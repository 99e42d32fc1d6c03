"""A province's sandbox: one simulator per source of a sources configuration.

The national simulator also holds the complaints of the kab/kota that are not connected
(they live only in LAPOR!); each connected kab/kota gets a simulator of its dialect,
seeded with complaints in its own region. Every simulator uses its dialect's default
sandbox credentials (`SANDBOX_SECRETS`).
"""

from __future__ import annotations

from connectors.config import SourcesConfig
from connectors.registry import NATIONAL_NAME, Endpoint
from connectors.sandbox import lapor_national, legacy_sql, rest_json_v1, wa_bot_mongo, xml_stream
from connectors.sandbox.base import Simulator
from connectors.sandbox.lapor_national import LaporNational
from connectors.sandbox.legacy_sql import LegacySql
from connectors.sandbox.rest_json_v1 import RestJsonV1
from connectors.sandbox.wa_bot_mongo import WaBotMongo
from connectors.sandbox.xml_stream import XmlStream

SANDBOX_SECRETS = {
    "rest_json_v1": rest_json_v1.DEFAULT_TOKEN,
    "wa_bot_mongo": wa_bot_mongo.DEFAULT_API_KEY,
    "legacy_sql": legacy_sql.DEFAULT_KEY,
    "xml_stream": xml_stream.DEFAULT_TOKEN,
}
NATIONAL_SECRETS = {"v3": lapor_national.DEFAULT_API_KEY, "legacy": lapor_national.DEFAULT_XML_TOKEN}


# The requests a long-running sandbox remembers per simulator (`GET /_sandbox/received`):
# enough to look at what just happened, bounded so hours of pulls do not grow its memory.
LONG_RUN_RECEIVED = 200


def province_simulators(
    config: SourcesConfig, *, seed_count: int = 12, keep_received: int | None = None
) -> dict[str, Simulator]:
    """Simulators by source name, the national one first; each remembers the latest
    `keep_received` requests it received (None: all, as tests that check every request
    of a run need)."""
    absent = [r.kode_wilayah for r in config.regencies if not r.connected]
    sims: dict[str, Simulator] = {
        NATIONAL_NAME: LaporNational(
            kode_wilayah=absent[0] if absent else config.regencies[0].kode_wilayah,
            extra_regions=tuple(absent[1:]),
            seed_count=seed_count,
        )
    }
    for index, entry in enumerate(config.connected, start=1):
        code = entry.kode_wilayah
        if entry.dialect == "rest_json_v1":
            sim: Simulator = RestJsonV1(kode_wilayah=code, seed_count=seed_count, seed=index)
        elif entry.dialect == "wa_bot_mongo":
            sim = WaBotMongo(kode_wilayah=code, seed_count=seed_count, seed=index)
        elif entry.dialect == "legacy_sql":
            sim = LegacySql(kode_wilayah=code, seed_count=seed_count, seed=index)
        else:
            sim = XmlStream(first_tracking_id=2_000_001 + index * 100_000, seed=index)
        sims[entry.source_name] = sim
    for sim in sims.values():
        sim.received.keep = keep_received
    return sims


def sandbox_endpoints(config: SourcesConfig, urls: dict[str, str]) -> dict[str, Endpoint]:
    """Endpoints for the served simulators (`urls` by source name), with sandbox secrets."""
    secrets = {NATIONAL_NAME: NATIONAL_SECRETS[config.national.api]}
    secrets.update({e.source_name: SANDBOX_SECRETS[e.dialect] for e in config.connected if e.dialect})
    return {name: Endpoint(url, secrets[name]) for name, url in urls.items()}
