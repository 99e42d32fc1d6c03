"""The conformance check's look at the values a source's records map to.

A mapping can map every record and still be wrong: a Y/T flag read so that every complaint
is secret, a category path that leads nowhere, a zone that puts every time in the future.
So the check counts each field's values (counts only: personal fields are shown as present
or absent, never their values) and warns about distributions that are almost surely a
mapping mistake. `preview` shows a few mapped records for a person to eyeball.

Fields are found by name on the records, so canonical fields added later are counted and
previewed too.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field, fields
from datetime import UTC, date, datetime, timedelta
from enum import Enum

from lokal.samaran import mask_pii

from connectors.records import PERSONAL, SourceComplaint

# With one or two records "every record" says little; from three on it is a pattern.
MIN_FOR_WARNINGS = 3
# Coded fields shown with their values (never personal, never free text).
CODED = (
    "status",
    "classification",
    "channel",
    "kode_wilayah",
    "category_code",
    "category_id",
    "agency_id",
    "disposed_to",
)
# Fields shown only as present/absent.
PRESENCE = ("incident_date", "reporter", "address", "latitude", "lapor_tracking_id", "external_ref", "attachments")
# Shown whether or not the mapping reads them: a default here is as telling as a value.
ALWAYS = (
    "is_secret",
    "is_anonymous",
    "category_code",
    "category_id",
    "channel",
    "kode_wilayah",
    "agency_id",
    "disposed_to",
    "incident_date",
    "reporter",
)
FUTURE_SLACK = timedelta(minutes=10)  # clocks differ a little; a wrong zone is hours off
DECADES = timedelta(days=365 * 20)
TOP = 6
_NONE = "(none)"


@dataclass
class Profile:
    """Value counts per canonical field over the records read."""

    total: int = 0
    counts: dict[str, Counter[str]] = field(default_factory=dict)
    created: Counter[datetime] = field(default_factory=Counter)
    times: dict[str, list[datetime]] = field(default_factory=lambda: {"created_at": [], "updated_at": []})

    def add(self, record: SourceComplaint) -> None:
        """Count one mapped record."""
        self.total += 1
        for f in fields(record):
            value = getattr(record, f.name)
            if isinstance(value, bool):
                key = "true" if value else "false"
            elif f.name in CODED:
                key = _NONE if value in (None, "") else str(value.value if isinstance(value, Enum) else value)
            elif f.name in PRESENCE:
                key = "present" if value not in (None, "", ()) else "absent"
            else:
                continue
            self.counts.setdefault(f.name, Counter())[key] += 1
        for name, seen in self.times.items():
            seen.append(getattr(record, name))
        self.created[record.created_at] += 1

    def lines(self, reads: frozenset[str] | None = None) -> list[str]:
        """The counts, compactly: a line per coded field (most common values first), one for
        the yes/no flags, one for what is present. Fields the mapping does not read are
        left out, except those that matter whatever the mapping (flags, category, region,
        agency, channel, incident date, reporter)."""
        coded, flags, present = [], [], []
        for name, counter in self.counts.items():
            if name == "status" or not _shown_field(name, reads):
                continue  # the status has its own line, as always
            if set(counter) <= {"true", "false"}:
                flags.append(f"{name} " + ", ".join(f"{v} {n}" for v, n in sorted(counter.items())))
            elif set(counter) <= {"present", "absent"}:
                present.append(f"{name} {counter.get('present', 0)} of {self.total}")
            else:
                text = ", ".join(f"{value} {n}" for value, n in counter.most_common(TOP))
                if len(counter) > TOP:
                    text += f", ... ({len(counter) - TOP} more values)"
                coded.append(f"{name}: {text}")
        if flags:
            coded.append("flags: " + "; ".join(flags))
        if present:
            coded.append("present: " + ", ".join(present))
        return coded

    def warnings(self, reads: frozenset[str] | None, now: datetime | None = None) -> list[str]:
        """Distributions that are almost surely a mapping mistake."""
        if self.total < MIN_FOR_WARNINGS:
            return []
        now = now or datetime.now(UTC)
        found = []
        for flag, meaning in (("is_secret", "secret (rahasia)"), ("is_anonymous", "anonymous")):
            if self.counts.get(flag, Counter()).get("true") == self.total:
                found.append(
                    f"every record ({self.total}) reads as {meaning}: check the mapping of {flag} "
                    "(a yes/no word read the wrong way round?)"
                )
        for name in ("category_code", "category_id"):
            categories = self.counts.get(name, Counter())
            if categories.get(_NONE) == self.total and (reads is None or name in reads):
                found.append(f"no record ({self.total}) has a category: check the path and map of {name}")
        if (
            reads is not None
            and "attachments" in reads
            and not self.counts.get("attachments", Counter()).get("present")
        ):
            found.append(f"no record ({self.total}) has files: check [attachments] path and name")
        if len(self.created) == 1:
            found.append(f"every record ({self.total}) has the same created_at: check its path and cast")
        for name, seen in self.times.items():
            if all(t > now + FUTURE_SLACK for t in seen):
                found.append(f"every {name} is in the future: check the cast and [source] time_zone")
            elif all(t < now - DECADES for t in seen):
                found.append(f"every {name} is decades old: check the cast (seconds or milliseconds?)")
        return found


def _shown_field(name: str, reads: frozenset[str] | None) -> bool:
    return reads is None or name in ALWAYS or name in reads


def _shown(name: str, value: object) -> str:
    if value is None or value == "" or value == ():
        return "-"
    if name in PERSONAL:
        return "(masked)"
    if isinstance(value, Enum):
        return str(value.value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, str):
        # Free text can quote a name or a phone number: masked like every other report line.
        text = " ".join(mask_pii(value).text.split())
        return repr(text if len(text) <= 80 else text[:79] + "…")
    if isinstance(value, tuple):
        return f"{len(value)} items"
    return str(value)


def preview(record: SourceComplaint) -> list[str]:
    """A mapped record as `canonical field: value` lines, personal values masked."""
    lines = []
    for f in fields(record):
        if f.name in ("source", "version"):  # the source is named above; the version is internal
            continue
        value = getattr(record, f.name)
        if f.name == "reporter":
            # The reporter's parts by their canonical field names, masked.
            for part in ("name", "nik", "phone", "email"):
                given = getattr(value, part, None) if value is not None else None
                lines.append(f"reporter_{part}: {'(masked)' if given else '-'}")
            continue
        lines.append(f"{f.name}: {_shown(f.name, value)}")
    return lines
