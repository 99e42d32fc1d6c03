"""The public view as an allow-list: every string of a public object passes the contact
mask, except the fields named here, which hold identifiers and codes, never free text.

Free text reaches the public from many hands: the reporter's title and content, the
address, an officer's follow-up ("we called Ibu X at 0812…"), a file's name, the rating
comment. Masking what is known to be free text would let the next new field through;
masking everything but known identifiers cannot.
"""

from __future__ import annotations

import dataclasses
from typing import TypeVar, cast

from schema.privacy import mask_contacts

# Identifiers and codes: masking them could turn a long LAPOR! or regency number into
# "[NUMBER]" and break the links a client follows.
NOT_FREE_TEXT = frozenset(
    {
        "id",
        "tracking_id",
        "agency_id",
        "category_id",
        "routed_agency_id",
        "kode_wilayah",
        "time_zone",
        "media_type",
        "sha256",
    }
)
T = TypeVar("T")


def masked(value: T) -> T:
    """The value with every free-text string in it (through lists and nested objects)
    masked; enums, numbers and dates are left as they are."""
    if type(value) is str:
        # `type(...) is str` keeps str enums out, but narrows only for isinstance.
        return cast(T, mask_contacts(cast(str, value)))
    if isinstance(value, list | tuple):
        return type(value)(masked(v) for v in value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        changes = {
            f.name: masked(getattr(value, f.name))
            for f in dataclasses.fields(value)
            if f.init and f.name not in NOT_FREE_TEXT
        }
        return dataclasses.replace(value, **changes)
    return value
