"""Follow-ups remember their own id in each system that holds them: a copy read back is recognised by it."""

import functools
from json import dumps, loads

from tortoise import fields, migrations
from tortoise.migrations import operations as ops


class Migration(migrations.Migration):
    dependencies = [("models", "0011_reservation_lease")]

    initial = False

    operations = [
        ops.AddField(
            model_name="FollowUpRow",
            name="links",
            field=fields.JSONField(null=True, encoder=functools.partial(dumps, separators=(",", ":")), decoder=loads),
        ),
    ]
