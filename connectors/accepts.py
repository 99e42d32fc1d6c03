"""What writes a mapped source can take at all, known from its mapping alone.

The sync engine asks this before it queues a delivery: a status change to a system whose
mapping declares no [change_status], or a status its change_status body can give no word
(no out-map word and no default), could never be sent, and an entry that can never be sent
must not sit in the outbox (it would end as a dead letter every time). Known without the
network, so the web process can ask too.

Whether a status is taken is decided by the change_status body alone, exactly as
connectors.write_body builds it. The status field's read map only says what a record
set to it reads back as (a coarser word), never whether it is sent.
"""

from __future__ import annotations

from dataclasses import dataclass

from connectors.spec_types import SourceSpec
from schema.canonical import Status


def status_word(spec: SourceSpec, status: Status) -> object | None:
    """The word the change_status body sends for `status` (its out-map word, else the
    body's default when the map lacks one); None when it cannot be sent at all."""
    change = spec.writes.change_status
    if change is None:
        return None
    item = next((b for b in change.body if b.value == "status"), None)
    if item is None or item.map is None:
        # No status key (the path or a constant says it) or sent as written.
        return status.value
    word = spec.maps.get(item.map, {}).get(status.value)
    if word is not None:
        return word
    # The loader refuses "omit" on the status key: a status change without its status
    # would be a different change.
    return item.default if item.when_unmapped == "default" else None


def status_read_back(spec: SourceSpec, status: Status) -> Status | None:
    """What a record set to `status` reads back as in this source: the word sent for it,
    mapped back through the status field's read map; the status itself when no record
    shows that word yet (nothing coarser is known); None only if it cannot be sent."""
    word = status_word(spec, status)
    if word is None:
        return None
    field = spec.fields.get("status")
    read = field.map if field is not None else None
    value = spec.maps.get(read, {}).get(str(word)) if read else str(word)
    try:
        return Status(value) if value is not None else status
    except ValueError:
        return status


@dataclass(frozen=True, slots=True)
class Accepts:
    """The outbox kinds a source takes (create, status, follow_up; `reply` when its
    follow-ups can carry a reporter's reply as such), and the statuses it has a word for
    (None: every status)."""

    kinds: frozenset[str]
    statuses: frozenset[Status] | None = None

    def takes(self, kind: str, status: str | None = None) -> bool:
        """Whether a delivery of this kind (and, for a status, this status) can be sent."""
        if kind not in self.kinds:
            return False
        if kind == "status" and status is not None and self.statuses is not None:
            return status in {s.value for s in self.statuses}
        return True


EVERYTHING = Accepts(frozenset({"create", "status", "follow_up", "reply"}))


def marks_replies(spec: SourceSpec) -> bool:
    """Whether the [follow_up] body tells a reporter's reply from an agency's answer (it
    sends `from_reporter`). A source whose body cannot is sent no replies: each would
    land there, and be read back, as an agency's answer."""
    follow_up = spec.writes.follow_up
    if follow_up is None:
        return False
    return any(item.value == "from_reporter" or "{from_reporter}" in (item.template or "") for item in follow_up.body)


def never_sent(spec: SourceSpec) -> list[Status]:
    """The canonical statuses the mapping's [change_status] has no word for (none
    without a [change_status]: then no status is sent, and it says so itself). SUBMITTED
    is left out: it comes before the queue, no complaint is ever moved to it."""
    if spec.writes.change_status is None:
        return []
    return [s for s in Status if s is not Status.SUBMITTED and status_word(spec, s) is None]


def accepts_of(spec: SourceSpec) -> Accepts:
    """What the source this mapping describes can take."""
    w = spec.writes
    kinds = {
        kind
        for kind, section in (("create", w.create), ("status", w.change_status), ("follow_up", w.follow_up))
        if section is not None
    }
    if marks_replies(spec):
        kinds.add("reply")
    statuses = frozenset(s for s in Status if status_word(spec, s) is not None) if w.change_status else frozenset()
    return Accepts(frozenset(kinds), statuses)
