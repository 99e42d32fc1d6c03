"""What writes a mapped source can take at all, known from its mapping alone.

The sync engine asks this before it queues a delivery: a status change to a system whose
mapping declares no [change_status], or a status its [maps] have no word for, could never
be sent, and an entry that can never be sent must not sit in the outbox (it would end as a
dead letter every time). Known without the network, so the web process can ask too.
"""

from __future__ import annotations

from dataclasses import dataclass

from schema.canonical import Status

from connectors.spec import SourceSpec


def status_read_back(spec: SourceSpec, status: Status) -> Status | None:
    """What a record set to `status` reads back as in this source: its word for the status
    (through the change_status body's out-map), mapped back through the status field's
    in-map; None if the mapping has no word for it."""
    change = spec.writes.change_status
    out = next((b.map for b in change.body if b.value == "status"), None) if change else None
    word = spec.maps.get(out, {}).get(status.value) if out else status.value
    if word is None:
        return None
    field = spec.fields.get("status")
    read = field.map if field is not None else None
    value = spec.maps.get(read, {}).get(word) if read else word
    try:
        return Status(value) if value is not None else None
    except ValueError:
        return None


@dataclass(frozen=True, slots=True)
class Accepts:
    """The outbox kinds a source takes (create, status, follow_up), and the statuses it has
    a word for (None: every status)."""

    kinds: frozenset[str]
    statuses: frozenset[Status] | None = None

    def takes(self, kind: str, status: str | None = None) -> bool:
        """Whether a delivery of this kind (and, for a status, this status) can be sent."""
        if kind not in self.kinds:
            return False
        if kind == "status" and status is not None and self.statuses is not None:
            return status in {s.value for s in self.statuses}
        return True


EVERYTHING = Accepts(frozenset({"create", "status", "follow_up"}))


def accepts_of(spec: SourceSpec) -> Accepts:
    """What the source this mapping describes can take."""
    w = spec.writes
    kinds = {
        kind for kind, section in (("create", w.create), ("status", w.change_status), ("follow_up", w.follow_up))
        if section is not None
    }
    statuses = frozenset(s for s in Status if status_read_back(spec, s) is not None) if w.change_status else frozenset()
    return Accepts(frozenset(kinds), statuses)
