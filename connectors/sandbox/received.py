"""The log of requests a simulator received, for exactly-once and privacy checks in tests.

A test keeps every request of its run (the default). A long-running sandbox (`penghubung
sandbox`, the demo's simulators inside the gateway or the worker) keeps only the latest
`keep` entries: it is pulled every few seconds for hours, and a log of every request would
grow its process's memory without end.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import Any

# Credential headers are kept out of the log; their presence is still visible.
_REDACTED_HEADERS = frozenset({"authorization", "x-api-key", "cookie"})


@dataclass(slots=True)
class Received:
    """One request as it arrived, and how the simulator answered it."""

    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: str
    at: str
    status: int | None = None
    fault: str | None = None

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return asdict(self)


@dataclass(slots=True)
class ReceivedLog:
    """Non-admin requests in arrival order: all of them, or the latest `keep`."""

    entries: list[Received] = field(default_factory=list)
    keep: int | None = None  # None: every request
    forgotten: int = 0  # the oldest entries dropped to stay within `keep`

    def __post_init__(self) -> None:
        if self.keep is not None and self.keep < 1:
            raise ValueError(f"keep must be at least 1 (or None for every request), not {self.keep}")

    def record(
        self,
        method: str,
        path: str,
        query: dict[str, str],
        headers: dict[str, str],
        body: bytes,
    ) -> Received:
        """Append a request and return its entry (status is filled in later)."""
        kept = {k: ("<redacted>" if k.lower() in _REDACTED_HEADERS else v) for k, v in headers.items()}
        entry = Received(
            method=method,
            path=path,
            query=query,
            headers=kept,
            body=body.decode("utf-8", errors="replace"),
            at=datetime.now(UTC).isoformat(),
        )
        self.entries.append(entry)
        if self.keep is not None and len(self.entries) > self.keep:
            excess = len(self.entries) - self.keep
            del self.entries[:excess]
            self.forgotten += excess
        return entry

    def matching(self, method: str | None = None, path: str | None = None) -> list[Received]:
        """Entries with this method and/or path."""
        return [e for e in self.entries if (method is None or e.method == method) and (path is None or e.path == path)]

    def clear(self) -> None:
        """Forget everything."""
        self.entries.clear()
        self.forgotten = 0
