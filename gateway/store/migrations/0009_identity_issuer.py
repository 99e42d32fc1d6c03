"""Identity is (issuer, subject): the owner's and submitter's issuer on complaints, the
actor's issuer in the audit log, and the caller's access on idempotency receipts.

Rows stored before this migration have no issuer. They are left without one, and an
ownership check never matches a missing issuer: a citizen of another issuer with the same
`sub` must not inherit them. An operator whose existing complaints all came from one
citizen issuer hands them back with `penghubung migrate --owner-issuer ISSUER`
(gateway.store.owners); the demo does so for its own development issuer.
"""

from tortoise import fields, migrations
from tortoise.migrations import operations as ops


class Migration(migrations.Migration):
    dependencies = [("models", "0008_sync_notes")]

    initial = False

    operations = [
        ops.AddField(
            model_name="ComplaintRow",
            name="owner_issuer",
            field=fields.CharField(null=True, max_length=200),
        ),
        ops.AddField(
            model_name="ComplaintRow",
            name="submitted_by_issuer",
            field=fields.CharField(null=True, max_length=200),
        ),
        ops.AddField(
            model_name="AuditEventRow",
            name="actor_issuer",
            field=fields.CharField(null=True, max_length=200),
        ),
        ops.AddField(
            model_name="MutationReceiptRow",
            name="access",
            field=fields.CharField(null=True, max_length=64),
        ),
    ]
