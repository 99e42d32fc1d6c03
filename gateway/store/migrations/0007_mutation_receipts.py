"""Idempotency receipts: one row per (caller, idempotency key) of a mutation."""

import functools
from json import dumps, loads

from tortoise import fields, migrations
from tortoise.indexes import Index
from tortoise.migrations import operations as ops


class Migration(migrations.Migration):
    dependencies = [("models", "0006_sync_status_base")]

    initial = False

    operations = [
        ops.CreateModel(
            name="MutationReceiptRow",
            fields=[
                ("id", fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ("caller", fields.CharField(max_length=64)),
                ("key", fields.CharField(max_length=120)),
                ("fingerprint", fields.CharField(max_length=64)),
                ("holder", fields.CharField(max_length=32)),
                ("state", fields.CharField(default="started", max_length=8)),
                ("complaint_id", fields.CharField(null=True, max_length=40)),
                (
                    "result",
                    fields.JSONField(null=True, encoder=functools.partial(dumps, separators=(",", ":")), decoder=loads),
                ),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ("updated_at", fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={
                "table": "mutation_receipt",
                "app": "models",
                "unique_together": (("caller", "key"),),
                "indexes": [Index(fields=["created_at"])],
                "pk_attr": "id",
                "table_description": "A mutation sent with an idempotency key: a repeat of it is answered from here.",
            },
            bases=["Model"],
        ),
    ]
