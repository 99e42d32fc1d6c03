"""The sync engine's tables: the outbox, per-source cursors, and versions on the link table."""

import functools
from json import dumps, loads

from tortoise import fields, migrations
from tortoise.fields.base import OnDelete
from tortoise.indexes import Index
from tortoise.migrations import operations as ops


class Migration(migrations.Migration):
    dependencies = [("models", "0004_lifecycle_deadlines")]

    initial = False

    operations = [
        ops.CreateModel(
            name="DeliveryClaimRow",
            fields=[
                ("name", fields.CharField(primary_key=True, unique=True, db_index=True, max_length=200)),
                ("owner", fields.CharField(max_length=80)),
                ("until", fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={
                "table": "delivery_claim",
                "app": "models",
                "pk_attr": "name",
                "table_description": "A worker's short hold on one create or follow-up to one destination.",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="OutboxRow",
            fields=[
                ("id", fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ("destination", fields.CharField(max_length=80)),
                ("kind", fields.CharField(max_length=16)),
                (
                    "complaint",
                    fields.ForeignKeyField(
                        "models.ComplaintRow",
                        source_field="complaint_id",
                        db_constraint=True,
                        to_field="id",
                        related_name=False,
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("dedupe_key", fields.CharField(max_length=200)),
                (
                    "payload",
                    fields.JSONField(
                        default=dict, encoder=functools.partial(dumps, separators=(",", ":")), decoder=loads
                    ),
                ),
                ("state", fields.CharField(default="pending", max_length=8)),
                ("attempts", fields.IntField(default=0)),
                ("next_attempt_at", fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ("leased_until", fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ("lease_owner", fields.CharField(null=True, max_length=80)),
                ("in_doubt", fields.BooleanField(default=False)),
                ("last_error", fields.CharField(null=True, max_length=300)),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ("updated_at", fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ("done_at", fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={
                "table": "outbox",
                "app": "models",
                "unique_together": (("destination", "dedupe_key"),),
                "indexes": [Index(fields=["state", "next_attempt_at"]), Index(fields=["destination", "state"])],
                "pk_attr": "id",
                "table_description": "One delivery to another system, written in the same transaction as the change.",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="SyncCursorRow",
            fields=[
                ("source", fields.CharField(primary_key=True, unique=True, db_index=True, max_length=80)),
                ("cursor", fields.CharField(null=True, max_length=200)),
                ("leased_until", fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ("lease_owner", fields.CharField(null=True, max_length=80)),
                ("last_attempt_at", fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ("last_success_at", fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ("last_error", fields.CharField(null=True, max_length=300)),
                ("last_error_at", fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ("consecutive_failures", fields.IntField(default=0)),
                ("records_seen", fields.BigIntField(default=0)),
                ("newest_seen_at", fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={
                "table": "sync_cursor",
                "app": "models",
                "pk_attr": "source",
                "table_description": "Where pulling from one source resumes, and how the last pulls went.",
            },
            bases=["Model"],
        ),
        ops.AddField(
            model_name="ComplaintSourceRow",
            name="synced_at",
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
        ops.AddField(
            model_name="ComplaintSourceRow",
            name="version",
            field=fields.CharField(null=True, max_length=64),
        ),
        ops.AddField(
            model_name="FollowUpRow",
            name="key",
            field=fields.CharField(null=True, max_length=32),
        ),
        ops.AddField(
            model_name="FollowUpRow",
            name="origin_system",
            field=fields.CharField(null=True, max_length=80),
        ),
    ]
