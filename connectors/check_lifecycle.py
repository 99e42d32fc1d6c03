"""The conformance check's writes in the order a complaint really takes them.

Real systems guard their own transitions (a new report must be verified before it is
disposed), so the check never jumps: after creating its test records it walks the first one
along the gateway's own lifecycle (schema.lifecycle), from the status it reads back as, to
DIDISPOSISIKAN: VERIFY, then DISPOSE to an OPD. Then the agency's answer (tindak lanjut)
from that OPD and the status the gateway sends after it (DITINDAKLANJUTI); where the
[follow_up] body tells the reporter's reply apart, a reply too; and last CLOSE (SELESAI),
which also leaves the test record finished. A step whose status the mapping's
[change_status] has no word for is skipped, as the sync engine never sends it either.

A step the system refuses fails naming the step and quoting the system's reason.
"""

from __future__ import annotations

from collections.abc import Sequence

from connectors.accepts import status_read_back, status_word
from connectors.check_mapping import spec_of
from connectors.check_round_trip import (
    RoundTrip,
    check_unit,
    create_trip,
    find_record,
    follow_up_trip,
    labelled_records,
    status_trip,
)
from connectors.errors import ConnectorError
from connectors.failures import in_words
from connectors.protocol import Capability, Connector, NewComplaint, StatusChange, Unsupported, can_read_back
from connectors.records import SourceComplaint
from schema.canonical import Status
from schema.lifecycle import TRANSITIONS, Action

# Where the walk goes: the disposition is the step every routed complaint takes.
GOAL = Status.DIDISPOSISIKAN


def lifecycle_path(start: Status, goal: Status = GOAL) -> list[tuple[Action, Status]]:
    """The shortest run of actions the gateway's lifecycle allows from `start` to `goal`
    (breadth first over schema.lifecycle.TRANSITIONS); empty when none leads there."""
    paths: dict[Status, list[tuple[Action, Status]]] = {start: []}
    queue = [start]
    while queue:
        here = queue.pop(0)
        for action, there in TRANSITIONS[here].items():
            if there in paths:
                continue
            paths[there] = [*paths[here], (action, there)]
            if there is goal:
                return paths[there]
            queue.append(there)
    return []


def _sendable(connector: Connector, status: Status) -> bool:
    spec = spec_of(connector)
    return spec is None or status_word(spec, status) is not None


def _reads_as(connector: Connector, status: Status) -> Status:
    """What a record set to `status` reads back as: a coarser word (a system with one word
    for new and verified reports) is what the mapping says, not a failure."""
    spec = spec_of(connector)
    return (status_read_back(spec, status) if spec is not None else None) or status


def _step(action: Action, before: Status, after: Status) -> str:
    return f"lifecycle step {action.value} ({before.value} to {after.value})"


async def walk_to_disposition(connector: Connector, source_id: str, ref: str, unit: str | None) -> RoundTrip:
    """Walk the test record to DIDISPOSISIKAN step by step; the last step (DISPOSE, to
    `unit`) is compared as `status_trip` does, each earlier one by its status read back."""
    found = await find_record(connector, source_id)
    start = found.status if isinstance(found, SourceComplaint) else Status.BELUM_TERVERIFIKASI
    path = lifecycle_path(start) or [(Action.DISPOSE, GOAL)]
    before = path[-2][1] if len(path) > 1 else start
    earlier = await status_steps(connector, source_id, ref, start, path[:-1])
    if earlier is not None and not earlier.ok:
        return earlier
    action = path[-1][0]
    try:
        trip = await status_trip(connector, source_id, ref, unit)
    except ConnectorError as exc:
        trip = RoundTrip(Capability.CHANGE_STATUS, False, f"{_step(action, before, GOAL)} was refused: {in_words(exc)}")
    if earlier is not None:
        trip = RoundTrip(trip.capability, trip.ok, f"{earlier.detail}; then {trip.detail}")
    return trip


