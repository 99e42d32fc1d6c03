"""Text that came from upstream systems (sync errors, rejected records, sync notes) as a
caller who may not see reporter identity reads it.

Such text can quote a record's values: a reporter's name, NIK, phone or e-mail. Regional
coordinators and auditors must never see identity (docs/domain.md §1.6), so for them every quoted
value is withheld, then contact details and labelled personal data are masked. Values
without quotes or labels that are names cannot be told from other words; quoting is how
the gateway's own messages carry values, which is what this relies on.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import TYPE_CHECKING, TypeVar

from lokal.samaran import mask_pii

from auth.policy import Access
from schema.privacy import mask_contacts

if TYPE_CHECKING:
    from _typeshed import DataclassInstance

D = TypeVar("D", bound="DataclassInstance")

WITHHELD = "'(withheld)'"
# A quoted value, bounded (the stored texts are at most 300 characters); possessive, so a
# quote without its closing one costs one look at the text, not a retry from each quote.
_QUOTED = re.compile(r"'[^'\n]{0,300}+'|\"[^\"\n]{0,300}+\"")


def may_read_as_written(access: Access) -> bool:
    """Whether a caller reads upstream text as written: only one who may see every
    reporter's identity, anonymous ones included (the national admin, a trusted connector),
    since the text can be about any record."""
    return access.identities.everything and access.anonymous_identities.everything


def for_caller(access: Access, text: str | None) -> str | None:
    """Upstream text as this caller may read it."""
    return text if may_read_as_written(access) else identity_free(text)


def identity_free(text: str | None) -> str | None:
    """The text with quoted values withheld and contact details and personal data masked."""
    if text is None:
        return None
    return mask_contacts(mask_pii(_QUOTED.sub(WITHHELD, text)).text)


def identity_free_fields(value: D, fields: tuple[str, ...]) -> D:
    """A dataclass value with the named text fields passed through `identity_free`."""
    return replace(value, **{f: identity_free(getattr(value, f)) for f in fields})
