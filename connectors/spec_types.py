"""The frozen specs a mapping file parses into: a field, the list request, the source.

Only the shapes, apart from their parsing (connectors/spec.py), so that the registries the
parser looks names up in (paginators, formats, authenticators, paging) can name these types
without importing the parser that imports them.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from connectors.attachment_spec import AttachmentsSpec
from connectors.follow_up_spec import FollowUpsSpec
from connectors.write_spec import WriteSpecs


@dataclass(frozen=True, slots=True)
class FieldSpec:
    """Where one canonical field comes from, and how it is converted."""

    name: str
    path: str | None = None  # dotted path, [n] for list items, @attr for XML attributes
    const: object = None
    cast: str = "str"
    map: str | None = None  # name of a [maps.*] table
    default: object = None
    optional: bool = False
    pattern: re.Pattern[str] | None = None  # an id format the value must match
    extract: re.Pattern[str] | None = None  # take the first group of this match from the value
    format: str | None = None  # a strptime pattern for date and datetime casts
    zone: str | None = None  # the zone of this field's times, where it is not the source's
    true_words: tuple[str, ...] | None = None  # a bool cast's yes words (else the built-in ones)
    false_words: tuple[str, ...] | None = None


@dataclass(frozen=True, slots=True)
class RequestSpec:
    """How records are listed: endpoint, format, pagination and where the secret goes."""

    path: str = "/"
    method: str = "GET"  # POST sends the parameters as a form (or GraphQL variables)
    format: str = "json"
    query: str | None = None  # the GraphQL document, for format = "graphql"
    delimiter: str = ","
    # Fixed query parameters sent on every list request (e.g. an order the source needs).
    params: Mapping[str, str] = field(default_factory=dict)
    since_param: str | None = None
    since_cast: str = "datetime"  # how the cursor is written: one of SINCE_CASTS
    since_format: str | None = None  # or a strptime pattern, in the source's zone
    pagination: str = "none"
    page_param: str = "page"
    offset_param: str = "offset"  # offset: the parameter holding how many records to skip
    size_param: str | None = None
    size: int = 100
    cursor_param: str = "cursor"
    # cursor: where the next cursor is in the answer; next_link: where the next page's URL is.
    next_cursor: str = "nextCursor"
    # The list is ordered by update time, oldest first: pages advance `since` instead of the
    # page number, so records changed while paging are never skipped.
    oldest_first: bool = False
    auth: str = "none"
    auth_name: str | None = None  # header, query parameter or body field name


@dataclass(frozen=True, slots=True)
class SourceSpec:
    """One source system, as its mapping file describes it."""

    name: str
    kode_wilayah: str
    time_zone: str = "WIB"
    encoding: str = "utf-8"
    records_path: str = ""
    request: RequestSpec = field(default_factory=RequestSpec)
    fields: Mapping[str, FieldSpec] = field(default_factory=dict)
    maps: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    writes: WriteSpecs = field(default_factory=WriteSpecs)
    follow_ups: FollowUpsSpec | None = None
    attachments: AttachmentsSpec | None = None
    python: str | None = None  # "package.module:Class": an HttpSource subclass for quirks


__all__ = ["FieldSpec", "RequestSpec", "SourceSpec"]
