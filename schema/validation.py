"""Validation of a new complaint before anything is stored.

Every problem becomes a `FieldError` naming the field (as the API spells it), what was
expected and, where that is not personal data, what arrived. All problems are collected
and raised together, so a client can fix its input in one round. Text is Unicode-normalised
(NFC) before any length check, so the same words always count the same.

Personal data (NIK, phone, e-mail, names) is never echoed back in an error.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Collection
from dataclasses import dataclass, replace
from datetime import date

from lokal import nik as _nik
from lokal import phone as _phone

from schema.canonical import (
    Attachment,
    Channel,
    Classification,
    Location,
    Reporter,
)
from schema.errors import InputError
from schema.privacy import mask_contacts
from schema.regions import KODE_WILAYAH_EXPECTED, is_valid_code_format, region_exists

TITLE_MAX = 150
CONTENT_MIN = 10
CONTENT_MAX = 10_000
ADDRESS_MAX = 500
TAGS_MAX = 10
TAG_MAX = 40
ATTACHMENTS_MAX = 10
ATTACHMENT_SIZE_MAX = 25 * 1024 * 1024
ATTACHMENT_NAME_MAX = 200
NAME_MAX = 100
EMAIL_MAX = 254
ATTACHMENT_TYPES = frozenset(
    {
        "image/jpeg",
        "image/png",
        "image/webp",
        "application/pdf",
        "video/mp4",
        "audio/mpeg",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    }
)
# A generous box around Indonesia: a point outside it is a swapped or mistyped coordinate.
LATITUDE_RANGE = (-11.5, 6.5)
LONGITUDE_RANGE = (94.5, 141.5)

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_SHA256 = re.compile(r"^[0-9a-f]{64}$")
_TAG = re.compile(r"^[\w][\w -]*$")
# Control characters other than tab and newlines have no place in a complaint.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


# lokal-id's NIK check codes, in words.
_NIK_PROBLEMS = {
    "format": "does not have 16 digits",
    "serial": "has serial number 0000",
    "birth_date": "has an impossible birth date",
    "province": "starts with a province code that does not exist",
    "regency": "starts with a regency code that does not exist",
    "district": "starts with a kecamatan code that does not exist",
}


@dataclass(frozen=True, slots=True)
class FieldError:
    """One problem with one input field."""

    field: str
    message: str
    expected: str


class ValidationFailed(InputError, ValueError):
    """The input was rejected; nothing was stored. Carries every problem found."""

    code = "BAD_USER_INPUT"

    def __init__(self, errors: list[FieldError]) -> None:
        self.errors = tuple(errors)
        super().__init__("; ".join(f"{e.field}: {e.message}" for e in errors))


@dataclass(frozen=True, slots=True)
class ComplaintDraft:
    """What a reporter submits: a complaint before it has an id or a status."""

    classification: Classification
    title: str
    content: str
    location: Location
    channel: Channel = Channel.WEB
    incident_date: date | None = None
    category_id: str | None = None
    suggested_agency_id: str | None = None
    tags: tuple[str, ...] = ()
    attachments: tuple[Attachment, ...] = ()
    is_anonymous: bool = False
    is_secret: bool = False
    reporter: Reporter | None = None


def normalise_text(value: str) -> str:
    """NFKC-normalise and trim; the form every length check sees.

    NFKC also folds compatibility forms (fullwidth letters, ligatures) so the same words
    always count and match the same.
    """
    return unicodedata.normalize("NFKC", value).strip()


def visible_length(text: str) -> int:
    """Characters that show: format characters (zero-width space, joiners) do not count."""
    return len("".join(ch for ch in text if unicodedata.category(ch) != "Cf").strip())


def _characters(n: int) -> str:
    return f"{n} character{'s' if n != 1 else ''}"


class FieldChecker:
    """Collects FieldErrors; `text` normalises and checks one text field."""

    def __init__(self) -> None:
        self.errors: list[FieldError] = []

    def add(self, path: str, message: str, expected: str) -> None:
        """Note one problem."""
        self.errors.append(FieldError(path, message, expected))

    def raise_if_any(self) -> None:
        """Raise ValidationFailed with everything noted, if anything was."""
        if self.errors:
            raise ValidationFailed(self.errors)

    def text(
        self,
        path: str,
        value: str | None,
        *,
        max_len: int,
        min_len: int = 0,
        required: bool = False,
    ) -> str | None:
        """The normalised text, after noting what is wrong with it (if anything)."""
        if value is None:
            if required:
                self.add(path, "is required", f"text of {min_len or 1}-{max_len} characters")
            return None
        text = normalise_text(value)
        shown = visible_length(text)
        if _CONTROL.search(text):
            self.add(path, "contains control characters", "printable text")
        if required and not shown:
            self.add(path, "is empty", f"text of {max(min_len, 1)}-{max_len} characters")
        elif len(text) > max_len:
            self.add(path, f"is {_characters(len(text))} long", f"at most {_characters(max_len)}")
        elif shown and shown < min_len:
            self.add(path, f"is {_characters(shown)} long", f"at least {_characters(min_len)}")
        return text


def _check_location(c: FieldChecker, loc: Location) -> Location:
    code = loc.kode_wilayah.strip()
    if not is_valid_code_format(code):
        c.add(
            "location.kodeWilayah",
            f"'{mask_contacts(code[:20])}' is not a kode wilayah",
            KODE_WILAYAH_EXPECTED,
        )
    elif not region_exists(code):
        c.add(
            "location.kodeWilayah",
            f"'{code}' names no region",
            "an existing Kemendagri 2025 region code",
        )
    address = c.text("location.address", loc.address, max_len=ADDRESS_MAX)
    lat, lon = loc.latitude, loc.longitude
    if (lat is None) != (lon is None):
        c.add("location", "has only one coordinate", "both latitude and longitude, or neither")
    if lat is not None and not LATITUDE_RANGE[0] <= lat <= LATITUDE_RANGE[1]:
        c.add(
            "location.latitude",
            f"{lat} is outside Indonesia",
            f"a latitude between {LATITUDE_RANGE[0]} and {LATITUDE_RANGE[1]}",
        )
    if lon is not None and not LONGITUDE_RANGE[0] <= lon <= LONGITUDE_RANGE[1]:
        c.add(
            "location.longitude",
            f"{lon} is outside Indonesia",
            f"a longitude between {LONGITUDE_RANGE[0]} and {LONGITUDE_RANGE[1]}",
        )
    return replace(loc, kode_wilayah=code, address=address or None)


def _check_reporter(c: FieldChecker, reporter: Reporter) -> Reporter:
    name = c.text("reporter.name", reporter.name, max_len=NAME_MAX)
    nik = reporter.nik.strip() if reporter.nik else None
    if nik:
        info = _nik.parse_nik(nik)
        if not info.valid:
            reason = "; ".join(_NIK_PROBLEMS.get(i.code, "is not a valid NIK") for i in info.errors)
            c.add(
                "reporter.nik",
                reason or "is not a valid NIK",
                "a 16-digit NIK: region code, birth date (day +40 for women), serial",
            )
        elif not region_exists(f"{nik[0:2]}.{nik[2:4]}.{nik[4:6]}"):
            c.add(
                "reporter.nik",
                "starts with a kecamatan code that does not exist",
                "a 16-digit NIK whose first 6 digits are a Kemendagri kecamatan code",
            )
    phone = reporter.phone.strip() if reporter.phone else None
    if phone:
        parsed = _phone.parse_phone(phone)
        if not parsed.valid or parsed.e164 is None:
            c.add(
                "reporter.phone",
                "is not an Indonesian phone number",
                "an Indonesian number such as 0812-3456-7890 or +62 812 3456 7890",
            )
        else:
            phone = parsed.e164
    email = reporter.email.strip() if reporter.email else None
    if email and (len(email) > EMAIL_MAX or not _EMAIL.match(email)):
        c.add("reporter.email", "is not an e-mail address", "an address like name@example.id")
    return Reporter(name=name or None, nik=nik or None, phone=phone or None, email=email or None)


def _check_attachments(c: FieldChecker, attachments: tuple[Attachment, ...]) -> None:
    if len(attachments) > ATTACHMENTS_MAX:
        c.add(
            "attachments",
            f"has {len(attachments)} files",
            f"at most {ATTACHMENTS_MAX} attachments",
        )
    for i, a in enumerate(attachments):
        path = f"attachments[{i}]"
        name = c.text(f"{path}.name", a.name, max_len=ATTACHMENT_NAME_MAX, required=True)
        if name and ("/" in name or "\\" in name or name.startswith(".")):
            c.add(f"{path}.name", "looks like a path", "a plain file name such as foto-jalan.jpg")
        if a.media_type not in ATTACHMENT_TYPES:
            c.add(
                f"{path}.mediaType",
                f"'{a.media_type[:60]}' is not accepted",
                "one of " + ", ".join(sorted(ATTACHMENT_TYPES)),
            )
        if a.size is None or not 0 < a.size <= ATTACHMENT_SIZE_MAX:
            c.add(
                f"{path}.size",
                f"is {a.size} bytes",
                f"between 1 and {ATTACHMENT_SIZE_MAX} bytes",
            )
        if a.sha256 is None or not _SHA256.match(a.sha256):
            c.add(f"{path}.sha256", "is not a SHA-256 digest", "64 lowercase hex digits")


def validate_draft(
    draft: ComplaintDraft,
    *,
    today: date,
    categories: Collection[str] = (),
    agencies: Collection[str] = (),
) -> ComplaintDraft:
    """Check a draft and return its normalised form.

    Args:
        draft: the submission as received.
        today: the date in the complaint's region, for "not in the future" checks.
        categories: the category ids that exist.
        agencies: the agency ids that exist.

    Raises:
        ValidationFailed: with every problem found; nothing should be stored.
    """
    c = FieldChecker()
    title = c.text("title", draft.title, max_len=TITLE_MAX, min_len=5, required=True)
    content = c.text("content", draft.content, max_len=CONTENT_MAX, min_len=CONTENT_MIN, required=True)
    location = _check_location(c, draft.location)
    if draft.incident_date is not None and draft.incident_date > today:
        c.add(
            "incidentDate",
            f"{draft.incident_date.isoformat()} is in the future",
            f"a date on or before {today.isoformat()}",
        )
    if draft.category_id is not None and not categories:
        # A production store before its first `penghubung reference load`.
        c.add(
            "categoryId",
            "cannot be set: the category registry is empty",
            "no categoryId until an operator loads the registry with `penghubung reference load FILE`",
        )
    elif draft.category_id is not None and draft.category_id not in categories:
        c.add(
            "categoryId",
            f"'{mask_contacts(draft.category_id[:40])}' is not a category",
            "an id from the categories query",
        )
    if draft.suggested_agency_id is not None and draft.suggested_agency_id not in agencies:
        c.add(
            "suggestedAgencyId",
            f"'{mask_contacts(draft.suggested_agency_id[:60])}' is not in the agency registry",
            "an id from the agencies query",
        )
    tags: list[str] = []
    if len(draft.tags) > TAGS_MAX:
        c.add("tags", f"has {len(draft.tags)} tags", f"at most {TAGS_MAX} tags")
    for i, tag in enumerate(draft.tags):
        t = normalise_text(tag).casefold()
        if not t or len(t) > TAG_MAX or not _TAG.match(t):
            c.add(
                f"tags[{i}]",
                "is not a tag",
                f"1-{TAG_MAX} letters, digits, spaces or dashes",
            )
        elif t not in tags:
            tags.append(t)
    _check_attachments(c, draft.attachments)
    reporter = _check_reporter(c, draft.reporter) if draft.reporter else None
    if c.errors:
        raise ValidationFailed(c.errors)
    return replace(
        draft,
        title=title or "",
        content=content or "",
        location=location,
        tags=tuple(tags),
        reporter=reporter,
    )
