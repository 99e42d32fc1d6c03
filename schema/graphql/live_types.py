"""GraphQL types for live answers: how each source answered, and where a write went."""

from __future__ import annotations

import strawberry

from auth.policy import Access
from schema import live
from schema.upstream_text import for_caller

# strawberry.enum marks the enum class itself (and returns it): each name below is that
# class, so type checkers take it as a type.
strawberry.enum(
    live.Outcome,
    name="SourceOutcomeKind",
    description="How a source answered a live call: OK, TIMEOUT (no answer within the deadline), "
    "ERROR (an error or unreadable answer), CIRCUIT_OPEN (not called: it failed too often lately), "
    "SOURCE_BUSY (not called: as many calls to it as it is allowed are already waiting on it), "
    "NOT_FOUND (it does not have the record), NOT_READABLE (it offers no live read; the index answers).",
)
SourceOutcomeKind = live.Outcome
strawberry.enum(
    live.DeliveryState,
    description="APPLIED: the system of record has the write, and so has the index. PENDING: the "
    "system of record was unreachable; the write is queued and will be delivered once. LOCAL: the "
    "gateway is the system of record. DEAD_LETTER: the system of record refused it (see reason); it is "
    "kept for an operator (`penghubung sync dead-letters`) and applied in the gateway.",
)
DeliveryState = live.DeliveryState


@strawberry.type(description="One source's part in a live answer.")
class SourceOutcome:
    system: str = strawberry.field(description="The source's name, e.g. 16.05-musi-rawas.")
    outcome: SourceOutcomeKind
    latency_ms: float
    error: str | None = strawberry.field(description="What went wrong, in the connector's words.")
    records: int = strawberry.field(description="Records it returned that you may see.")
    truncated: bool = strawberry.field(description="It had more than a live read takes from one source.")

    @classmethod
    def of(cls, x: live.SourceOutcome, access: Access) -> SourceOutcome:
        """The outcome as this caller may read it: a source's error can quote a record."""
        return cls(
            system=x.system,
            outcome=x.outcome,
            latency_ms=x.latency_ms,
            error=for_caller(access, x.error),
            records=x.records,
            truncated=x.truncated,
        )


@strawberry.type(description="Where a write went: its system of record, and whether it has it yet.")
class WriteDelivery:
    state: DeliveryState
    system: str | None = strawberry.field(description="The system of record (null: the gateway).")
    reason: str | None = strawberry.field(description="Why it is pending.")
    idempotency_key: str | None
    replayed: bool = strawberry.field(
        description="True when this answers a repeat of an earlier request with the same idempotency key."
    )

    @classmethod
    def of(cls, x: live.WriteReceipt) -> WriteDelivery:
        return cls(
            state=x.state,
            system=x.system,
            reason=x.reason,
            idempotency_key=x.idempotency_key,
            replayed=x.replayed,
        )
