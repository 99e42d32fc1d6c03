"""The updates port: complaint change events, for subscriptions."""

from __future__ import annotations

from contextlib import AbstractAsyncContextManager
from datetime import datetime
from typing import Any, Protocol


class UpdateEvent(Protocol):
    """What the broker hands over (gateway.updates.broker.ComplaintChanged)."""

    complaint_id: str
    kind: str
    at: datetime
    kode_wilayah: str | None


class UpdatesPort(Protocol):
    """Subscribes to complaint change events (implemented by gateway.updates.broker)."""

    def subscribe(self) -> AbstractAsyncContextManager[Any]: ...
