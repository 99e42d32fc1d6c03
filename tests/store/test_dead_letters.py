"""`penghubung sync dead-letters` reads dead deliveries, with their complaint's tracking id,
through the store."""

from __future__ import annotations

from datetime import UTC, datetime

from gateway.cli.sync_actions import dead_letter_lines
from gateway.store.dead_letters import dead_letters
from gateway.store.models import OutboxRow
from gateway.store.writer import insert_complaints
from tests.factories import make_complaint


async def test_dead_letters_carry_their_complaints_tracking_id_and_reason(database_url: str) -> None:
    complaint = make_complaint()
    await insert_complaints([complaint])
    now = datetime.now(UTC)
    for destination, state in (("16.01-oku", "dead"), ("16.05-mura", "dead"), ("16.01-oku", "pending")):
        await OutboxRow.create(
            destination=destination,
            kind="create",
            complaint_id=complaint.id,
            dedupe_key=f"k:{destination}:{state}",
            state=state,
            attempts=5,
            next_attempt_at=now,
            last_error="HTTP 422: unknown field",
            created_at=now,
            updated_at=now,
        )
    dead = await dead_letters("16.01-oku")
    assert [(d.destination, d.tracking_id, d.attempts, d.last_error) for d in dead] == [
        ("16.01-oku", complaint.tracking_id, 5, "HTTP 422: unknown field")
    ]
    assert len(await dead_letters()) == 2
    lines = await dead_letter_lines(None)
    assert len(lines) == 4 and all(complaint.tracking_id in line for line in lines[1:3]), lines
