"""Reservations that heal: an idempotency key or a complaint's write hold whose holder failed
or died is given back, or taken over once the holder's lease (the write deadline plus its
settle wait) has run out, and the repeat answers what really happened at the system of
record; a holder still within its lease keeps both.

A holder that "dies" is a lifecycle whose step never returns (as in a killed process,
nothing of the request runs on): the seam is the Lifecycle the write-through is given.
The simulators, the connectors, the database and the write-through are the real ones.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from auth.policy import access_for
from auth.principal import Principal
from auth.roles import Role
from gateway.domain.lifecycle import Lifecycle, Planned
from gateway.federation import receipts
from gateway.federation.receipts import KeyInProgress
from gateway.federation.write_through import WriteBusy, WriteThrough
from gateway.store.models import ComplaintRow, DeliveryClaimRow, MutationReceiptRow, StatusEventRow
from gateway.sync.topology import Topology
from schema.canonical import Complaint, Status
from schema.deadlines import DeadlinePolicy
from schema.lifecycle import Action, ActionRequest
from schema.live import DeliveryState
from tests.conftest import Tokens
from tests.federation.conftest import CONFIG, DEADLINES, Federated
from tests.federation.scenarios import PRABUMULIH, report_at_prabumulih, submitted_at_prabumulih

ADMIN = Principal(subject="admin-pbm", roles=frozenset({Role.AGENCY_ADMIN}), issuer="test", agency_id="pemkot-16.74")
VERIFY = ActionRequest(Action.VERIFY)
DISPOSE = ActionRequest(Action.DISPOSE, unit_ids=("16.74-pupr",))  # PROSES at the owner: a change it shows
# A holder's lease: the write deadline plus the settle wait of a write cut off on its way
# (three times the deadline), and a second of slack (`act` counts from the whole second).
LEASE = timedelta(seconds=4 * DEADLINES.write_deadline + 1)
Hook = Callable[[], Awaitable[None]]


class _Faulty(Lifecycle):
    """The real lifecycle, with a hook run before its check or before its index step
    (a holder that raises, or that never comes back, as a killed process would not)."""

    def __init__(self, *, before_check: Hook | None = None, before_apply: Hook | None = None) -> None:
        super().__init__(DeadlinePolicy(), topology=Topology.of(CONFIG))
        self.before_check, self.before_apply = before_check, before_apply

    async def check(self, *args: Any, **kwargs: Any) -> Planned:
        hook, self.before_check = self.before_check, None  # once
        if hook is not None:
            await hook()
        return await super().check(*args, **kwargs)

    async def apply(self, *args: Any, **kwargs: Any) -> Complaint:
        hook, self.before_apply = self.before_apply, None
        if hook is not None:
            await hook()
        return await super().apply(*args, **kwargs)


def _writer(lifecycle: Lifecycle) -> WriteThrough:
    return WriteThrough(lifecycle, None, Topology.of(CONFIG), deadline=DEADLINES.write_deadline)  # type: ignore[arg-type]


async def _act(
    writer: WriteThrough,
    federated: Federated,
    cid: str,
    *,
    key: str | None,
    now: datetime | None = None,
    request: ActionRequest = DISPOSE,
) -> Any:
    return await writer.act(
        cid,
        request,
        principal=ADMIN,
        access=access_for(ADMIN),
        now=now or datetime.now(UTC),
        request_id="heal",
        connectors=federated.connectors,
        idempotency_key=key,
    )


def _after_lease() -> datetime:
    """A moment past the lease of a holder that was last seen now."""
    return datetime.now(UTC) + LEASE


def _status_posts(federated: Federated) -> int:
    return sum(
        1 for e in federated.sims[PRABUMULIH].received.entries if e.method == "POST" and e.path.endswith("/status")
    )


async def _verified(federated: Federated, tokens: Tokens) -> str:
    """A complaint of Prabumulih's system, verified; the simulator's log cleared."""
    cid = await submitted_at_prabumulih(federated, tokens)
    await _act(_writer(_Faulty()), federated, cid, key=None, request=VERIFY)
    federated.sims[PRABUMULIH].received.clear()
    return cid


async def _disposed_there(federated: Federated, cid: str) -> bool:
    return report_at_prabumulih(federated, cid)["bupatiStatus"] == "PROSES"


async def _held(cid: str) -> None:
    """Once a holder has taken the complaint's write hold."""
    while not await DeliveryClaimRow.filter(name=f"write|{cid}").exists():
        await asyncio.sleep(0.01)


