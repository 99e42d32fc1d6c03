"""Which systems the sync engine connects, from the sources configuration alone.

Known without touching the network, so the web process can enqueue deliveries in the
same transaction as a change, and workers know where complaints belong: the national
system, and for each connected kab/kota its own system. It also knows, from each mapping,
what a system can take at all, so that nothing is queued that could never be sent; what a
system is never sent is logged once per process (again only when it changes), and listed by
`penghubung sync status` and GraphQL `syncStatus` (`statuses_not_sent`).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from connectors.accepts import EVERYTHING, Accepts, accepts_of
from connectors.config import SourcesConfig, load_config
from connectors.dialects import MAPPINGS_DIR
from connectors.registry import NATIONAL_NAME
from connectors.spec import load_spec
from schema.canonical import Status
from schema.regions import regency_of

log = logging.getLogger(__name__)

# What was last told of each system in this process (None: nothing it is never sent).
_TOLD: dict[str, str | None] = {}


# The XML addstream (the legacy national API, and the push-only dialect without a mapping)
# takes new reports only: no status changes, no follow-ups (connectors/lapor/addstream.py).
CREATES_ONLY = Accepts(frozenset({"create"}))


@dataclass(frozen=True, slots=True)
class Topology:
    """The national system's name and the connected kab/kota's sources by kode wilayah."""

    national: str = NATIONAL_NAME
    regencies: Mapping[str, str] = field(default_factory=dict)  # kode kab/kota -> source name
    # What each system can take, from its mapping (a system not listed takes everything).
    accepts: Mapping[str, Accepts] = field(default_factory=dict)

    @classmethod
    def of(cls, config: SourcesConfig) -> Topology:
        accepts = {r.source_name: accepts_of(r.spec()) if r.mapped else CREATES_ONLY for r in config.connected}
        if config.national.api == "legacy":
            accepts[NATIONAL_NAME] = CREATES_ONLY
        else:
            accepts[NATIONAL_NAME] = accepts_of(load_spec((MAPPINGS_DIR / "lapor_v3.toml").read_text(encoding="utf-8")))
        built = cls(NATIONAL_NAME, {r.kode_wilayah: r.source_name for r in config.connected}, accepts)
        built._tell_not_sent()
        return built

    def _tell_not_sent(self) -> None:
        """One line per system that is never sent something: an operator starting the
        gateway sees it before wondering why a status never reached a system. The topology
        is built again whenever the sources are re-read (every pull round of a worker), so
        each line is told once per process, and again only when what it says changed."""
        for system in [self.national, *sorted(self.regencies.values())]:
            kinds = [k for k in ("create", "status", "follow_up") if not self.takes(system, k)]
            statuses = self.statuses_not_sent(system)
            # Follow-ups without a from_reporter key would carry a reply as an OPD's answer.
            replies = "follow_up" not in kinds and not self.takes(system, "reply")
            message = None
            if kinds or statuses or replies:
                message = (
                    f"{system} is never sent: "
                    + "; ".join(
                        ([f"{', '.join(kinds)} writes"] if kinds else [])
                        + ([f"statuses {', '.join(statuses)}"] if statuses and "status" not in kinds else [])
                        + (["reporter replies (its follow_up body sends no from_reporter)"] if replies else [])
                    )
                    + " (its mapping has no such write or word; such changes stay in the gateway)"
                )
            if _TOLD.get(system) != message:
                _TOLD[system] = message
                if message is not None:
                    log.info("%s", message)

    def statuses_not_sent(self, system: str) -> list[str]:
        """The statuses `system` is never sent (all of them if it takes no status changes),
        in the order of the lifecycle."""
        # SUBMITTED is never sent anywhere (no complaint moves back to it): not a gap.
        return [s.value for s in Status if s is not Status.SUBMITTED and not self.takes(system, "status", s.value)]

    def takes(self, system: str, kind: str, status: str | None = None) -> bool:
        """Whether `system` can take a delivery of `kind` (for a status, of `status`); a
        delivery it cannot take is never queued (it could only end as a dead letter)."""
        return self.accepts.get(system, EVERYTHING).takes(kind, status)

    @property
    def systems(self) -> frozenset[str]:
        """Every system name the engine delivers to."""
        return frozenset({self.national, *self.regencies.values()})

    def regency_system(self, kode_wilayah: str | None) -> str | None:
        """The connected system of the kab/kota a region lies in, if any."""
        regency = regency_of(kode_wilayah) if kode_wilayah else None
        return self.regencies.get(regency) if regency else None

    def is_regency(self, system: str) -> bool:
        """Whether a system is a kab/kota's own."""
        return system in self.regencies.values()


def load_topology(sources_file: Path | None) -> Topology | None:
    """The topology of a sources file (None without one); raises SpecError."""
    if sources_file is None:
        return None
    return Topology.of(load_config(sources_file))
