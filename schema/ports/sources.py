"""The sources port: the systems the gateway connects, as plain values."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Protocol


@dataclass(frozen=True, slots=True)
class SourceInfo:
    """One source as the gateway knows it (plain values; no connector objects)."""

    name: str
    kode_wilayah: str
    region_name: str
    connected: bool
    kind: str  # a dialect, "custom mapping", or the national API in use
    capabilities: tuple[str, ...] = ()
    connected_since: date | None = None
    provisional: bool = False


class SourcesReader(Protocol):
    """The port the gateway fills from its sources configuration."""

    @property
    def province(self) -> str:
        """The province code the configuration covers."""
        ...

    @property
    def connectors(self) -> Mapping[str, object]:
        """The live connectors by source name (which systems a record's id may name)."""
        ...

    def national(self) -> SourceInfo:
        """The national system."""
        ...

    def regencies(self) -> Sequence[SourceInfo]:
        """Every kab/kota of the province, connected or not, by kode wilayah."""
        ...
