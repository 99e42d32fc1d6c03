"""Attachments from kab/kota systems: a digest only where the source gives one, the source's own link, and which source listed it."""

from tortoise import fields, migrations
from tortoise.migrations import operations as ops


class Migration(migrations.Migration):
    dependencies = [("models", "0009_identity_issuer")]

    initial = False

    operations = [
        ops.AlterField(
            model_name="AttachmentRow",
            name="size",
            field=fields.BigIntField(null=True),
        ),
        ops.AlterField(
            model_name="AttachmentRow",
            name="sha256",
            field=fields.CharField(null=True, max_length=64),
        ),
        ops.AddField(
            model_name="AttachmentRow",
            name="url",
            field=fields.TextField(null=True, unique=False),
        ),
        ops.AddField(
            model_name="AttachmentRow",
            name="origin_system",
            field=fields.CharField(null=True, max_length=80),
        ),
    ]
