"""The conformance check: run a live source through its connector and say whether it works.

Reading: it lists every record, maps each one, and reports what could not be mapped and
why. Writing (unless read-only): for each write capability the source declares, a round
trip with one clearly labelled test record: create it (and, where the source recognises
repeats, create it again and expect the same record), read it back, change its status and
read that back, add a follow-up. Any fault of the source itself (unreachable, refused,
garbage) is reported with its code. It passes when everything declared works.
"""

from __future__ import annotations

import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime

from schema.canonical import Status

from lokal.samaran import mask_pii

from connectors.errors import ConnectorError, UpstreamRejected
from connectors.mapping import MappingError
from connectors.protocol import (
    Capability,
    Connector,
    FollowUp,
    NewComplaint,
    StatusChange,
    can_read_back,
    read_back,
)
from connectors.records import SourceComplaint

TEST_TITLE = "[TEST] Penghubung conformance check"
TEST_CONTENT = (
    "Uji koneksi Penghubung (connection test): this record was created by "
    "`penghubung connector check` and may be archived."
)
_WRITES = (Capability.CREATE, Capability.CHANGE_STATUS, Capability.ADD_FOLLOW_UP)


@dataclass(frozen=True, slots=True)
class RoundTrip:
    """The outcome of one write round trip."""

    capability: Capability
    ok: bool
    detail: str


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
    # How many records carried each of the optional parts regency systems often leave out.
    carried: Counter[str] = field(default_factory=Counter)
    # Stored, but without a part the mapping could not carry (a category code with no entry).
    warnings: list[str] = field(default_factory=list)
    round_trips: list[RoundTrip] = field(default_factory=list)
    writes_skipped: bool = False

    @property
    def passed(self) -> bool:
        """Everything the source declares worked, and every record it listed mapped."""
        lists = Capability.LIST_CHANGES in self.capabilities
        return (
            self.failure is None
            and (self.read > 0 or not lists)
            and not self.rejected
            and all(r.ok for r in self.round_trips)
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
        if self.statuses:
            lines.append("      statuses: " + ", ".join(f"{s} {n}" for s, n in sorted(self.statuses.items())))
        if self.mapped:
            lines.append(
                f"      carried: category {self.carried['category']}, incident date {self.carried['incident_date']},"
                f" OPD disposition {self.carried['disposition']} of {self.mapped} records"
            )
        for warning in self.warnings[:5]:
            lines.append(f"      warning: {warning}")
        if len(self.warnings) > 5:
            lines.append(f"      ... and {len(self.warnings) - 5} more warnings")
        # The same problem on many records is one line, with a count and an example.
        groups: dict[tuple[str, str], list[str]] = {}
        for error in self.rejected:
            groups.setdefault((error.field, error.reason), []).append(error.record_ref)
        for (field_name, reason), refs in list(groups.items())[:20]:
            more = f" (and {len(refs) - 1} more records)" if len(refs) > 1 else ""
            lines.append(f"      not mapped: record {refs[0]}{more}: fields.{field_name}: {reason}")
        if len(groups) > 20:
            lines.append(f"      ... and {len(groups) - 20} more kinds of problem")
        for trip in self.round_trips:
            lines.append(f"      {'ok  ' if trip.ok else 'FAIL'} {trip.capability.value}: {trip.detail}")
        if self.writes_skipped and any(c in self.capabilities for c in _WRITES):
            lines.append("      writes not tried (read-only check)")
        if self.failure:
            lines.append(f"      source failed: {self.failure}")
        if self.read == 0 and self.failure is None and Capability.LIST_CHANGES in self.capabilities:
            lines.append("      the source answered with no records; expected at least one")
        return "\n".join(lines)


async def _read_everything(connector: Connector, report: CheckReport) -> None:
    async for batch in connector.changes():
        report.read += batch.raw_count
        report.mapped += len(batch.records)
        report.rejected.extend(e for e in batch.rejected if isinstance(e, MappingError))
        report.statuses.update(r.status.value for r in batch.records)
        for r in batch.records:
            report.warnings.extend(str(w) for w in r.warnings)
            report.carried.update(
                name
                for name, value in (
                    ("category", r.category_id), ("incident_date", r.incident_date), ("disposition", r.disposed_to)
                )
                if value is not None
            )


async def _find(connector: Connector, source_id: str) -> SourceComplaint | None | bool:
    """The record as the source now has it; False when the source cannot be read at all."""
    return await read_back(connector, source_id) if can_read_back(connector) else False


async def _round_trips(connector: Connector, report: CheckReport, kode_wilayah: str) -> None:
    caps = connector.capabilities
    if Capability.CREATE not in caps:
        return
    ref = f"penghubung-check-{uuid.uuid4().hex[:12]}"
    complaint = NewComplaint(
        external_ref=ref,
        title=TEST_TITLE,
        content=TEST_CONTENT,
        kode_wilayah=kode_wilayah,
        created_at=datetime.now(UTC),
    )
    created = await connector.create(complaint)
    detail = f"created {created.source_id}"
    ok = bool(created.source_id)
    if Capability.CREATE in connector.repeat_safe:
        again = await connector.create(complaint)
        ok = ok and again.source_id == created.source_id
        detail += (
            ", a repeat was recognised"
            if again.source_id == created.source_id
            else f", but a repeat created another record ({again.source_id})"
        )
    else:
        detail += "; the source cannot recognise a repeated create (retries need a lookup first)"
    found = await _find(connector, created.source_id)
    if found is False:
        detail += "; not read back (push only)"
    elif found is None:
        ok, detail = False, detail + "; reading it back found nothing"
    elif TEST_CONTENT not in found.content:
        ok, detail = False, detail + "; read back with different content"
    else:
        detail += f"; read back as {found.status.value}"
    report.round_trips.append(RoundTrip(Capability.CREATE, ok, detail))
    if not ok:
        return
    if Capability.CHANGE_STATUS in caps:
        target = Status.DIDISPOSISIKAN
        await connector.change_status(
            created.source_id, StatusChange(external_ref=f"{ref}-status", status=target, unit="opd-check")
        )
        found = await _find(connector, created.source_id)
        if found is False:
            report.round_trips.append(RoundTrip(Capability.CHANGE_STATUS, True, f"set {target.value}; not readable"))
        else:
            now = found.status.value if found else "nothing"
            good = found is not None and found.status is target
            report.round_trips.append(
                RoundTrip(Capability.CHANGE_STATUS, good, f"set {target.value}, read back {now}")
            )
    if Capability.ADD_FOLLOW_UP in caps:
        follow_up = FollowUp(
            external_ref=f"{ref}-tl", text="Tindak lanjut uji koneksi (test follow-up).", at=datetime.now(UTC)
        )
        await connector.add_follow_up(created.source_id, follow_up)
        found = await _find(connector, created.source_id)
        if found is False:
            report.round_trips.append(RoundTrip(Capability.ADD_FOLLOW_UP, True, "added; not readable"))
        elif found is None:
            report.round_trips.append(RoundTrip(Capability.ADD_FOLLOW_UP, False, "added, but the record is gone"))
        elif not getattr(connector, "reads_follow_ups", False):
            report.round_trips.append(
                RoundTrip(
                    Capability.ADD_FOLLOW_UP,
                    True,
                    f"added, record now {found.status.value}; its text is not verified "
                    "(the mapping declares no [follow_ups] to read back)",
                )
            )
        else:
            arrived = any(follow_up.text == f.text for f in found.follow_ups)
            detail = "added and read back" if arrived else "sent, but reading the record back does not show its text"
            report.round_trips.append(RoundTrip(Capability.ADD_FOLLOW_UP, arrived, f"{detail}, record now {found.status.value}"))


async def check_source(connector: Connector, *, kode_wilayah: str, writes: bool = True) -> CheckReport:
    """Read everything the source lists and map it; then the write round trips it declares."""
    report = CheckReport(connector.name, capabilities=connector.capabilities, writes_skipped=not writes)
    try:
        if Capability.LIST_CHANGES in connector.capabilities:
            await _read_everything(connector, report)
        if writes:
            await _round_trips(connector, report, kode_wilayah)
    except UpstreamRejected as exc:
        reply = exc.body[:300].decode("utf-8", errors="replace").strip() if exc.body else ""
        # The source's own words usually say what is wrong; personal data in them is masked.
        said = f"; it said: {' '.join(mask_pii(reply).text.split())[:200]}" if reply else ""
        report.failure = f"{exc.code}: {exc.message}{said}"
    except ConnectorError as exc:
        report.failure = f"{exc.code}: {exc.message}"
    except MappingError as exc:
        report.failure = f"{exc.code}: the test record was written but cannot be read back: fields.{exc.field}: {exc.reason}"
    return report
