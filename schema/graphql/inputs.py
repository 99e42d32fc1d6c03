"""GraphQL input types and their conversion to canonical values, with checks that need no store.

Checks here raise `UserInputError` (code BAD_USER_INPUT) naming the argument and what was
expected; submission content is checked by `schema.validation`.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Annotated

import strawberry
from graphql import GraphQLError

from schema import canonical as c
from schema import edge_checks as edge
from schema.errors import InputError
from schema.graphql.types import Channel, Classification, PublicBucket, Status
from schema.privacy import mask_contacts
from schema.queries import ComplaintFilter
from schema.queries import SortOrder as _SortOrder
from schema.regions import KODE_WILAYAH_EXPECTED, is_valid_code_format
from schema.validation import ComplaintDraft, FieldError, ValidationFailed

# strawberry.enum marks the enum class itself (and returns it): each name below is that
# class, so type checkers take it as a type.
strawberry.enum(_SortOrder, description="Stable sort of complaint lists.")
SortOrder = _SortOrder


class UserInputError(GraphQLError, InputError):
    """A readable error about the request's arguments; always shown to the client."""

    def __init__(self, errors: list[FieldError]) -> None:
        super().__init__(
            "; ".join(f"{e.field}: {e.message} (expected {e.expected})" for e in errors),
            extensions={
                "code": self.code,
                "fieldErrors": [{"field": e.field, "message": e.message, "expected": e.expected} for e in errors],
            },
        )


def from_validation(exc: ValidationFailed, *, prefix: str | None = "input") -> UserInputError:
    """Re-address validation errors to the argument they came in (None: top-level arguments)."""
    return UserInputError(
        [FieldError(f"{prefix}.{e.field}" if prefix else e.field, e.message, e.expected) for e in exc.errors]
    )


@strawberry.input(description="Narrow a complaint list; every field given must match.")
class ComplaintFilterInput:
    status: list[Status] | None = None
    public_bucket: list[PublicBucket] | None = None
    kode_wilayah: str | None = strawberry.field(
        default=None, description="This region and everything under it, e.g. 16.05."
    )
    agency_id: strawberry.ID | None = strawberry.field(
        default=None, description="Routed to this agency or one of its units."
    )
    category_id: strawberry.ID | None = strawberry.field(default=None, description="In this category or one below it.")
    classification: list[Classification] | None = None
    channel: list[Channel] | None = None
    created_after: datetime | None = strawberry.field(default=None, description="Created at or after this instant.")
    created_before: datetime | None = strawberry.field(default=None, description="Created before this instant.")
    text: str | None = strawberry.field(default=None, description="Words that must all occur in the title or content.")

    def to_canonical(self) -> ComplaintFilter:
        """The store's filter value; raises UserInputError on a bad argument."""
        errors: list[FieldError] = []
        code = self.kode_wilayah.strip() if self.kode_wilayah else None
        if code is not None and not is_valid_code_format(code):
            errors.append(
                FieldError(
                    "filter.kodeWilayah",
                    f"'{mask_contacts(code[:20])}' is not a kode wilayah",
                    KODE_WILAYAH_EXPECTED,
                )
            )
        for name in ("created_after", "created_before"):
            value = getattr(self, name)
            if value is not None and value.tzinfo is None:
                camel = "createdAfter" if name == "created_after" else "createdBefore"
                errors.append(
                    FieldError(
                        f"filter.{camel}",
                        "has no time zone",
                        "an ISO 8601 date-time with an offset, e.g. 2026-03-13T00:00:00+07:00",
                    )
                )
        errors += edge.registry_id("filter.agencyId", str(self.agency_id) if self.agency_id else None)
        errors += edge.registry_id("filter.categoryId", str(self.category_id) if self.category_id else None)
        text = self.text.strip() if self.text else None
        if text is not None and len(text) > 200:
            errors.append(FieldError("filter.text", f"is {len(text)} characters long", "at most 200"))
        if errors:
            raise UserInputError(errors)
        return ComplaintFilter(
            statuses=tuple(self.status or ()),
            buckets=tuple(self.public_bucket or ()),
            kode_wilayah=code,
            agency_id=str(self.agency_id) if self.agency_id else None,
            category_id=str(self.category_id) if self.category_id else None,
            classifications=tuple(self.classification or ()),
            channels=tuple(self.channel or ()),
            created_after=c.utc(self.created_after) if self.created_after else None,
            created_before=c.utc(self.created_before) if self.created_before else None,
            text=text or None,
        )


@strawberry.input(description="Where the incident happened.")
class LocationInput:
    kode_wilayah: str = strawberry.field(description="Kemendagri code at any level.")
    address: str | None = None
    latitude: float | None = None
    longitude: float | None = None


@strawberry.input(description="Metadata of a file already uploaded.")
class AttachmentInput:
    name: str
    media_type: str
    size: int
    sha256: str


@strawberry.input(description="The reporter (pelapor); kept apart from the complaint.")
class ReporterInput:
    name: str | None = None
    nik: str | None = strawberry.field(default=None, description="16-digit NIK.")
    phone: str | None = None
    email: str | None = None


@strawberry.input(description="A new complaint.")
class SubmitComplaintInput:
    classification: Classification
    title: str
    content: str
    location: LocationInput
    incident_date: date | None = None
    category_id: strawberry.ID | None = None
    suggested_agency_id: strawberry.ID | None = None
    tags: list[str] | None = None
    attachments: list[AttachmentInput] | None = None
    is_anonymous: bool = strawberry.field(
        default=False, description="Anonim: hide the reporter's name from the public."
    )
    is_secret: bool = strawberry.field(default=False, description="Rahasia: hide the whole complaint from the public.")
    channel: Channel = c.Channel.WEB
    reporter: ReporterInput | None = None

    def to_draft(self) -> ComplaintDraft:
        """The canonical draft, not yet validated."""
        rep = self.reporter
        return ComplaintDraft(
            classification=self.classification,
            title=self.title,
            content=self.content,
            location=c.Location(
                kode_wilayah=self.location.kode_wilayah,
                address=self.location.address,
                latitude=self.location.latitude,
                longitude=self.location.longitude,
            ),
            channel=self.channel,
            incident_date=self.incident_date,
            category_id=str(self.category_id) if self.category_id else None,
            suggested_agency_id=str(self.suggested_agency_id) if self.suggested_agency_id else None,
            tags=tuple(self.tags or ()),
            attachments=tuple(
                c.Attachment(name=a.name, media_type=a.media_type, size=a.size, sha256=a.sha256)
                for a in self.attachments or ()
            ),
            is_anonymous=self.is_anonymous,
            is_secret=self.is_secret,
            reporter=c.Reporter(name=rep.name, nik=rep.nik, phone=rep.phone, email=rep.email) if rep else None,
        )


IdempotencyKey = Annotated[
    str | None,
    strawberry.argument(
        description="Your own unique key for this request (e.g. a UUID): sending the same request "
        "again with the same key returns the first answer and never applies it twice."
    ),
]
_KEY = re.compile(r"^[\x21-\x7e]{1,120}$")


def checked_key(key: str | None) -> str | None:
    """An idempotency key as given, or a readable error."""
    if key is not None and not _KEY.match(key):
        raise UserInputError(
            [
                FieldError(
                    "idempotencyKey",
                    f"has {len(key)} characters, or spaces or non-ASCII ones",
                    "1 to 120 visible ASCII characters, e.g. a UUID",
                )
            ]
        )
    return key
