"""Live connectors for a sources configuration: one per connected kab/kota, and the national one.

Each source gets its own UpstreamClient (its own connection cap, deadlines and circuit
breaker) on the shared aiohttp session, so one slow regency cannot starve the rest.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace

import aiohttp

from connectors.config import NationalEntry, RegencyEntry, SourcesConfig
from connectors.dialects import BY_NAME, MAPPINGS_DIR, from_mapping
from connectors.http import Policy, UpstreamClient
from connectors.lapor import AddstreamConnector
from connectors.loader import build_source
from connectors.protocol import Connector
from connectors.spec import load_spec

NATIONAL_NAME = "lapor"
DEFAULT_POLICY = Policy()


@dataclass(frozen=True, slots=True)
class Endpoint:
    """Where a source is and the secret it takes (resolved by the caller, never logged)."""

    url: str
    secret: str | None


def national_connector(entry: NationalEntry, province: str, client: UpstreamClient, endpoint: Endpoint) -> Connector:
    """The national system: the provisional v3 JSON API, or the legacy XML addstream."""
    if entry.api == "legacy":
        return AddstreamConnector(NATIONAL_NAME, client, endpoint.url, token=endpoint.secret or "")
    spec = load_spec((MAPPINGS_DIR / "lapor_v3.toml").read_text(encoding="utf-8"))
    return build_source(
        replace(spec, name=NATIONAL_NAME, kode_wilayah=province), client, endpoint.url, secret=endpoint.secret
    )


def regency_connector(entry: RegencyEntry, client: UpstreamClient, endpoint: Endpoint) -> Connector:
    """One connected kab/kota's system, in its dialect or its own mapping."""
    build = BY_NAME[entry.dialect].build if entry.dialect else from_mapping
    spec = entry.spec() if entry.mapped else None
    return build(entry.source_name, spec, client, endpoint.url, endpoint.secret)


def build_connectors(
    config: SourcesConfig,
    session: aiohttp.ClientSession,
    endpoints: Mapping[str, Endpoint],
    *,
    policy: Policy = DEFAULT_POLICY,
    national_policy: Policy | None = None,
) -> dict[str, Connector]:
    """Connectors by source name ("lapor" first); `endpoints` holds one per source name.
    The national system calls under `national_policy` when given (it takes every kab/kota's
    traffic), the kab/kota systems under `policy`."""
    connectors: dict[str, Connector] = {
        NATIONAL_NAME: national_connector(
            config.national,
            config.province,
            UpstreamClient(NATIONAL_NAME, session, national_policy or policy),
            endpoints[NATIONAL_NAME],
        )
    }
    for entry in config.connected:
        name = entry.source_name
        connectors[name] = regency_connector(entry, UpstreamClient(name, session, policy), endpoints[name])
    return connectors