class _Dies:
    """A hook that never comes back until the test ends it, and then fails (the process is gone)."""

    def __init__(self) -> None:
        self.gone = asyncio.Event()

    async def __call__(self) -> None:
        await self.gone.wait()
        raise RuntimeError("the process was killed")

    async def bury(self, task: asyncio.Task[Any]) -> BaseException | None:
        self.gone.set()
        try:
            await task
        except Exception as exc:  # whatever it ended with, nothing of it may change the outcome
            return exc
        return None


async def test_a_key_whose_holder_raised_before_sending_is_free_at_once(federated: Federated, tokens: Tokens) -> None:
    cid = await _verified(federated, tokens)

    async def boom() -> None:
        raise RuntimeError("the store went away")

    writer = _writer(_Faulty(before_check=boom))
    with pytest.raises(RuntimeError):
        await _act(writer, federated, cid, key="dispose-raise")
    assert _status_posts(federated) == 0
    _, receipt = await _act(writer, federated, cid, key="dispose-raise")  # a retry right away runs it
    assert receipt.state is DeliveryState.APPLIED and receipt.replayed is False
    assert _status_posts(federated) == 1


async def test_a_holder_that_raised_after_a_call_in_doubt_keeps_the_key_then_the_repeat_tells_the_truth(
    federated: Federated, tokens: Tokens
) -> None:
    cid = await _verified(federated, tokens)

    async def boom() -> None:
        raise RuntimeError("the store went away")

    writer = _writer(_Faulty(before_apply=boom))
    sim = federated.sims[PRABUMULIH]
    sim.faults.set(latency_ms=int(DEADLINES.write_deadline * 1000) + 500)  # lands after the holder gave up on it
    with pytest.raises(RuntimeError):
        await _act(writer, federated, cid, key="dispose-doubt")
    sim.faults.clear()
    # The call may still land: a repeat now is not run again (it could apply it twice).
    with pytest.raises(KeyInProgress):
        await _act(writer, federated, cid, key="dispose-doubt")
    landing = time.monotonic() + 5
    while not await _disposed_there(federated, cid) and time.monotonic() < landing:
        await asyncio.sleep(0.05)
    assert _status_posts(federated) == 1
    # Past the lease, the repeat takes the key over, finds the change at the owner, and
    # answers it as the earlier request's, without sending it again.
    changed, receipt = await _act(writer, federated, cid, key="dispose-doubt", now=_after_lease())
    assert receipt.state is DeliveryState.APPLIED and receipt.replayed is True
    assert changed.status is Status.DIDISPOSISIKAN
    assert _status_posts(federated) == 1
    assert await StatusEventRow.filter(complaint_id=cid, status=Status.DIDISPOSISIKAN).count() == 1
    assert (await MutationReceiptRow.get(key="dispose-doubt")).state == "done"


async def test_a_live_holder_keeps_its_key_and_hold_and_a_dead_one_is_taken_over_after_its_lease(
    federated: Federated, tokens: Tokens
) -> None:
    cid = await _verified(federated, tokens)
    dies = _Dies()
    writer = _writer(_Faulty(before_check=dies))  # holds key and complaint, then never comes back
    first = asyncio.create_task(_act(writer, federated, cid, key="dispose-dies"))
    await _held(cid)
    # Within its lease the holder may still be at work: a repeat and another change wait.
    with pytest.raises(KeyInProgress):
        await _act(writer, federated, cid, key="dispose-dies")
    with pytest.raises(WriteBusy):
        await _act(writer, federated, cid, key=None)
    assert _status_posts(federated) == 0
    # Past its lease it is taken for dead: the repeat takes key and hold over and, finding
    # nothing of the earlier attempt at the owner, runs it once.
    _, receipt = await _act(writer, federated, cid, key="dispose-dies", now=_after_lease())
    assert receipt.state is DeliveryState.APPLIED and receipt.replayed is False
    assert _status_posts(federated) == 1
    assert (await ComplaintRow.get(id=cid)).status is Status.DIDISPOSISIKAN
    await dies.bury(first)
    again = await _act(writer, federated, cid, key="dispose-dies")
    assert again[1].replayed is True and _status_posts(federated) == 1


