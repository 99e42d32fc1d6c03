"""The conformance check's incremental pass: does "changed since" work as the sync engine uses it?

After a full read the engine keeps a cursor made from the newest change it saw
(`connector.cursor_for(newest)`, the same text a batch hands back) and every later pull
sends it as the since parameter. So the check sends exactly that, and asks:

- the source accepts it (a refused format is a failed check, naming the parameter and what
  the source answered: a pull that fails every time is a source that never updates);
- it returns no more records than the full list;
- it returns the newest record(s). A source whose filter is exclusive ("changed after")
  rightly returns none for a cursor as fine as a second; then one day earlier (which any
  format, day or millisecond, can say) must return them. A cursor coarser than a second
  (a date, a pattern in minutes) already asks from one step earlier: if an exclusive filter
  still returns none, every change made later in the cursor's minute or day is lost, so the
  check fails. A filter that drops the newest records would lose every change made in the
  same second or day as the cursor.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from connectors.check_mapping import since_param, spec_of
from connectors.errors import ConnectorError
from connectors.failures import in_words
from connectors.protocol import Connector
from connectors.records import SourceComplaint
from connectors.time_formats import resolution

EXCLUSIVE_PROBE = timedelta(days=1)
SECOND = timedelta(seconds=1)
# How finely each since_cast says a time (a since_format says it by its pattern).
_CAST_STEP = {
    "datetime": timedelta(microseconds=1),
    "epoch_ms": timedelta(milliseconds=1),
    "epoch_s": SECOND,
    "local_datetime": SECOND,
    "date": timedelta(days=1),
}


@dataclass(frozen=True, slots=True)
class SinceOutcome:
    """What the incremental pass found; `warning` is for a filter that seems ignored."""

    ok: bool
    detail: str
    warning: str | None = None


def cursor_step(connector: Connector) -> timedelta | None:
    """How finely the since parameter says a time; None without a mapping to tell."""
    spec = spec_of(connector)
    if spec is None:
        return None
    request = spec.request
    if request.since_format is not None:
        return resolution(request.since_format)
    return _CAST_STEP.get(request.since_cast or "datetime", timedelta(microseconds=1))


async def _list(connector: Connector, cursor: str) -> tuple[list[SourceComplaint], int]:
    records: list[SourceComplaint] = []
    raw = 0
    async for batch in connector.changes(cursor):
        records.extend(batch.records)
        raw += batch.raw_count
    return records, raw


async def incremental_pass(connector: Connector, full: list[SourceComplaint], full_count: int) -> SinceOutcome | None:
    """The second read, with the since parameter; None when the source cannot filter by time
    (every pull reads the whole list) or gave no record to start from."""
    if not full:
        return None
    newest = max(r.updated_at for r in full)
    cursor = connector.cursor_for(newest)
    if cursor is None:
        return None
    param = since_param(connector)
    newest_ids = {r.source_id for r in full if r.updated_at == newest}
    shown_ids = ", ".join(sorted(newest_ids)[:3])
    try:
        got, raw = await _list(connector, cursor)
    except ConnectorError as exc:
        return SinceOutcome(False, f"{param}={cursor} (the newest change) was refused: {in_words(exc)}")
    if raw > full_count:
        return SinceOutcome(False, f"{param}={cursor} returned {raw} records, more than the full list's {full_count}")
    ids = {r.source_id for r in got}
    if newest_ids <= ids:
        warning = None
        stale = [r for r in got if r.updated_at < newest - EXCLUSIVE_PROBE]
        if stale and len(got) == len(full):
            warning = (
                f"{param}={cursor} returned the whole list ({raw} records, {len(stale)} changed more than a "
                "day before it): the source seems to ignore the parameter, so every pull reads everything"
            )
        return SinceOutcome(
            True, f"{param}={cursor} returned {raw} of {full_count} records, the newest among them", warning
        )
    if ids:
        return SinceOutcome(
            False, f"{param}={cursor} returned {raw} records but not the newest ({shown_ids}): changes would be lost"
        )
    # None at all: an exclusive filter ("changed after"), or one that matches nothing.
    earlier = connector.cursor_for(newest - EXCLUSIVE_PROBE) or cursor
    try:
        got, raw = await _list(connector, earlier)
    except ConnectorError as exc:
        return SinceOutcome(False, f"{param}={earlier} (a day before the newest change) was refused: {in_words(exc)}")
    if raw > full_count:
        return SinceOutcome(False, f"{param}={earlier} returned {raw} records, more than the full list's {full_count}")
    if newest_ids <= {r.source_id for r in got}:
        step = cursor_step(connector)
        if step is not None and step > SECOND:
            return SinceOutcome(
                False,
                f"{param}={cursor} returned none although it asks from one step before the newest change, "
                f"and {param}={earlier} returned the newest: the filter is exclusive at a coarser step than "
                "the cursor says, so every change made later on the cursor's day or minute would be lost; "
                "make the source's filter inclusive (changed on or after) or use a finer since form",
            )
        return SinceOutcome(
            True,
            f"{param}={cursor} returned none (the filter is exclusive: changes after it); "
            f"{param}={earlier} returned {raw} of {full_count}, the newest among them",
        )
    return SinceOutcome(
        False,
        f"{param}={cursor} returned no records, and {param}={earlier} (a day earlier) not the newest "
        f"({shown_ids}) either: the source does not understand the parameter's format",
    )
