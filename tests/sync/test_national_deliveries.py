"""The national system takes every kab/kota's writes, so it gets more deliveries in flight
than one kab/kota (issue #18): at 2 in flight, a 30-minute soak at 68 requests a second
left LAPOR! 4,000 entries behind while every kab/kota kept up."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import pytest

from gateway.settings import SyncSettings
from gateway.store.models import ComplaintRow
from gateway.sync import outbox
from gateway.sync.dispatch import Dispatcher
from gateway.sync.engine import SyncEngine
from tests.sync.conftest import TOPOLOGY, Province

REGENCY = "16.01-ogan-komering-ulu"


async def test_the_national_system_gets_its_wider_limit(province: Province) -> None:
    await province.engine.pull_all()
    ids = [str(i) for i in await ComplaintRow.all().order_by("id").limit(20).values_list("id", flat=True)]
    now = datetime.now(UTC)
    for i, cid in enumerate(ids):
        await outbox.enqueue(TOPOLOGY.national, "status", cid, f"n:{i}", now=now)
        await outbox.enqueue(REGENCY, "status", cid, f"r:{i}", now=now)
    release = asyncio.Event()
    in_flight: dict[str, int] = {}

    async def deliver(d: outbox.Delivery) -> None:
        in_flight[d.destination] = in_flight.get(d.destination, 0) + 1
        await release.wait()

    settings = SyncSettings()
    dispatcher = Dispatcher(
        deliver,
        owner="t",
        clock=lambda: datetime.now(UTC),
        lease_for=outbox.DEFAULT_LEASE,
        concurrency=SyncEngine.delivery_concurrency,
        per_destination=settings.deliveries_per_destination,
        wider={TOPOLOGY.national: settings.deliveries_to_national},
    )
    try:
        while await dispatcher.fill():
            pass
        await asyncio.sleep(0)
        assert in_flight == {
            TOPOLOGY.national: settings.deliveries_to_national,
            REGENCY: settings.deliveries_per_destination,
        }
        assert settings.deliveries_to_national > settings.deliveries_per_destination
    finally:
        release.set()
        await dispatcher.finish()


def test_a_wider_limit_must_be_positive() -> None:
    with pytest.raises(ValueError, match="at least 1"):
        Dispatcher(
            lambda d: asyncio.sleep(0),
            owner="t",
            clock=lambda: datetime.now(UTC),
            lease_for=outbox.DEFAULT_LEASE,
            concurrency=4,
            per_destination=2,
            wider={"lapor": 0},
        )
