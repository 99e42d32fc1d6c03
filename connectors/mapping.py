"""The mapper: a SourceSpec applied to raw records, giving SourceComplaints or reasons.

A record that cannot be mapped becomes a `MappingError` naming the record, the field and
the reason; it is reported and skipped, never fatal for the rest of a batch. A follow-up
that cannot be mapped costs only itself: the record is kept and carries a `follow_ups` gap.
Values that are personal data (reporter fields) are never quoted in a reason.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from connectors.attachments import read_attachments, read_own_file
from connectors.casts import CastMismatch, cast_value, text
from connectors.paths import MISSING, get_path
from connectors.records import UNQUOTED, Gap, RawRecord, SourceComplaint, SourceFollowUp
from connectors.spec import ENUM_TARGETS, SOFT_FIELDS
from connectors.spec_types import FieldSpec, SourceSpec
from connectors.time_formats import ZONES
from schema.canonical import Attachment, Channel, Classification, Reporter, Status
from schema.errors import RecordError
from schema.regions import is_valid_code_format, region_exists
from schema.validation import LATITUDE_RANGE, LONGITUDE_RANGE

TITLE_MAX = 150


class MappingError(RecordError, ValueError):
    """One record could not be mapped (skippable: the batch goes on)."""

    code = "MAPPING_ERROR"

    def __init__(self, record_ref: str, field: str, reason: str) -> None:
        self.record_ref, self.field, self.reason = record_ref, field, reason
        super().__init__(f"record {record_ref}: {field}: {reason}")


def _text(value: object) -> str:
    return text(value)


def _enum(kind: type[Any], value: object, ref: str, field: str) -> Any:
    try:
        return kind(value)
    except ValueError:
        allowed = ", ".join(m.value for m in kind)
        raise MappingError(
            ref, field, f"'{str(value)[:40]}' is not one of {allowed}; map the source's words with a [maps] table"
        ) from None


@dataclass(frozen=True, slots=True)
class Mapper:
    """Applies one SourceSpec."""

    spec: SourceSpec

    @property
    def zone(self) -> timezone:
        """The source's time zone (WIB, WITA or WIT) as a fixed offset."""
        return ZONES[self.spec.time_zone]

    def _value(self, f: FieldSpec, raw: RawRecord, ref: str) -> object:
        if f.path is None:
            value: object = f.const
        else:
            value = get_path(raw, f.path)
        if f.extract is not None and value is not MISSING and value is not None:
            found = f.extract.search(_text(value))
            value = found.group(1) if found else MISSING
        if value is MISSING or value is None or value == "":
            if f.default is not None:
                value = f.default
            elif f.optional:
                return None
            else:
                raise MappingError(ref, f.name, f"nothing at '{f.path}'")
        if f.pattern is not None and not f.pattern.search(_text(value)):
            shown = "" if f.name in UNQUOTED else f" '{_text(value)[:40]}'"
            raise MappingError(ref, f.name, f"the value{shown} does not match the id format {f.pattern.pattern}")
        if f.map is not None:
            table = self.spec.maps[f.map]
            word = _text(value)
            if word not in table:
                shown = "" if f.name in UNQUOTED else f" '{word[:40]}'"
                raise MappingError(ref, f.name, f"the value{shown} is not in [maps.{f.map}] ({', '.join(table)})")
            if table[word] == "" and f.name in SOFT_FIELDS:
                # A category or OPD word the system uses for "none of them" (LAPOR!'s
                # "Lainnya"): known, and it means no value, not a gap to note on every read.
                return None
            if f.name in ENUM_TARGETS:
                return table[word]  # a canonical name, checked against its enum by map()
            # Any other mapped value is still cast: "false" from a map must become False.
            value = table[word]
        zone = ZONES[f.zone] if f.zone else self.zone
        try:
            return cast_value(value, f.cast, zone, pattern=f.format, true_words=f.true_words, false_words=f.false_words)
        except CastMismatch as exc:
            shown = "" if f.name in UNQUOTED else f" {str(value)[:40]!r}"
            raise MappingError(ref, f.name, f"the value{shown} {exc}") from None
        except (ValueError, TypeError, OverflowError):
            shown = "" if f.name in UNQUOTED else f" {str(value)[:40]!r}"
            raise MappingError(ref, f.name, f"the value{shown} is not a {f.cast}") from None

    def follow_up(self, item: RawRecord, ref: str, index: int) -> SourceFollowUp:
        """One follow-up of record `ref` (an item of its list, or a row of a separate list)."""
        spec = self.spec.follow_ups
        assert spec is not None
        where = f"follow_ups[{index}]"
        if not isinstance(item, Mapping):
            raise MappingError(ref, where, "is not an object")
        try:
            text = str(self._value(spec.text, item, ref))
            at = self._value(spec.at, item, ref)
            fid = self._value(spec.id, item, ref)
            author = self._value(spec.author, item, ref) if spec.author is not None else None
        except MappingError as exc:
            raise MappingError(ref, f"{where}.{exc.field}", exc.reason) from None
        if not isinstance(at, datetime):
            raise MappingError(ref, f"{where}.at", "needs a date or datetime cast")
        agency, gap = self._follow_up_agency(item, ref, where)
        files = self.spec.attachments
        attached: tuple[Attachment, ...] = ()
        if files is not None and files.follow_ups is not None:
            attached, file_gaps = self.attachments(get_path(item, files.follow_ups), ref, f"{where}.{files.follow_ups}")
            gap = gap or (file_gaps[0] if file_gaps else None)
        return SourceFollowUp(
            source_id=str(fid),
            text=text,
            at=at,
            by_reporter=author == "REPORTER",
            agency=agency,
            gap=gap,
            attachments=attached,
        )

    def attachments(self, items: object, ref: str, where: str) -> tuple[tuple[Attachment, ...], tuple[Gap, ...]]:
        """The files listed at `where` ([attachments]); a file that cannot be read is a gap."""
        spec = self.spec.attachments
        assert spec is not None
        return read_attachments(
            spec, None if items is MISSING else items, ref, where, lambda f, item, r: self._value(f, item, r)
        )

    def _record_attachments(self, raw: RawRecord, ref: str) -> tuple[tuple[Attachment, ...] | None, tuple[Gap, ...]]:
        spec = self.spec.attachments
        if spec is None:
            return None, ()  # the mapping says nothing about files
        if spec.path is None:
            return read_own_file(spec, raw, ref, lambda f, item, r: self._value(f, item, r))
        return self.attachments(get_path(raw, spec.path), ref, spec.path)

    def _follow_up_agency(self, item: RawRecord, ref: str, where: str) -> tuple[str | None, Gap | None]:
        """The answering OPD of a follow-up: like disposed_to, a miss is a gap, not a rejection."""
        spec = self.spec.follow_ups
        if spec is None or spec.agency is None:
            return None, None
        try:
            value = self._value(spec.agency, item, ref)
        except MappingError as exc:
            return None, Gap(
                "follow_ups.agency", f"record {ref}: {where}.agency: {exc.reason} (credited to the routed agency)"
            )
        if value is None:
            return None, None
        return str(value).replace("{kode_wilayah}", self.spec.kode_wilayah), None

    def follow_ups(self, items: object, ref: str, where: str) -> tuple[tuple[SourceFollowUp, ...], tuple[Gap, ...]]:
        """The follow-ups of record `ref` that map, and a gap for each that does not.

        One rule wherever follow-ups come from: a bad follow-up is left out and said so, and
        the record is kept (rejecting it would also hold back its status changes)."""
        if not isinstance(items, list):
            return (), (
                Gap("follow_ups", f"record {ref}: follow_ups: expected a list at '{where}' (stored without them)"),
            )
        kept: list[SourceFollowUp] = []
        gaps: list[Gap] = []
        for index, item in enumerate(items):
            try:
                kept.append(self.follow_up(item, ref, index))
            except MappingError as exc:
                gaps.append(self.follow_up_gap(exc, item))
        return tuple(kept), tuple(gaps)

    def follow_up_gap(self, exc: MappingError, item: object) -> Gap:
        """The note for a follow-up left out: the record, the follow-up (its id where it has
        one, else its place) and the reason; never its text (it may name the reporter)."""
        spec = self.spec.follow_ups
        assert spec is not None
        found = get_path(item, spec.id.path) if spec.id.path and isinstance(item, Mapping) else MISSING
        named = "" if found is MISSING or found is None else f" (follow-up {_text(found)[:40]!r})"
        return Gap("follow_ups", f"{exc}{named} (the follow-up is left out)")

    def _nested_follow_ups(self, raw: RawRecord, ref: str) -> tuple[tuple[SourceFollowUp, ...], tuple[Gap, ...]]:
        spec = self.spec.follow_ups
        if spec is None or spec.path is None:
            return (), ()
        items = get_path(raw, spec.path)
        if items is MISSING or items is None:
            return (), ()
        return self.follow_ups(items, ref, spec.path)

    def map(self, raw: RawRecord) -> SourceComplaint:
        """One record; raises MappingError."""
        id_spec = self.spec.fields["source_id"]
        ref = _text(get_path(raw, id_spec.path or "")) if id_spec.path else "?"
        values: dict[str, Any] = {}
        warnings: list[Gap] = []
        for name, f in self.spec.fields.items():
            try:
                values[name] = self._value(f, raw, ref or "?")
            except MappingError as exc:
                if name not in SOFT_FIELDS:
                    raise
                # Stored without it, and said so: a complaint is not lost over its category.
                values[name] = None
                warnings.append(Gap(name, f"{exc} (stored without it)"))
        source_id = str(values["source_id"])
        content = str(values["content"])
        if not content:
            raise MappingError(source_id, "content", "is empty")
        # Without a title of its own, a complaint is titled by the start of its content.
        title = str(values.get("title") or "") or " ".join(content.split())
        if len(title) > TITLE_MAX:
            # Nothing is lost: the whole text stays in the content.
            title = title[: TITLE_MAX - 1] + "…"
        code = values.get("kode_wilayah") or self.spec.kode_wilayah
        if not is_valid_code_format(str(code)):
            raise MappingError(source_id, "kode_wilayah", f"'{str(code)[:20]}' is not a Kemendagri code")
        created = values["created_at"]
        updated = values.get("updated_at") or created
        if not isinstance(created, datetime) or not isinstance(updated, datetime):
            raise MappingError(source_id, "created_at", "needs a date or datetime cast")
        reporter_values = {k: values.get(f"reporter_{k}") for k in ("name", "nik", "phone", "email")}
        reporter = (
            Reporter(**{k: str(v) for k, v in reporter_values.items() if v is not None})
            if any(v is not None for v in reporter_values.values())
            else None
        )
        status = _enum(Status, values["status"], source_id, "status")
        classification = _enum(Classification, values.get("classification") or "PENGADUAN", source_id, "classification")
        channel = _enum(Channel, values.get("channel") or "REGENCY_SYSTEM", source_id, "channel")
        if not region_exists(str(code)):
            raise MappingError(source_id, "kode_wilayah", f"'{str(code)[:20]}' names no region")
        for name, value, low, high in (
            ("latitude", values.get("latitude"), LATITUDE_RANGE[0], LATITUDE_RANGE[1]),
            ("longitude", values.get("longitude"), LONGITUDE_RANGE[0], LONGITUDE_RANGE[1]),
        ):
            if value is not None and not low <= value <= high:
                raise MappingError(source_id, name, f"{value} is outside Indonesia ({low} to {high})")
        incident = values.get("incident_date")
        if incident is not None and not isinstance(incident, datetime):
            raise MappingError(source_id, "incident_date", "needs a date or datetime cast")
        disposed_at = values.get("disposed_at")
        if disposed_at is not None and not isinstance(disposed_at, datetime):
            raise MappingError(source_id, "disposed_at", "needs a date or datetime cast")
        disposed_to = values.get("disposed_to")
        if disposed_to is not None:
            # One bundled mapping serves every kab/kota: its OPD ids name the regency by code.
            disposed_to = str(disposed_to).replace("{kode_wilayah}", self.spec.kode_wilayah)
        follow_ups, follow_up_gaps = self._nested_follow_ups(raw, source_id)
        attachments, attachment_gaps = self._record_attachments(raw, source_id)
        return SourceComplaint(
            source=self.spec.name,
            source_id=source_id,
            version=updated.isoformat(),
            title=title,
            content=content,
            status=status,
            kode_wilayah=str(code),
            created_at=created,
            updated_at=updated,
            classification=classification,
            channel=channel,
            address=values.get("address"),
            latitude=values.get("latitude"),
            longitude=values.get("longitude"),
            category_code=values.get("category_code"),
            lapor_tracking_id=(
                str(values["lapor_tracking_id"]) if values.get("lapor_tracking_id") is not None else None
            ),
            is_anonymous=bool(values.get("is_anonymous") or False),
            is_secret=bool(values.get("is_secret") or False),
            agency_id=values.get("agency_id"),
            external_ref=values.get("external_ref"),
            category_id=str(values["category_id"]) if values.get("category_id") is not None else None,
            # The day as the source's people saw it, not the UTC day of its midnight.
            incident_date=incident.astimezone(self.zone).date() if incident is not None else None,
            disposed_to=disposed_to,
            disposed_at=disposed_at,
            follow_ups=follow_ups,
            attachments=attachments,
            warnings=(*warnings, *follow_up_gaps, *attachment_gaps),
            reporter=reporter,
        )

    def map_all(self, records: Iterable[RawRecord]) -> tuple[list[SourceComplaint], list[MappingError]]:
        """Every record mapped, or its reason; one bad record never stops the rest."""
        mapped: list[SourceComplaint] = []
        rejected: list[MappingError] = []
        for raw in records:
            try:
                mapped.append(self.map(raw))
            except MappingError as exc:
                rejected.append(exc)
        return mapped, rejected
