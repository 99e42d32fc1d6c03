"""`ConnectorBase`: the defaults of the hooks a connector may leave out, so callers ask a
connector directly instead of probing it for members.

A connector that cannot say something answers the cautious default: no mapping behind it,
no circuit to show, records that do not say whether they are secret, no follow-ups read,
no cursor for a time (its whole list is read), statuses read back as they were set, no
look-up by the gateway's reference and no pushed records (both `Unsupported`).
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from connectors.protocol import Unsupported
from connectors.records import SourceComplaint
from schema.canonical import Status

if TYPE_CHECKING:
    from connectors.http import UpstreamClient
    from connectors.mapping import MappingError
    from connectors.spec_types import SourceSpec

__all__ = ["ConnectorBase"]


class ConnectorBase:
    """Default hooks of a `connectors.protocol.Connector`; subclasses override what they can say."""

    spec: SourceSpec | None = None  # the mapping file behind it, if any
    client: UpstreamClient | None = None  # how it is called, if over HTTP

    @property
    def name(self) -> str:
        """The source's name (every connector says it)."""
        raise NotImplementedError

    @property
    def says_secret(self) -> bool:
        """Whether its records carry a secret (rahasia) flag; one that does not may be secret
        without saying so."""
        return False

    @property
    def reads_follow_ups(self) -> bool:
        """Whether its records come with their follow-ups."""
        return False

    @property
    def takes_pushes(self) -> bool:
        """Whether it can map records pushed to the gateway (`map_body`)."""
        return False

    @property
    def circuit_state(self) -> str | None:
        """Its circuit breaker's state (closed, open, half_open); None without one."""
        return self.client.breaker.state if self.client is not None else None

    def cursor_for(self, when: datetime) -> str | None:
        """A `changes` cursor for "changed since `when`"; None: its whole list is read."""
        return None

    def status_as_read(self, status: Status) -> Status | None:
        """What a record set to `status` reads back as here (its own, maybe coarser, words
        mapped back); None if it has no word for it."""
        return status

    async def find(self, external_ref: str) -> str | None:
        """The id of the record created under `external_ref`, where the source can be searched."""
        raise Unsupported(self.name, "it cannot be searched by the gateway's reference")

    def map_body(self, body: bytes) -> tuple[list[SourceComplaint], list[MappingError]]:
        """Records pushed to the gateway in this source's own format, mapped."""
        raise Unsupported(self.name, "it takes no pushed records")
