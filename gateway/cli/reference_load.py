"""`penghubung reference load FILE [--dry-run]`: load the agency and category registries.

Prints, per registry, what was added, updated (with the fields), unchanged, and kept (in
the store but not in the file; never deleted, complaints refer to them).
"""

from __future__ import annotations

import sys
from pathlib import Path

from gateway.domain.reference import LoadReport, RegistryChanges, load_reference
from gateway.domain.reference_file import ReferenceFileError, read_reference
from gateway.settings import GatewaySettings, redacted
from gateway.store.database import pending_migrations, store


def _lines(kind: str, changes: RegistryChanges) -> list[str]:
    lines = [
        f"{kind}: {len(changes.added)} added, {len(changes.updated)} updated, "
        f"{len(changes.unchanged)} unchanged, {len(changes.kept)} kept (in the store, not in the file)"
    ]
    lines += [f"  added      {i}" for i in changes.added]
    lines += [f"  updated    {u.id}: {', '.join(u.fields)}" for u in changes.updated]
    lines += [f"  kept       {i} (not in the file; never deleted, complaints may refer to it)" for i in changes.kept]
    return lines


def report_lines(report: LoadReport) -> list[str]:
    """The report as an operator reads it."""
    lines = _lines("agencies", report.agencies) + _lines("categories", report.categories)
    if not report.written:
        lines.append("dry run: nothing was written")
    elif not report.changed:
        lines.append("nothing changed: the store already holds this file's registry")
    return lines


async def run_load(settings: GatewaySettings, path: Path, *, dry_run: bool) -> int:
    """Load a reference file into the store named by the settings; returns the exit code."""
    try:
        document = read_reference(path)
    except ReferenceFileError as exc:
        print(f"penghubung: {exc}", file=sys.stderr)
        return 2
    if pending := await pending_migrations(settings.database_url):
        print(
            f"penghubung: database {redacted(settings.database_url)} lacks migrations "
            f"{', '.join(pending)}; run `penghubung migrate` first",
            file=sys.stderr,
        )
        return 2
    async with store(settings.database_url):
        try:
            report = await load_reference(document, dry_run=dry_run)
        except ReferenceFileError as exc:
            print(f"penghubung: {path}: {exc}", file=sys.stderr)
            return 2
    for line in report_lines(report):
        print(line)
    if report.written:
        print(f"loaded {path} into {redacted(settings.database_url)}")
    return 0
