"""The soak's record of every request it sent and every write among them: when each was
due, how long its answer took, what it was, and which kab/kota system it reached."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(slots=True)
class Sample:
    """One request: when it was due (seconds since the run began), how long until its
    answer, and the answer (`ok`, an error code, `HTTP_<status>`, `TIMEOUT`...)."""

    kind: str
    reaches: str | None  # the kab/kota whose system it reaches, if any
    at: float
    latency: float = 0.0
    outcome: str = "UNFINISHED"
    retry_after: bool = False
    status: int | None = None  # the HTTP status, if an answer came
    phase: str = ""

    @property
    def ok(self) -> bool:
        return self.outcome == "ok"

    @property
    def end(self) -> float:
        return self.at + self.latency


@dataclass(slots=True)
class Write:
    """One write the traffic sent, and what the gateway answered."""

    kind: str
    marker: str  # unique text inside the write, to find it wherever it went
    regency: str | None  # the owner's kab/kota
    complaint_id: str | None  # the complaint acted on (or created, once acknowledged)
    sample: Sample
    tracking_id: str | None = None
    delivery: str | None = None  # the answer's delivery state, if any

    @property
    def acked(self) -> bool:
        return self.sample.ok


@dataclass
class Ledger:
    """Every request and every write of the run."""

    samples: list[Sample] = field(default_factory=list)
    writes: list[Write] = field(default_factory=list)
