"""The regency dialects the product ships: one list, and every place that names a dialect
reads it (the sources file's check, the connector registry, the sync topology, the sandbox).

A dialect is a bundled mapping (`connectors/mappings/<name>.toml`) or, for a push-only
system without one, a connector of its own; and a simulator for the sandbox. Adding a
dialect is a mapping file, a simulator module and one entry here.

Connectors and simulators are imported only when one is built: parsing a sources file
(the CLI, the settings) must not load the HTTP client or the sandbox servers.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from connectors.http import UpstreamClient
    from connectors.protocol import Connector
    from connectors.sandbox.base import Simulator
    from connectors.spec_types import SourceSpec

__all__ = ["BY_NAME", "DIALECTS", "MAPPINGS_DIR", "NAMES", "Dialect", "dialect"]

MAPPINGS_DIR = Path(__file__).parent / "mappings"

# How a connector is made: (source name, its mapping or None, client, base URL, secret).
Builder = Callable[[str, "SourceSpec | None", "UpstreamClient", str, "str | None"], "Connector"]


def from_mapping(name: str, spec: SourceSpec | None, client: UpstreamClient, url: str, secret: str | None) -> Connector:
    """The declarative HttpSource of a mapping (or the subclass its `[source] python` names)."""
    from connectors.loader import build_source

    if spec is None:
        raise ValueError(f"{name}: a mapped dialect needs its mapping")
    return build_source(spec, client, url, secret=secret)


def addstream(name: str, spec: SourceSpec | None, client: UpstreamClient, url: str, secret: str | None) -> Connector:
    """A push-only system taking LAPOR!-legacy XML: creates only, no mapping."""
    from connectors.lapor import AddstreamConnector

    return AddstreamConnector(name, client, url, token=secret or "")


@dataclass(frozen=True, slots=True)
class Dialect:
    """One bundled kind of regency system."""

    name: str  # what a sources file says: dialect = "rest_json_v1"
    label: str  # what kind of system it is, for people
    simulator: str  # "module:Class" of its sandbox simulator
    mapped: bool = True  # False: no mapping file (push-only; `build` makes the connector)
    build: Builder = from_mapping

    @property
    def mapping(self) -> Path | None:
        """Its bundled mapping file; None for a dialect without one."""
        return MAPPINGS_DIR / f"{self.name}.toml" if self.mapped else None

    def simulator_class(self) -> type[Simulator]:
        """The sandbox simulator of this dialect (imported now)."""
        module, _, cls = self.simulator.partition(":")
        found: type[Simulator] = getattr(importlib.import_module(module), cls)
        return found


DIALECTS: tuple[Dialect, ...] = (
    Dialect(
        "rest_json_v1",
        "REST/JSON app with a bearer token (Next.js/Prisma, like e-Lapor Kab. Kupang)",
        "connectors.sandbox.rest_json_v1:RestJsonV1",
    ),
    Dialect(
        "wa_bot_mongo",
        "WhatsApp-bot intake, REST/JSON with an API key (Express/MongoDB, like LaporAA)",
        "connectors.sandbox.wa_bot_mongo:WaBotMongo",
    ),
    Dialect(
        "legacy_sql",
        "PHP/MySQL pengaduan_db exported as Latin-1 CSV over HTTP",
        "connectors.sandbox.legacy_sql:LegacySql",
    ),
    Dialect(
        "xml_stream",
        "push-only LAPOR!-legacy XML addstream (takes new reports only)",
        "connectors.sandbox.xml_stream:XmlStream",
        mapped=False,
        build=addstream,
    ),
)
BY_NAME: Mapping[str, Dialect] = {d.name: d for d in DIALECTS}
NAMES: tuple[str, ...] = tuple(BY_NAME)


def dialect(name: str) -> Dialect:
    """The dialect called `name`; KeyError names the ones there are."""
    try:
        return BY_NAME[name]
    except KeyError:
        raise KeyError(f"no dialect {name!r}; expected one of {', '.join(NAMES)}") from None