async def test_a_holder_that_died_after_the_owner_took_the_change_is_taken_over_with_the_real_outcome(
    federated: Federated, tokens: Tokens
) -> None:
    cid = await _verified(federated, tokens)
    dies = _Dies()
    writer = _writer(_Faulty(before_apply=dies))  # the owner has it; the index step never comes
    first = asyncio.create_task(_act(writer, federated, cid, key="dispose-landed"))
    while not await _disposed_there(federated, cid):
        await asyncio.sleep(0.01)
    await asyncio.sleep(0.1)
    with pytest.raises(KeyInProgress):  # its lease was renewed for the index step
        await _act(writer, federated, cid, key="dispose-landed")
    changed, receipt = await _act(writer, federated, cid, key="dispose-landed", now=_after_lease())
    assert receipt.state is DeliveryState.APPLIED and receipt.replayed is True
    assert changed.status is Status.DIDISPOSISIKAN
    assert _status_posts(federated) == 1  # looked up there, not sent again
    await dies.bury(first)  # what is left of the dead holder changes nothing
    assert await StatusEventRow.filter(complaint_id=cid, status=Status.DIDISPOSISIKAN).count() == 1
    assert (await ComplaintRow.get(id=cid)).status is Status.DIDISPOSISIKAN
    again = await _act(writer, federated, cid, key="dispose-landed")
    assert again[1].replayed is True and again[1].state is DeliveryState.APPLIED


async def test_the_sweep_ends_reservations_nobody_came_back_for(database_url: str) -> None:
    cid = "7b0c8f5e-1f7e-4c35-9a39-4b1d9f0f3a11"
    past = datetime.now(UTC) - timedelta(minutes=1)
    common = {
        "caller": receipts.caller_of(ADMIN),
        "fingerprint": "f" * 64,
        "access": receipts.access_of(ADMIN),
        "created_at": past,
        "updated_at": past,
    }
    # As dead processes leave them: a submission's, an action's, and one still within its lease.
    await MutationReceiptRow.create(key="sub-dead", holder="h1", lease_until=past, **common)
    await MutationReceiptRow.create(key="act-dead", holder="h2", lease_until=past, complaint_id=cid, **common)
    await MutationReceiptRow.create(
        key="act-live", holder="h3", lease_until=datetime.now(UTC) + timedelta(minutes=1), complaint_id=cid, **common
    )
    assert await receipts.sweep(now=datetime.now(UTC)) == (1, 1)
    assert not await MutationReceiptRow.filter(key="sub-dead").exists()  # nothing of it was stored: free
    assert (await MutationReceiptRow.get(key="act-dead")).state == "lapsed"  # its repeat looks at the owner first
    assert (await MutationReceiptRow.get(key="act-live")).state == "started"
    assert await MutationReceiptRow.filter(state="started", lease_until__lt=datetime.now(UTC)).count() == 0
    # Its repeat takes the lapsed one over, told to look at the owner before sending; the
    # live one stays its holder's.
    lease = timedelta(seconds=20)
    taken = await receipts.begin(ADMIN, "act-dead", "f" * 64, now=datetime.now(UTC), lease=lease, complaint_id=cid)
    assert taken.taken_over and taken.done is None
    with pytest.raises(KeyInProgress):
        await receipts.begin(ADMIN, "act-live", "f" * 64, now=datetime.now(UTC), lease=lease, complaint_id=cid)


async def test_a_dead_holders_hold_on_its_complaint_is_taken_over_after_its_lease(
    federated: Federated, tokens: Tokens
) -> None:
    cid = await _verified(federated, tokens)
    dies = _Dies()
    first = asyncio.create_task(_act(_writer(_Faulty(before_check=dies)), federated, cid, key=None))
    writer = _writer(_Faulty())
    await _held(cid)
    with pytest.raises(WriteBusy):  # within its lease
        await _act(writer, federated, cid, key=None)
    _, receipt = await _act(writer, federated, cid, key=None, now=_after_lease())  # COMPLAINT_BUSY no longer
    assert receipt.state is DeliveryState.APPLIED
    assert _status_posts(federated) == 1
    assert isinstance(await dies.bury(first), RuntimeError)
    assert _status_posts(federated) == 1
