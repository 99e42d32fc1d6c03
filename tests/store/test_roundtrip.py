"""A complaint with everything hanging off it survives a trip through the store."""

from __future__ import annotations

from dataclasses import replace

import pytest
from tortoise.exceptions import IntegrityError

from auth.scope import PUBLIC, UNRESTRICTED
from gateway.store.models import ComplaintRow, ReporterRow, StatusEventRow
from gateway.store.repository import ComplaintRepository
from gateway.store.writer import insert_complaints
from tests.factories import make_complaint

repo = ComplaintRepository()


async def test_complaint_round_trip_keeps_every_field(database_url: str) -> None:
    original = make_complaint()
    assert await insert_complaints([original]) == 1

    loaded = await repo.get(UNRESTRICTED, tracking_id=original.tracking_id)
    assert loaded is not None
    ids = [loaded.id]
    (history,) = await repo.status_history_for(UNRESTRICTED, ids)
    (dispositions,) = await repo.dispositions_for(UNRESTRICTED, ids)
    (follow_ups,) = await repo.follow_ups_for(UNRESTRICTED, ids)
    (replies,) = await repo.replies_for(UNRESTRICTED, ids)
    (attachments,) = await repo.attachments_for(UNRESTRICTED, ids)
    (sources,) = await repo.sources_for(UNRESTRICTED, ids)
    rebuilt = replace(
        loaded,
        status_history=tuple(history),
        dispositions=tuple(dispositions),
        follow_ups=tuple(follow_ups),
        replies=tuple(replies),
        attachments=tuple(attachments),
        sources=tuple(sources),
        reporter=original.reporter,  # kept apart: checked below
    )
    assert rebuilt == original

    stored_reporter = await ReporterRow.get(
        id=(await ComplaintRow.get(id=original.id)).reporter_id  # type: ignore[attr-defined]
    )
    assert (stored_reporter.name, stored_reporter.nik, stored_reporter.phone, stored_reporter.email) == (
        original.reporter.name,  # type: ignore[union-attr]
        original.reporter.nik,  # type: ignore[union-attr]
        original.reporter.phone,  # type: ignore[union-attr]
        original.reporter.email,  # type: ignore[union-attr]
    )


async def test_timestamps_come_back_aware_and_exact(database_url: str) -> None:
    original = make_complaint()
    await insert_complaints([original])
    loaded = await repo.get(UNRESTRICTED, id=original.id)
    assert loaded is not None
    assert loaded.created_at == original.created_at
    assert loaded.created_at.utcoffset() is not None


async def test_lookup_by_id_and_tracking_id_agree(database_url: str) -> None:
    original = make_complaint()
    await insert_complaints([original])
    by_id = await repo.get(PUBLIC, id=original.id)
    by_tracking = await repo.get(PUBLIC, tracking_id=original.tracking_id)
    assert by_id == by_tracking
    assert await repo.get(PUBLIC, id="not-a-uuid") is None
    assert await repo.get(PUBLIC, tracking_id="NOPE") is None


async def test_secret_complaint_is_not_found_in_the_public_scope(database_url: str) -> None:
    secret = make_complaint(is_secret=True)
    await insert_complaints([secret])
    assert await repo.get(PUBLIC, id=secret.id) is None
    assert await repo.status_history_for(PUBLIC, [secret.id]) == [[]]
    assert await repo.get(UNRESTRICTED, id=secret.id) is not None


async def test_a_failing_batch_stores_nothing(database_url: str) -> None:
    first = make_complaint()
    await insert_complaints([first])
    clash = make_complaint(tracking_id=first.tracking_id)  # unique tracking ID violated
    fresh = make_complaint()
    with pytest.raises(IntegrityError):
        await insert_complaints([fresh, clash])
    assert await ComplaintRow.filter(id=fresh.id).count() == 0
    assert await StatusEventRow.filter(complaint_id=fresh.id).count() == 0
    assert await ComplaintRow.all().count() == 1
