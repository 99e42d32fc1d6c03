"""What upstream systems wrote (a sync error, the latest rejected record, a sync note) can
quote a record's values; roles that may never see reporter identity (regional coordinators,
auditors) read it with those values withheld and contact details masked, in `syncStatus` and
in `coordination`; the national admin, who may see identity, reads it as written."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from auth.roles import Role
from gateway.store.models import OutboxRow, SyncCursorRow
from gateway.store.writer import SubmittedBy, insert_complaints
from tests.conftest import Tokens
from tests.factories import make_complaint
from tests.federation.conftest import REST, Federated, federated  # noqa: F401 (the fixture)

SECRETS = ("Ibu Sari", "081234567890", "sari@example.com", "3201234567890001")
REJECTION = "record wa-081234567890: reporter_name: 'Ibu Sari' is not a name it can store"
NOTE = 'record rep_1: category_id: the value "Ibu Sari sari@example.com" is not in [maps.kategori]'
ERROR = "push refused: NIK 3201234567890001 already has a report from sari@example.com"
DEAD_LETTER = "answered 422; it said: nama_pelapor 'Ibu Sari' sudah terdaftar dengan nomor 081234567890"

SYNC = "{ syncStatus { source lastError lastRejection lastNote lastDeadLetter } }"
COORDINATION = '{ coordination(kodeWilayah: "16") { rows { source lastError } summary { lastError } } }'


@pytest.fixture
async def quoted(federated: Federated) -> Federated:  # noqa: F811
    await SyncCursorRow.filter(source=REST).update(
        last_rejection=REJECTION,
        last_note=NOTE,
        last_note_at=datetime.now(UTC),
        last_error=ERROR,
        last_error_at=datetime.now(UTC),
        consecutive_failures=2,
    )
    complaint = make_complaint()
    await insert_complaints([complaint], submitted_by=SubmittedBy(owner_subject="warga-1", subject="warga-1"))
    now = datetime.now(UTC)
    await OutboxRow.create(
        destination=REST,
        kind="create",
        complaint_id=str(complaint.id),
        dedupe_key="dead-1",
        state="dead",
        next_attempt_at=now,
        last_error=DEAD_LETTER,
        created_at=now,
        updated_at=now,
    )
    return federated


def _row(body: dict[str, object]) -> dict[str, str | None]:
    assert "errors" not in body, body
    return next(r for r in body["data"]["syncStatus"] if r["source"] == REST)  # type: ignore[index]


async def test_the_national_admin_reads_upstream_text_as_written(quoted: Federated, tokens: Tokens) -> None:
    row = _row(await quoted.gql(SYNC, token=tokens.national_admin))
    assert (row["lastRejection"], row["lastNote"], row["lastError"]) == (REJECTION, NOTE, ERROR)
    assert row["lastDeadLetter"] == DEAD_LETTER


@pytest.mark.parametrize(
    "roles",
    [{"region": "16", "roles": (Role.REGIONAL_COORDINATOR,)}, {"roles": (Role.AUDITOR,)}],
    ids=["regional coordinator", "auditor"],
)
async def test_roles_without_identity_read_no_values(quoted: Federated, tokens: Tokens, roles: dict) -> None:  # type: ignore[type-arg]
    token = tokens.make(*roles["roles"], subject="viewer", region=roles.get("region"))
    sync = await quoted.gql(SYNC, token=token)
    row = _row(sync)
    # Still useful: which record, which field, which map; only the values are gone.
    assert row["lastRejection"] and "reporter_name" in row["lastRejection"]
    assert row["lastNote"] and "[maps.kategori]" in row["lastNote"]
    assert row["lastError"] and row["lastError"].startswith("push refused")
    assert row["lastDeadLetter"] and row["lastDeadLetter"].startswith("answered 422")
    coordination = await quoted.gql(COORDINATION, token=token)
    assert "errors" not in coordination, coordination
    assert any(r["lastError"] for r in coordination["data"]["coordination"]["rows"])
    shown = json.dumps([sync, coordination])
    for secret in SECRETS:
        assert secret not in shown, shown