# After the agency's answer the gateway sends its status (an interim answer: in progress);
# a complaint ends closed. The reporter's reply comes between the two.
AFTER_ANSWER = ((Action.POST_FOLLOW_UP, Status.DITINDAKLANJUTI),)
FINISH = ((Action.CLOSE, Status.SELESAI),)


async def status_steps(
    connector: Connector, source_id: str, ref: str, before: Status, steps: Sequence[tuple[Action, Status]]
) -> RoundTrip | None:
    """Send each step's status the mapping has a word for and read it back; None when the
    mapping can say none of them (the sync would never send them)."""
    done: list[str] = []
    for action, status in steps:
        if not _sendable(connector, status):
            before = status
            continue
        try:
            await connector.change_status(source_id, StatusChange(external_ref=f"{ref}:{status.value}", status=status))
        except Unsupported as exc:
            return RoundTrip(
                Capability.CHANGE_STATUS, False, f"{_step(action, before, status)}: not sent: {exc.message}"
            )
        except ConnectorError as exc:
            return RoundTrip(
                Capability.CHANGE_STATUS, False, f"{_step(action, before, status)} was refused: {in_words(exc)}"
            )
        now = await find_record(connector, source_id)
        if isinstance(now, SourceComplaint) and now.status not in (status, _reads_as(connector, status)):
            return RoundTrip(
                Capability.CHANGE_STATUS,
                False,
                f"{_step(action, before, status)}: set {status.value}, read back {now.status.value}",
            )
        done.append(f"{action.value} to {status.value}")
        before = status
    if not done:
        return None
    readable = "read back" if can_read_back(connector) else "not readable"
    return RoundTrip(Capability.CHANGE_STATUS, True, f"{'; '.join(done)}, {readable}")


def tells_replies(connector: Connector) -> bool:
    """Whether the [follow_up] body sends the reporter's reply differently (it names
    from_reporter): then the reply is a write of its own, tried too."""
    spec = spec_of(connector)
    follow_up = spec.writes.follow_up if spec is not None else None
    if follow_up is None:
        return False
    return any(
        item.value == "from_reporter" or any(name == "from_reporter" for name, _ in item.only_if)
        for item in follow_up.body
    )


async def round_trips(connector: Connector, kode_wilayah: str, seen: Sequence[SourceComplaint]) -> list[RoundTrip]:
    """Every write the source declares, read back, in lifecycle order; stops after a
    create that failed."""
    caps = connector.capabilities
    if Capability.CREATE not in caps:
        return []
    records: Sequence[NewComplaint] = labelled_records(connector, kode_wilayah, seen)
    if not can_read_back(connector):
        records = records[:1]  # nothing can be compared: one labelled record is enough
    trip, source_id = await create_trip(connector, records)
    trips: list[RoundTrip | None] = [trip]
    if source_id is None:
        return [trip]
    unit = check_unit(connector, seen)
    ref = records[0].external_ref
    statuses = Capability.CHANGE_STATUS in caps
    if statuses:
        trips.append(await walk_to_disposition(connector, source_id, ref, unit))
        if not trips[-1].ok:  # type: ignore[union-attr]  # just appended: never None
            return [t for t in trips if t is not None]  # the record is not where the next steps start
    if Capability.ADD_FOLLOW_UP in caps:
        trips.append(await follow_up_trip(connector, source_id, ref, unit=unit))
        if statuses and trips[-1].ok:  # type: ignore[union-attr]  # just appended: never None
            trips.append(await status_steps(connector, source_id, ref, GOAL, AFTER_ANSWER))
        if tells_replies(connector):
            trips.append(await follow_up_trip(connector, source_id, ref, from_reporter=True))
    if statuses and all(t.ok for t in trips if t is not None):
        trips.append(await status_steps(connector, source_id, ref, Status.DITINDAKLANJUTI, FINISH))
    return [t for t in trips if t is not None]


__all__ = ["lifecycle_path", "round_trips", "status_steps", "tells_replies", "walk_to_disposition"]
