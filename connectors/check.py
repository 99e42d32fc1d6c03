"""The conformance check: run a live source through its connector and say whether it works.

A PASS means the source works in the gateway, not only that its answers have the right
shape:

- Reading: it lists every record and maps each one (what could not be mapped is reported
  with its reason), then lists again the way every later sync pull does, with the since
  parameter made from the newest change (connectors.check_since).
- Values: each field's values are counted and distributions that are almost surely a
  mapping mistake are warned about (connectors.check_profile); `strict` makes them fail,
  and records stored without a part (an unmapped category or OPD) too.
- Mapping: what it can never write is warned about (statuses its [change_status] has no
  word for, no [create] at all), since the sync silently never queues those.
- Writing (when asked for): for each write the source declares, a round trip with
  labelled test records whose every sent value is read back and compared
  (connectors.check_round_trip), in the order the gateway's lifecycle writes them
  (connectors.check_lifecycle).

Any fault of the source itself (unreachable, refused, garbage) is reported with its code.
It passes when everything declared works.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from connectors.check_lifecycle import round_trips
from connectors.check_mapping import read_fields, unexpressed, write_warnings
from connectors.check_profile import Profile, preview
from connectors.check_round_trip import TEST_CONTENT, TEST_TITLE, RoundTrip
from connectors.check_since import SinceOutcome, incremental_pass
from connectors.errors import ConnectorError
from connectors.failures import in_words
from connectors.mapping import MappingError
from connectors.protocol import Capability, Connector
from connectors.records import SourceComplaint

__all__ = ["TEST_CONTENT", "TEST_TITLE", "CheckReport", "RoundTrip", "check_source"]

_WRITES = (Capability.CREATE, Capability.CHANGE_STATUS, Capability.ADD_FOLLOW_UP)


@dataclass
class CheckReport:
    """What one check found."""

    source: str
    capabilities: frozenset[Capability] = frozenset()
    read: int = 0
    mapped: int = 0
    rejected: list[MappingError] = field(default_factory=list)
    failure: str | None = None
    statuses: Counter[str] = field(default_factory=Counter)
    since: SinceOutcome | None = None
    values: list[str] = field(default_factory=list)  # one line per field: its value counts
    warnings: list[str] = field(default_factory=list)
    # What the mapping never writes (statuses without a word, no [create]): warnings too.
    write_warnings: list[str] = field(default_factory=list)
    previews: list[list[str]] = field(default_factory=list)
    # Stored, but without a part the mapping could not carry (a category code with no entry).
    gaps: list[str] = field(default_factory=list)
    round_trips: list[RoundTrip] = field(default_factory=list)
    writes_skipped: bool = False
    notes: list[str] = field(default_factory=list)  # the source's Batch notes: paging to check
    strict: bool = False  # warnings (and records stored without a part) fail the check too

    @property
    def passed(self) -> bool:
        """Everything the source declares worked, every record it listed mapped (and, when
        strict, nothing looked suspicious: no warning, no record stored without a part)."""
        lists = Capability.LIST_CHANGES in self.capabilities
        return (
            self.failure is None
            and (self.read > 0 or not lists)
            and not self.rejected
            and not self.notes
            and (self.since is None or self.since.ok)
            and all(r.ok for r in self.round_trips)
            and not (self.strict and (self.warnings or self.write_warnings or self.gaps))
        )

    def render(self, label: str | None = None) -> str:
        """A short readable report; `label` says what the source is, for people."""
        verdict = "PASS" if self.passed else "FAIL"
        if Capability.LIST_CHANGES in self.capabilities:
            head = f"{self.read} records read, {self.mapped} mapped, {len(self.rejected)} not mapped"
        else:
            head = "push only (no read API)"
        named = f"{self.source} ({label})" if label else self.source
        lines = [f"{verdict}  {named}: {head}"]
        lines.append("      declares: " + ", ".join(sorted(c.value for c in self.capabilities)))
        mark = "FAIL" if self.strict else "warn"
        lines.extend(f"      {mark} {warning}" for warning in self.write_warnings)
        if self.statuses:
            lines.append("      statuses: " + ", ".join(f"{s} {n}" for s, n in sorted(self.statuses.items())))
        lines.extend(f"      {line}" for line in self.values)
        for gap in self.gaps[:5]:
            lines.append(f"      {'FAIL ' if self.strict else ''}stored without: {gap}")
        if len(self.gaps) > 5:
            lines.append(f"      ... and {len(self.gaps) - 5} more records stored without a part")
        # The same problem on many records is one line, with a count and an example.
        groups: dict[tuple[str, str], list[str]] = {}
        for error in self.rejected:
            groups.setdefault((error.field, error.reason), []).append(error.record_ref)
        for (field_name, reason), refs in list(groups.items())[:20]:
            more = f" (and {len(refs) - 1} more records)" if len(refs) > 1 else ""
            lines.append(f"      not mapped: record {refs[0]}{more}: fields.{field_name}: {reason}")
        if len(groups) > 20:
            lines.append(f"      ... and {len(groups) - 20} more kinds of problem")
        for note in self.notes:
            lines.append(f"      paging: {note}")
        if self.since is not None:
            lines.append(f"      {'ok  ' if self.since.ok else 'FAIL'} incremental read: {self.since.detail}")
        elif Capability.LIST_CHANGES in self.capabilities and self.read and self.failure is None:
            lines.append("      incremental read: the source has no since parameter; every pull reads the whole list")
        for warning in self.warnings:
            lines.append(f"      {'FAIL' if self.strict else 'warn'} {warning}")
        for trip in self.round_trips:
            lines.append(f"      {'ok  ' if trip.ok else 'FAIL'} {trip.capability.value}: {trip.detail}")
        if self.writes_skipped and any(c in self.capabilities for c in _WRITES):
            lines.append("      writes not tried (read-only check); --write tries them with labelled test records")
        if self.failure:
            lines.append(f"      source failed: {self.failure}")
        if self.read == 0 and self.failure is None and Capability.LIST_CHANGES in self.capabilities:
            lines.append("      the source answered with no records; expected at least one")
        for number, shown in enumerate(self.previews, 1):
            lines.append(f"      record {number} of {self.mapped}:")
            lines.extend(f"        {line}" for line in shown)
        return "\n".join(lines)


async def _read_everything(connector: Connector, report: CheckReport, profile: Profile) -> list[SourceComplaint]:
    """Every record the source lists, each once, as last read. Pages can repeat a record:
    oldest-first paging asks again from the newest change on the page (a since parameter
    that counts whole minutes, inclusive, gives those back), and a record that changed
    while paging comes again at the end; counted twice, 46 records read as 63."""
    latest: dict[str, SourceComplaint] = {}
    refused: dict[str, MappingError] = {}
    unnamed = 0  # listed but neither mapped nor refused (skipped): no id to tell repeats by
    async for batch in connector.changes():
        errors = [e for e in batch.rejected if isinstance(e, MappingError)]
        unnamed += max(batch.raw_count - len(batch.records) - len(errors), 0)
        for record in batch.records:
            latest[record.source_id] = record
            refused.pop(record.source_id, None)
        for error in errors:
            if error.record_ref in ("", "?"):  # no id to tell a repeat by: each counts
                refused[f"?{len(refused)}"] = error
                continue
            refused[error.record_ref] = error
            latest.pop(error.record_ref, None)
        report.notes.extend(batch.notes)
    records = list(latest.values())
    report.read = len(latest) + len(refused) + unnamed
    report.mapped = len(records)
    report.rejected.extend(refused.values())
    report.statuses.update(r.status.value for r in records)
    for record in records:
        report.gaps.extend(str(w) for w in record.warnings)
        profile.add(record)
    return records


def _judge_values(connector: Connector, report: CheckReport, profile: Profile, records: list[SourceComplaint]) -> None:
    reads = read_fields(connector)
    report.values = profile.lines(reads)
    report.warnings = profile.warnings(reads)
    # A category the source itself uses that its [create] cannot say: such complaints
    # routed here by LAPOR! would never be sent.
    gap = unexpressed(connector, "category_code", (r.category_id or "" for r in records))
    if gap is not None:
        table, missing = gap
        shown = ", ".join(repr(m) for m in missing[:5]) + (f" and {len(missing) - 5} more" if len(missing) > 5 else "")
        report.warnings.append(
            f"categories read from the source (as the registry's ids) have no word in [maps.{table}] for [create]: {shown}"
        )


async def check_source(
    connector: Connector, *, kode_wilayah: str, writes: bool = True, show: int = 0, strict: bool = False
) -> CheckReport:
    """Read everything the source lists and map it, read again since the newest change,
    judge the values; then (with `writes`) the write round trips it declares. `show`
    previews that many mapped records."""
    report = CheckReport(connector.name, capabilities=connector.capabilities, writes_skipped=not writes, strict=strict)
    report.write_warnings = write_warnings(connector)
    records: list[SourceComplaint] = []
    try:
        if Capability.LIST_CHANGES in connector.capabilities:
            profile = Profile()
            records = await _read_everything(connector, report, profile)
            _judge_values(connector, report, profile, records)
            report.previews = [preview(r) for r in records[: max(show, 0)]]
            report.since = await incremental_pass(connector, records, report.read)
        if writes:
            report.round_trips = await round_trips(connector, kode_wilayah, records)
    except ConnectorError as exc:
        report.failure = in_words(exc)
    except MappingError as exc:
        report.failure = (
            f"{exc.code}: the test record was written but cannot be read back: fields.{exc.field}: {exc.reason}"
        )
    return report
