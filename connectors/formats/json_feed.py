"""JSON bodies: the records found at a path of the document."""

from __future__ import annotations

import json

from connectors.errors import DecodeError
from connectors.paths import MISSING, get_path
from connectors.records import RawRecord


def decode_json(source: str, body: bytes, records_path: str = "") -> list[RawRecord]:
    """The list of objects at `records_path` ("" for the whole document)."""
    try:
        document = json.loads(body)
    except (ValueError, RecursionError):
        raise DecodeError(source, "body is not valid JSON (truncated, HTML or garbage?)") from None
    found = get_path(document, records_path) if records_path else document
    if found is MISSING or not isinstance(found, list):
        raise DecodeError(source, f"expected a list of records at '{records_path or '(root)'}'")
    if not all(isinstance(r, dict) for r in found):
        raise DecodeError(source, f"expected objects in the list at '{records_path or '(root)'}'")
    return found
