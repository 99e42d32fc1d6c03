"""GraphQL answers: the records at a path under `data`, with `errors` turned into typed faults.

A GraphQL server answers 200 even when the query failed; the failure is in `errors`. An
answer with errors and no data is the source refusing the request (fatal until fixed), one
with data and errors is partial: the records that came are used, and the fault is not hidden.
"""

from __future__ import annotations

import json

from connectors.errors import DecodeError, UpstreamRejected
from connectors.paths import MISSING, get_path
from connectors.records import RawRecord


def _first_error(errors: object) -> str:
    if isinstance(errors, list) and errors and isinstance(errors[0], dict):
        return str(errors[0].get("message", "no message"))[:200]
    return "no message"


def decode_graphql(source: str, body: bytes, records_path: str) -> list[RawRecord]:
    """The list of objects at `records_path` (e.g. "data.reports.items")."""
    try:
        document = json.loads(body)
    except (ValueError, RecursionError):
        raise DecodeError(source, "body is not valid JSON (truncated, HTML or garbage?)") from None
    if not isinstance(document, dict):
        raise DecodeError(source, "expected a GraphQL answer object with data or errors")
    errors = document.get("errors")
    if errors and document.get("data") is None:
        raise UpstreamRejected(source, f"the GraphQL query failed: {_first_error(errors)}")
    found = get_path(document, records_path)
    if found is MISSING or not isinstance(found, list):
        detail = f"; errors: {_first_error(errors)}" if errors else ""
        raise DecodeError(source, f"expected a list of records at '{records_path}'{detail}")
    if errors:
        # A partial answer: the server nulls the items it could not resolve; keep the rest.
        found = [r for r in found if r is not None]
    if not all(isinstance(r, dict) for r in found):
        raise DecodeError(source, f"expected objects in the list at '{records_path}'")
    return found
