"""A province's sandbox: one simulator per source of a sources configuration.

The national simulator also holds the complaints of the kab/kota that are not connected
(they live only in LAPOR!); each connected kab/kota gets a simulator of its dialect,
seeded with complaints in its own region. Every simulator uses its dialect's default
sandbox credentials (`SANDBOX_SECRETS`).
"""

from __future__ import annotations

from connectors.config import SourcesConfig
from connectors.dialects import BY_NAME, DIALECTS
from connectors.registry import NATIONAL_NAME, Endpoint
from connectors.sandbox import lapor_national
from connectors.sandbox.base import Simulator
from connectors.sandbox.lapor_national import LaporNational

# Each dialect's default sandbox credential, by dialect name.
SANDBOX_SECRETS = {d.name: d.simulator_class().secret for d in DIALECTS}
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
        if entry.dialect is None:
            continue  # its own mapping: the sandbox simulates the bundled dialects only
        simulator = BY_NAME[entry.dialect].simulator_class()
        sims[entry.source_name] = simulator.for_regency(entry.kode_wilayah, seed_count=seed_count, index=index)
    for sim in sims.values():
        sim.received.keep = keep_received
    return sims


def sandbox_endpoints(config: SourcesConfig, urls: dict[str, str]) -> dict[str, Endpoint]:
    """Endpoints for the served simulators (`urls` by source name), with sandbox secrets."""
    secrets = {NATIONAL_NAME: NATIONAL_SECRETS[config.national.api]}
    secrets.update({e.source_name: SANDBOX_SECRETS[e.dialect] for e in config.connected if e.dialect})
    return {name: Endpoint(url, secrets[name]) for name, url in urls.items()}
