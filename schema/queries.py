"""Read-side query values shared by the GraphQL layer and the store: filters, order, pages.

Filters are an allow-list of typed fields (never raw ORM lookups), so a caller cannot
traverse relations to probe hidden data. Cursors are opaque to clients and encode the
sort key of the last row seen (keyset pagination): rows arriving while a client pages
never cause duplicates or gaps.
"""

from __future__ import annotations

import base64
import binascii
import enum
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Generic, TypeVar

from schema.canonical import Channel, Classification, PublicBucket, Status
from schema.errors import InputError

T = TypeVar("T")

_CURSOR_VERSION = "c1"
# An encoded cursor is about 110 characters; anything far longer was not made here.
MAX_CURSOR_LENGTH = 256


class SortOrder(enum.Enum):
    """The stable sort of complaint lists: by creation time, then id."""

    NEWEST_FIRST = "NEWEST_FIRST"
    OLDEST_FIRST = "OLDEST_FIRST"


@dataclass(frozen=True, slots=True)
class ComplaintFilter:
    """Every field narrows the result; empty tuples and None mean "any"."""

    statuses: tuple[Status, ...] = ()
    buckets: tuple[PublicBucket, ...] = ()
    kode_wilayah: str | None = None  # this region and everything under it
    agency_id: str | None = None  # routed to this agency or one of its units
    category_id: str | None = None  # this category or one below it
    classifications: tuple[Classification, ...] = ()
    channels: tuple[Channel, ...] = ()
    created_after: datetime | None = None  # inclusive
    created_before: datetime | None = None  # exclusive
    text: str | None = None  # words in the title or content


@dataclass(frozen=True, slots=True)
class Cursor:
    """The sort key of one row: where the next page starts."""

    created_at: datetime
    id: str

    def encode(self) -> str:
        """Opaque, URL-safe form given to clients."""
        raw = json.dumps([_CURSOR_VERSION, self.created_at.isoformat(), self.id])
        return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")

    @classmethod
    def decode(cls, value: str) -> Cursor:
        """Parse a cursor from `encode`; raises InvalidCursor for anything else."""
        if len(value) > MAX_CURSOR_LENGTH:
            raise InvalidCursor
        try:
            padded = value + "=" * (-len(value) % 4)
            version, created, row_id = json.loads(base64.urlsafe_b64decode(padded))
            if version != _CURSOR_VERSION or not isinstance(row_id, str):
                raise ValueError(version)
            at = datetime.fromisoformat(created)
            if at.tzinfo is None:
                raise ValueError(created)
        except (ValueError, TypeError, RecursionError, binascii.Error, UnicodeDecodeError) as exc:
            # RecursionError: a forged cursor of nested brackets; ValueError includes a
            # wrong item count when unpacking.
            raise InvalidCursor from exc
        if "\x00" in row_id:
            raise InvalidCursor
        return cls(created_at=at, id=row_id)


class InvalidCursor(InputError, ValueError):
    """A pagination cursor that this API did not produce."""

    # A cursor is client input like any other argument (the issue asks for BAD_USER_INPUT).
    code = "BAD_USER_INPUT"

    def __init__(self) -> None:
        super().__init__(
            "after: not a cursor from this API; expected an endCursor or edge cursor returned by an earlier page"
        )


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    """One page of a keyset-paginated list."""

    items: Sequence[T]
    cursors: Sequence[Cursor]
    has_next_page: bool

    @property
    def end_cursor(self) -> Cursor | None:
        """The cursor of the last item, or None for an empty page."""
        return self.cursors[-1] if self.cursors else None
