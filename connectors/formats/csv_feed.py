"""CSV exports: a header row, a declared encoding and separator, rows as dicts."""

from __future__ import annotations

import csv
import io

from connectors.errors import DecodeError
from connectors.records import RawRecord


def decode_csv(
    source: str,
    body: bytes,
    *,
    encoding: str = "utf-8",
    delimiter: str = ",",
    required_columns: tuple[str, ...] = (),
) -> list[RawRecord]:
    """Every row as {header: value}; a row with the wrong number of cells is refused, and
    so is a header without the required columns (an HTML error page is "valid CSV")."""
    try:
        text = body.decode(encoding)
    except UnicodeDecodeError:
        raise DecodeError(source, f"body is not {encoding} text") from None
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        rows = list(reader)
    except csv.Error:
        raise DecodeError(source, "body is not valid CSV") from None
    if not rows:
        if required_columns:
            raise DecodeError(source, "body is empty; expected a CSV header row")
        return []
    header = [h.strip() for h in rows[0]]
    missing = [c for c in required_columns if c not in header]
    if missing:
        raise DecodeError(source, f"CSV header lacks the column '{missing[0][:40]}'")
    out: list[RawRecord] = []
    for number, row in enumerate(rows[1:], start=2):
        if not row:
            continue
        if len(row) != len(header):
            raise DecodeError(source, f"line {number} has {len(row)} cells, expected {len(header)}")
        out.append(dict(zip(header, row, strict=True)))
    return out
