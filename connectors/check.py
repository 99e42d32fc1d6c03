"""The conformance check: read a live source with its mapping and say whether it works.

It lists every record, maps each one, and reports what could not be mapped and why, and
any fault of the source itself (unreachable, refused, garbage). It passes when the source
answered, gave at least one record, and every record mapped.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from connectors.errors import ConnectorError
from connectors.mapping import MappingError
from connectors.source import HttpSource


@dataclass
class CheckReport:
    """What one check found."""

    source: str
    read: int = 0
    mapped: int = 0
    rejected: list[MappingError] = field(default_factory=list)
    failure: str | None = None
    statuses: Counter[str] = field(default_factory=Counter)

    @property
    def passed(self) -> bool:
        """The source answered, had records, and every record mapped."""
        return self.failure is None and self.read > 0 and not self.rejected

    def render(self) -> str:
        """A short readable report."""
        lines = [f"{'PASS' if self.passed else 'FAIL'}  {self.source}: {self.read} records read, {self.mapped} mapped, {len(self.rejected)} not mapped"]
        if self.statuses:
            lines.append("      statuses: " + ", ".join(f"{s} {n}" for s, n in sorted(self.statuses.items())))
        # The same problem on many records is one line, with a count and an example.
        groups: dict[tuple[str, str], list[str]] = {}
        for error in self.rejected:
            groups.setdefault((error.field, error.reason), []).append(error.record_ref)
        for (field_name, reason), refs in list(groups.items())[:20]:
            more = f" (and {len(refs) - 1} more records)" if len(refs) > 1 else ""
            lines.append(f"      not mapped: record {refs[0]}{more}: fields.{field_name}: {reason}")
        if len(groups) > 20:
            lines.append(f"      ... and {len(groups) - 20} more kinds of problem")
        if self.failure:
            lines.append(f"      source failed: {self.failure}")
        if self.read == 0 and self.failure is None:
            lines.append("      the source answered with no records; expected at least one")
        return "\n".join(lines)


async def check_source(source: HttpSource) -> CheckReport:
    """Read everything the source lists and map it."""
    report = CheckReport(source.spec.name)
    try:
        async for batch in source.pages():
            report.read += batch.raw_count
            report.mapped += len(batch.records)
            report.rejected.extend(batch.rejected)
            report.statuses.update(r.status.value for r in batch.records)
    except ConnectorError as exc:
        report.failure = f"{exc.code}: {exc.message}"
    return report
