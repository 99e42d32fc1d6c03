"""Kadar and the stored deadlines of each complaint, computed for the rows already there."""

from datetime import datetime

from tortoise import fields, migrations
from tortoise.migrations import operations as ops

from schema.canonical import Classification, Kadar, Status, StatusEvent, default_kadar
from schema.deadlines import DeadlinePolicy, compute

_BATCH = 500
_COLUMNS = (
    "verification_due",
    "verified_at",
    "follow_up_due",
    "first_follow_up_at",
    "reply_due",
    "resolution_due",
    "resolved_at",
    "closed_at",
)


def _when(value):
    # SQLite hands back ISO text, PostgreSQL datetimes.
    return datetime.fromisoformat(value) if isinstance(value, str) else value


async def _backfill(apps, schema_editor):
    client = schema_editor.client
    postgres = client.capabilities.dialect == "postgres"
    marks = [f"${i}" if postgres else "?" for i in range(1, len(_COLUMNS) + 2)]
    assignments = ", ".join(f"{c} = {m}" for c, m in zip(_COLUMNS, marks, strict=False))
    update = f"UPDATE complaint SET {assignments} WHERE id = {marks[-1]}"
    policy = DeadlinePolicy()
    offset = 0
    while True:
        rows = await client.execute_query_dict(
            "SELECT id, created_at, kode_wilayah, classification, status FROM complaint"
            f" ORDER BY id LIMIT {_BATCH} OFFSET {offset}"
        )
        if not rows:
            return
        ids = [r["id"] for r in rows]
        placeholders = ", ".join(f"${i + 1}" if postgres else "?" for i in range(len(ids)))
        events = await client.execute_query_dict(
            f"SELECT complaint_id, status, at FROM status_event WHERE complaint_id IN ({placeholders}) ORDER BY at, id",
            ids,
        )
        history = {}
        for e in events:
            history.setdefault(str(e["complaint_id"]), []).append(StatusEvent(Status(e["status"]), _when(e["at"])))
        for row in rows:
            d = compute(
                created_at=_when(row["created_at"]),
                kode_wilayah=row["kode_wilayah"],
                kadar=default_kadar(Classification(row["classification"])),
                status=Status(row["status"]),
                history=history.get(str(row["id"]), []),
                policy=policy,
            )
            values = [getattr(d, c) for c in _COLUMNS]
            if not postgres:
                values = [v.isoformat() if v is not None else None for v in values]
            await client.execute_query(update, [*values, row["id"]])
        offset += _BATCH


async def _nothing_to_undo(apps, schema_editor):
    """Dropping the columns (the steps before, when going back) removes what was filled."""


class Migration(migrations.Migration):
    dependencies = [("models", "0003_permissions_and_audit")]

    initial = False

    operations = [
        ops.AddField(
            model_name="ComplaintRow",
            name="closed_at",
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
        ops.AddField(
            model_name="ComplaintRow",
            name="first_follow_up_at",
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
        ops.AddField(
            model_name="ComplaintRow",
            name="follow_up_due",
            field=fields.DatetimeField(null=True, db_index=True, auto_now=False, auto_now_add=False),
        ),
        ops.AddField(
            model_name="ComplaintRow",
            name="kadar",
            field=fields.CharEnumField(
                null=True,
                description="DARURAT: DARURAT\nPERMINTAAN_INFORMASI: PERMINTAAN_INFORMASI\nTIDAK_BERPENGAWASAN: TIDAK_BERPENGAWASAN\nBERPENGAWASAN: BERPENGAWASAN",
                enum_type=Kadar,
                max_length=24,
            ),
        ),
        ops.AddField(
            model_name="ComplaintRow",
            name="reply_due",
            field=fields.DatetimeField(null=True, db_index=True, auto_now=False, auto_now_add=False),
        ),
        ops.AddField(
            model_name="ComplaintRow",
            name="resolution_due",
            field=fields.DatetimeField(null=True, db_index=True, auto_now=False, auto_now_add=False),
        ),
        ops.AddField(
            model_name="ComplaintRow",
            name="resolved_at",
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
        ops.AddField(
            model_name="ComplaintRow",
            name="verification_due",
            field=fields.DatetimeField(null=True, db_index=True, auto_now=False, auto_now_add=False),
        ),
        ops.AddField(
            model_name="ComplaintRow",
            name="verified_at",
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
        ops.RunPython(_backfill, reverse_code=_nothing_to_undo),
    ]
