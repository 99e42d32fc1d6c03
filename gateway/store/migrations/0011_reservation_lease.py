"""Idempotency reservations carry their holder's lease: a dead or failed holder's key is taken over after it."""

from tortoise import fields, migrations
from tortoise.migrations import operations as ops


class Migration(migrations.Migration):
    dependencies = [("models", "0010_attachment_links")]

    initial = False

    operations = [
        ops.AddField(
            model_name="MutationReceiptRow",
            name="lease_until",
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
    ]
