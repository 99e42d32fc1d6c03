"""Ownership columns on complaints, and the append-only audit log with its guard triggers."""

from tortoise import fields, migrations
from tortoise.migrations import operations as ops

_SQLITE_GUARDS = [
    f"CREATE TRIGGER audit_event_no_{verb.lower()} BEFORE {verb} ON audit_event "
    "BEGIN SELECT RAISE(ABORT, 'audit_event is append-only'); END"
    for verb in ("UPDATE", "DELETE")
]
_POSTGRES_GUARDS = [
    "CREATE FUNCTION audit_event_append_only() RETURNS trigger LANGUAGE plpgsql AS "
    "$$ BEGIN RAISE EXCEPTION 'audit_event is append-only'; END $$",
    "CREATE TRIGGER audit_event_append_only BEFORE UPDATE OR DELETE OR TRUNCATE "
    "ON audit_event FOR EACH STATEMENT EXECUTE FUNCTION audit_event_append_only()",
]


async def _guard(apps, schema_editor):
    # Append-only is enforced by the database itself, not just by the absence of code
    # paths that update or delete: a bug or a stray script cannot rewrite the log.
    client = schema_editor.client
    postgres = client.capabilities.dialect == "postgres"
    for statement in _POSTGRES_GUARDS if postgres else _SQLITE_GUARDS:
        await client.execute_script(statement)


async def _unguard(apps, schema_editor):
    client = schema_editor.client
    if client.capabilities.dialect == "postgres":
        await client.execute_script("DROP TRIGGER IF EXISTS audit_event_append_only ON audit_event")
        await client.execute_script("DROP FUNCTION IF EXISTS audit_event_append_only()")
    else:
        for verb in ("update", "delete"):
            await client.execute_script(f"DROP TRIGGER IF EXISTS audit_event_no_{verb}")


class Migration(migrations.Migration):
    dependencies = [("models", "0002_complaint_search_text")]

    initial = False

    operations = [
        ops.CreateModel(
            name="AuditEventRow",
            fields=[
                ("id", fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ("at", fields.DatetimeField(db_index=True, auto_now=False, auto_now_add=False)),
                ("action", fields.CharField(db_index=True, max_length=40)),
                ("outcome", fields.CharField(max_length=12)),
                ("actor_subject", fields.CharField(null=True, db_index=True, max_length=120)),
                ("actor_roles", fields.CharField(max_length=200)),
                ("actor_agency_id", fields.CharField(null=True, max_length=80)),
                ("complaint_id", fields.UUIDField(null=True, db_index=True)),
                ("reason", fields.CharField(null=True, max_length=80)),
                ("request_id", fields.CharField(null=True, max_length=64)),
            ],
            options={
                "table": "audit_event",
                "app": "models",
                "pk_attr": "id",
                "table_description": "One entry of the append-only audit log: who did what to which complaint.",
            },
            bases=["Model"],
        ),
        ops.AddField(
            model_name="ComplaintRow",
            name="owner_subject",
            field=fields.CharField(null=True, db_index=True, max_length=120),
        ),
        ops.AddField(
            model_name="ComplaintRow",
            name="submitted_by_agency_id",
            field=fields.CharField(null=True, max_length=80),
        ),
        ops.AddField(
            model_name="ComplaintRow",
            name="submitted_by_subject",
            field=fields.CharField(null=True, max_length=120),
        ),
        ops.RunPython(_guard, reverse_code=_unguard),
    ]
