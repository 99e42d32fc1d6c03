"""Fault switches shared by every simulator: latency, errors, hangs, garbage, 429s, bombs, down."""

from __future__ import annotations

import asyncio
import contextlib
import random
from dataclasses import dataclass, field, fields
from typing import Any

GARBAGE_KINDS = ("html", "truncated", "wrong_shape", "xml_entities")
DOWN_KINDS = ("close", "503")


@dataclass(slots=True)
class Faults:
    """The current fault settings of one simulator; all off by default.

    - latency_ms: delay added before every answer.
    - error_rate: fraction (0..1) of requests answered 500 or 503, drawn from a
      `random.Random(seed)` so a run is reproducible.
    - timeout: hang without answering until the client gives up (or the switch is cleared).
    - garbage: "html" answers 200 with an HTML error page; "truncated" answers 200 with the
      real body cut in half (broken JSON/XML/CSV); "wrong_shape" answers 200 with valid
      JSON of the wrong shape; "xml_entities" answers 200 with an entity-expansion XML bomb.
    - retry_after: answer this many requests with 429 and `Retry-After: retry_after_seconds`.
    - bomb: answer 200 with a gzip decompression bomb (`Content-Encoding: gzip`), bomb_mb
      megabytes once inflated.
    - down: "close" drops the connection without an answer; "503" answers 503.
    """

    latency_ms: int = 0
    error_rate: float = 0.0
    seed: int = 0
    timeout: bool = False
    garbage: str | None = None
    retry_after: int = 0
    retry_after_seconds: int = 1
    bomb: bool = False
    bomb_mb: int = 32
    down: str | None = None
    _rng: random.Random = field(default_factory=lambda: random.Random(0), repr=False)
    _release: asyncio.Event | None = field(default=None, repr=False)

    def set(self, **changes: Any) -> None:
        """Change some switches; unknown names or bad values raise ValueError."""
        known = {f.name for f in fields(self) if not f.name.startswith("_")}
        unknown = set(changes) - known
        if unknown:
            raise ValueError(f"unknown fault switches: {sorted(unknown)}")
        merged = {**self.as_dict(), **changes}
        _validate(merged)
        for name, value in changes.items():
            setattr(self, name, value)
        if "seed" in changes or "error_rate" in changes:
            self._rng = random.Random(self.seed)
        if not self.timeout:
            self.release_hung()

    def clear(self) -> None:
        """Turn every switch off and wake any hung request."""
        self.release_hung()
        for f in fields(self):
            if not f.name.startswith("_"):
                setattr(self, f.name, f.default)
        self._rng = random.Random(0)

    def as_dict(self) -> dict[str, Any]:
        """The public switches as JSON-ready values."""
        return {f.name: getattr(self, f.name) for f in fields(self) if not f.name.startswith("_")}

    def draw_error(self) -> bool:
        """Whether this request should fail, by the seeded error rate."""
        return self.error_rate > 0 and self._rng.random() < self.error_rate

    def error_status(self) -> int:
        """500 or 503, alternating by the same seeded generator."""
        return 503 if self._rng.random() < 0.5 else 500

    async def hang(self, limit_s: float = 600.0) -> None:
        """Wait until the timeout switch is cleared, the simulator stops, or limit_s passes."""
        if self._release is None or self._release.is_set():
            self._release = asyncio.Event()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._release.wait(), timeout=limit_s)

    def release_hung(self) -> None:
        """Wake every request hanging in `hang`."""
        if self._release is not None:
            self._release.set()


def _validate(values: dict[str, Any]) -> None:
    def check(ok: bool, message: str) -> None:
        if not ok:
            raise ValueError(message)

    check(
        isinstance(values["latency_ms"], int) and values["latency_ms"] >= 0,
        "latency_ms must be an int >= 0",
    )
    rate = values["error_rate"]
    check(
        isinstance(rate, int | float) and 0 <= rate <= 1,
        "error_rate must be within 0..1",
    )
    check(isinstance(values["seed"], int), "seed must be an int")
    check(isinstance(values["timeout"], bool), "timeout must be a bool")
    check(
        values["garbage"] in (None, *GARBAGE_KINDS),
        f"garbage must be null or one of {GARBAGE_KINDS}",
    )
    check(
        isinstance(values["retry_after"], int) and values["retry_after"] >= 0,
        "retry_after must be an int >= 0",
    )
    check(
        isinstance(values["retry_after_seconds"], int) and values["retry_after_seconds"] >= 0,
        "retry_after_seconds must be an int >= 0",
    )
    check(isinstance(values["bomb"], bool), "bomb must be a bool")
    check(
        isinstance(values["bomb_mb"], int) and 1 <= values["bomb_mb"] <= 1024,
        "bomb_mb must be within 1..1024",
    )
    check(
        values["down"] in (None, *DOWN_KINDS),
        f"down must be null or one of {DOWN_KINDS}",
    )
