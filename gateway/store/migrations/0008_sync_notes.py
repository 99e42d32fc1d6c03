"""Sync: the latest note per source (a record stored without a part, a paging oddity), apart from rejections."""

from tortoise import fields, migrations
from tortoise.migrations import operations as ops


class Migration(migrations.Migration):
    dependencies = [("models", "0007_mutation_receipts")]

    initial = False

    operations = [
        ops.AddField(
            model_name="SyncCursorRow",
            name="last_note",
            field=fields.CharField(null=True, max_length=300),
        ),
        ops.AddField(
            model_name="SyncCursorRow",
            name="last_note_at",
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
    ]
