"""Shape checks on identifiers and free text as they arrive, before any store query or
text scan: a tracking ID looks like a tracking ID, an id like an id, and free text has a
maximum length. Each check returns `FieldError`s naming the argument and what was expected;
none quotes the value (it may be a NIK or a phone number typed into the wrong field).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from schema.lifecycle import ActionRequest
from schema.validation import CONTENT_MAX, TITLE_MAX, FieldError

# The gateway's own "PGH-XXXXXXXX", LAPOR!'s numbers ("1000001") and the numbers regency
# systems give (letters, digits, '_', '.', '-' and '/'): at most the store's 40.
TRACKING_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_./-]{0,39}")
TRACKING_ID_EXPECTED = (
    "a tracking ID: 1 to 40 letters, digits, '_', '.', '/' or '-', e.g. PGH-7K3M9QXZ or a LAPOR! number"
)
# A complaint's gateway id (a UUID) or "system:source id" (a live list's unsynced record).
COMPLAINT_ID = re.compile(r"[A-Za-z0-9_.:-]{1,200}")
COMPLAINT_ID_EXPECTED = "a complaint id: a UUID, or system:source-id as a live list gives it"
# Registry ids: agencies ("pemkot-16.73"), categories ("infrastruktur"), units.
REGISTRY_ID = re.compile(r"[A-Za-z0-9_.:-]{1,100}")
REGISTRY_ID_EXPECTED = "an id of at most 100 letters, digits, '_', '.', ':' or '-'"
NOTE_MAX = 2_000
UNITS_MAX = 50


def _describe(value: str) -> str:
    return f"is {len(value)} characters long" if len(value) > 40 else "has characters an id cannot have"


def tracking_id(field: str, value: str) -> list[FieldError]:
    """Problems with a tracking ID argument (surrounding spaces are forgiven)."""
    value = value.strip()
    if TRACKING_ID.fullmatch(value):
        return []
    return [FieldError(field, "is empty" if not value else "is not a tracking ID", TRACKING_ID_EXPECTED)]


def complaint_id(field: str, value: str) -> list[FieldError]:
    """Problems with a complaint id argument."""
    if COMPLAINT_ID.fullmatch(value):
        return []
    return [FieldError(field, "is not a complaint id", COMPLAINT_ID_EXPECTED)]


def registry_id(field: str, value: str | None) -> list[FieldError]:
    """Problems with an agency, category or unit id argument (None: not given)."""
    if value is None or REGISTRY_ID.fullmatch(value):
        return []
    return [FieldError(field, _describe(value), REGISTRY_ID_EXPECTED)]


def text(field: str, value: str | None, maximum: int) -> list[FieldError]:
    """A free-text argument longer than its maximum (counted before any normalising)."""
    if value is None or len(value) <= maximum:
        return []
    return [FieldError(field, f"is {len(value)} characters long", f"at most {maximum} characters")]


def action_request(request: ActionRequest, names: dict[str, str]) -> list[FieldError]:
    """A lifecycle action's arguments; `names` renames fields as the mutation calls them
    (RATE's note is `comment`, ARCHIVE's `reason`)."""

    def name(field: str) -> str:
        return names.get(field, field)

    errors = [
        *text(name("note"), request.note, NOTE_MAX),
        *text(name("title"), request.title, TITLE_MAX),
        *text(name("content"), request.content, CONTENT_MAX),
        *registry_id(name("categoryId"), request.category_id),
        *registry_id(name("toAgencyId"), request.to_agency_id),
    ]
    if len(request.unit_ids) > UNITS_MAX:
        errors.append(FieldError(name("unitIds"), f"has {len(request.unit_ids)} units", f"at most {UNITS_MAX}"))
    else:
        errors += _each(name("unitIds"), request.unit_ids)
    return errors


def _each(field: str, ids: Iterable[str]) -> list[FieldError]:
    return [e for i, unit in enumerate(ids) for e in registry_id(f"{field}[{i}]", unit)]
