"""Sync: the status each system last showed (per link), rejected-record counts per source, and an index on outbox.complaint_id."""

from tortoise import fields, migrations
from tortoise.indexes import Index
from tortoise.migrations import operations as ops

from schema.canonical import Status


class Migration(migrations.Migration):
    dependencies = [("models", "0005_sync_outbox")]

    initial = False

    operations = [
        ops.AddField(
            model_name="ComplaintSourceRow",
            name="status",
            field=fields.CharEnumField(
                null=True,
                description="SUBMITTED: SUBMITTED\nBELUM_TERVERIFIKASI: BELUM_TERVERIFIKASI\nTUNDA: TUNDA\nTERVERIFIKASI: TERVERIFIKASI\nDIDISPOSISIKAN: DIDISPOSISIKAN\nDILIMPAHKAN: DILIMPAHKAN\nDITINDAKLANJUTI: DITINDAKLANJUTI\nMENUNGGU_TANGGAPAN: MENUNGGU_TANGGAPAN\nSELESAI: SELESAI\nARSIP: ARSIP",
                enum_type=Status,
                max_length=24,
            ),
        ),
        ops.AddIndex(
            model_name="OutboxRow",
            index=Index(fields=["complaint_id"]),
        ),
        ops.AddField(
            model_name="SyncCursorRow",
            name="last_rejection",
            field=fields.CharField(null=True, max_length=300),
        ),
        ops.AddField(
            model_name="SyncCursorRow",
            name="records_rejected",
            field=fields.BigIntField(default=0),
        ),
    ]
