"""Add the folded search text to complaints and fill it in for the rows already stored."""

from tortoise import fields, migrations
from tortoise.migrations import operations as ops

from gateway.store.search_text import search_document

_BATCH = 1000


async def _backfill(apps, schema_editor):
    client = schema_editor.client
    # Placeholders differ per dialect; the executor gives us the raw connection.
    mark = "$1" if client.capabilities.dialect == "postgres" else "?"
    mark2 = "$2" if client.capabilities.dialect == "postgres" else "?"
    offset = 0
    while True:
        rows = await client.execute_query_dict(
            f"SELECT id, title, original_title, content FROM complaint ORDER BY id LIMIT {_BATCH} OFFSET {offset}"
        )
        if not rows:
            return
        for row in rows:
            doc = search_document(row["title"], row["original_title"], row["content"])
            await client.execute_query(
                f"UPDATE complaint SET search_text = {mark} WHERE id = {mark2}",
                [doc, row["id"]],
            )
        offset += _BATCH


async def _nothing_to_undo(apps, schema_editor):
    """Dropping the column (the step before, when going back) removes what was filled."""


class _AddSearchText(ops.AddField):
    """AddField, but with a database-side default so that existing rows are accepted.

    Tortoise 1.1 emits `ADD COLUMN ... NOT NULL` without a default, which both SQLite and
    PostgreSQL refuse on a table that already has rows.
    """

    async def database_forward(self, app_label, old_state, new_state, state_editor=None):
        if state_editor:
            await state_editor.client.execute_script(
                "ALTER TABLE complaint ADD COLUMN search_text TEXT NOT NULL DEFAULT ''"
            )


class Migration(migrations.Migration):
    dependencies = [("models", "0001_initial")]

    initial = False

    operations = [
        _AddSearchText(
            model_name="ComplaintRow",
            name="search_text",
            field=fields.TextField(default="", unique=False),
        ),
        ops.RunPython(_backfill, reverse_code=_nothing_to_undo),
    ]
