"""The soak bench's traffic: an operator's day of requests, in an open loop.

Public reads (by tracking ID, a region's list), staff reads (a coordinator's case list, the
national admin's live case file), 10% submissions by citizens and 5% lifecycle actions by
the routed agency (postFollowUp, and disposeComplaint to one of its units), every write
with its own idempotency key and a unique marker in its text, so that the verification
can find it wherever it went. Tokens are real, signed with the bench's development key.

Each request is tagged with the kab/kota whose system it reaches (a write's owner, a live
read's source), or none for reads the index answers alone; the metrics use the tag to
tell requests touching a failing system from the rest.
"""

from __future__ import annotations

import asyncio
import json
import random
import time
import uuid
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

import aiohttp

from auth.dev import DevKeys, issue_token
from auth.roles import Role
from bench.soak_ledger import Ledger, Sample, Write
from bench.soak_targets import Case, Targets

JSON_HEADERS = {"content-type": "application/json"}
REQUEST_TIMEOUT_S = 30.0
TOKEN_TTL_S = 6 * 3600
CITIZENS = 24  # per-subject limits see each at a modest rate, as with real citizens
STAFF = 3
NETWORKS = 16  # loopback client networks (127.2.N.1) for the per-network limits

MIX = (
    ("public_by_tracking_id", 0.35),
    ("public_list", 0.15),
    ("staff_list", 0.15),
    ("case_live", 0.20),
    ("submit_complaint", 0.10),
    ("post_follow_up", 0.04),
    ("dispose_complaint", 0.01),
)
KINDS = tuple(k for k, _ in MIX)

PUBLIC_BY_ID = "query($t: String!) { publicComplaint(trackingId: $t) { id trackingId title status } }"
PUBLIC_LIST = (
    "query($k: String!) { publicComplaints(first: 20, filter: {kodeWilayah: $k}) "
    "{ edges { node { trackingId title status } } } }"
)
STAFF_LIST = (
    "query($k: String!) { complaints(first: 20, filter: {kodeWilayah: $k}) "
    "{ totalCount edges { node { id trackingId status } } } }"
)
CASE_LIVE = (
    "query($t: String!) { complaint(trackingId: $t, live: true) { id trackingId status followUps { content } } }"
)
SUBMIT = (
    "mutation($input: SubmitComplaintInput!, $k: String) "
    "{ submitComplaint(input: $input, idempotencyKey: $k) { trackingId delivery { state } complaint { id } } }"
)
FOLLOW_UP = (
    "mutation($id: ID!, $c: String!, $k: String) "
    "{ postFollowUp(id: $id, content: $c, idempotencyKey: $k) { status delivery { state } } }"
)
DISPOSE = (
    "mutation($id: ID!, $u: [ID!]!, $n: String, $k: String) "
    "{ disposeComplaint(id: $id, unitIds: $u, note: $n, idempotencyKey: $k) { status delivery { state } } }"
)


# One request, ready to go: sends itself and records its answer in the ledger.
Send = Callable[[], Awaitable[None]]


def _outcome(status: int, headers: Any, payload: bytes) -> tuple[str, dict[str, Any] | None, bool]:
    retry_after = "retry-after" in {k.lower() for k in headers}
    try:
        answer = json.loads(payload)
    except ValueError:
        return f"HTTP_{status}", None, retry_after
    errors = answer.get("errors") if isinstance(answer, dict) else None
    if errors:
        code = (errors[0].get("extensions") or {}).get("code") if isinstance(errors[0], dict) else None
        return (
            str(code or (f"HTTP_{status}" if status != 200 else "GRAPHQL_ERROR")),
            None,
            retry_after,
        )
    if status != 200 or not isinstance(answer.get("data"), dict):
        return f"HTTP_{status}", None, retry_after
    return "ok", answer["data"], retry_after


def _exception_code(exc: BaseException) -> str:
    if isinstance(exc, TimeoutError | asyncio.TimeoutError):
        return "TIMEOUT"
    if isinstance(exc, aiohttp.ClientConnectorError):
        return "CONNECT_FAILED"
    if isinstance(exc, aiohttp.ServerDisconnectedError | aiohttp.ClientOSError):
        return "DISCONNECTED"
    return type(exc).__name__


class Mix:
    """Builds the requests of the mix; every request it builds records itself in the ledger."""

    def __init__(
        self,
        url: str,
        sessions: Sequence[aiohttp.ClientSession],
        keys: DevKeys,
        targets: Targets,
        ledger: Ledger,
        *,
        run_id: str,
        origin: float,
        seed: int = 18,
    ) -> None:
        if not targets.public or not targets.actionable:
            raise RuntimeError(
                f"the index holds {len(targets.public)} public and {len(targets.actionable)} actionable "
                "complaints after the first pulls; the traffic needs both"
            )
        self.url, self.sessions, self.targets, self.ledger = (
            url,
            list(sessions),
            targets,
            ledger,
        )
        self.run_id, self.origin = run_id, origin
        self.rng = random.Random(seed)
        self.turn = 0
        self.next_case = 0
        self.written = 0
        self.phase = ""
        agencies = sorted({c.agency_id for c in targets.actionable if c.agency_id})
        self.tokens = _tokens(keys, run_id, agencies)

    def pick(self) -> Send:
        kind = self.rng.choices(KINDS, weights=[w for _, w in MIX])[0]
        return getattr(self, f"_{kind}")()

    # -- plumbing ---------------------------------------------------------------------

    def _request(
        self,
        kind: str,
        reaches: str | None,
        query: str,
        variables: dict[str, Any],
        token: str | None,
        write: Write | None = None,
        sample: Sample | None = None,
    ) -> Send:
        session = self.sessions[self.turn % len(self.sessions)]
        self.turn += 1
        body = json.dumps({"query": query, "variables": variables}).encode()
        headers = dict(JSON_HEADERS)
        if token:
            headers["authorization"] = f"Bearer {token}"
        sample = sample or Sample(kind, reaches, 0.0, phase=self.phase)

        async def send() -> None:
            sample.at = time.monotonic() - self.origin
            self.ledger.samples.append(sample)
            began = time.monotonic()
            data = None
            try:
                async with session.post(self.url, data=body, headers=headers) as response:
                    sample.status = response.status
                    sample.outcome, data, sample.retry_after = _outcome(
                        response.status, response.headers, await response.read()
                    )
            except (aiohttp.ClientError, TimeoutError) as exc:
                sample.outcome = _exception_code(exc)
            finally:
                sample.latency = time.monotonic() - began
            if write is not None and data is not None:
                _note_answer(write, data)

        return send

    def _marker(self) -> str:
        self.written += 1
        return f"SOAK{self.run_id}N{self.written:06d}"

    def _case(self) -> Case:
        # In turn, so one complaint is rarely acted on twice at once (that is a legitimate
        # COMPLAINT_BUSY, not a failure of the gateway).
        case = self.targets.actionable[self.next_case % len(self.targets.actionable)]
        self.next_case += 1
        return case

    # -- the kinds --------------------------------------------------------------------

    def _public_by_tracking_id(self) -> Send:
        case = self.rng.choice(self.targets.public)
        return self._request("public_by_tracking_id", None, PUBLIC_BY_ID, {"t": case.tracking_id}, None)

    def _public_list(self) -> Send:
        k = self.rng.choice(self.targets.regencies)
        return self._request("public_list", None, PUBLIC_LIST, {"k": k}, None)

    def _staff_list(self) -> Send:
        k = self.rng.choice(self.targets.regencies)
        token = self.tokens[f"coordinator-{self.rng.randrange(STAFF)}"]
        return self._request("staff_list", None, STAFF_LIST, {"k": k}, token)

    def _case_live(self) -> Send:
        case = self.rng.choice(self.targets.public)
        token = self.tokens[f"admin-{self.rng.randrange(STAFF)}"]
        return self._request("case_live", case.regency, CASE_LIVE, {"t": case.tracking_id}, token)

    def _submit_complaint(self) -> Send:
        regency = self.rng.choice(self.targets.regencies)
        marker = self._marker()
        variables = {
            "input": {
                "classification": "PENGADUAN",
                "title": "Jalan berlubang di depan pasar",
                "content": f"Lubang di jalan depan pasar makin besar dan membahayakan pengendara. Kode {marker}.",
                "location": {"kodeWilayah": regency, "address": "Jl. Pasar Baru"},
                "channel": "MOBILE_APP",
            },
            "k": str(uuid.UUID(int=self.rng.getrandbits(128))),
        }
        token = self.tokens[f"citizen-{self.rng.randrange(CITIZENS)}"]
        sample = Sample("submit_complaint", regency, 0.0, phase=self.phase)
        write = Write("submit_complaint", marker, regency, None, sample)
        self.ledger.writes.append(write)
        return self._request("submit_complaint", regency, SUBMIT, variables, token, write, sample)

    def _post_follow_up(self) -> Send:
        case = self._case()
        marker = self._marker()
        variables = {
            "id": case.id,
            "c": f"Petugas sudah meninjau lokasi dan menjadwalkan perbaikan. Kode {marker}.",
            "k": str(uuid.UUID(int=self.rng.getrandbits(128))),
        }
        sample = Sample("post_follow_up", case.regency, 0.0, phase=self.phase)
        write = Write("post_follow_up", marker, case.regency, case.id, sample, case.tracking_id)
        self.ledger.writes.append(write)
        token = self.tokens[f"agency:{case.agency_id}"]
        return self._request("post_follow_up", case.regency, FOLLOW_UP, variables, token, write, sample)

    def _dispose_complaint(self) -> Send:
        case = self._case()
        marker = self._marker()
        variables = {
            "id": case.id,
            "u": [self.rng.choice(case.units)],
            "n": f"Mohon ditindaklanjuti. Kode {marker}.",
            "k": str(uuid.UUID(int=self.rng.getrandbits(128))),
        }
        sample = Sample("dispose_complaint", case.regency, 0.0, phase=self.phase)
        write = Write("dispose_complaint", marker, case.regency, case.id, sample, case.tracking_id)
        self.ledger.writes.append(write)
        token = self.tokens[f"agency:{case.agency_id}"]
        return self._request("dispose_complaint", case.regency, DISPOSE, variables, token, write, sample)


def _note_answer(write: Write, data: dict[str, Any]) -> None:
    payload = next(iter(data.values()), None) or {}
    if write.kind == "submit_complaint":
        write.complaint_id = (payload.get("complaint") or {}).get("id")
        write.tracking_id = payload.get("trackingId")
    write.delivery = (payload.get("delivery") or {}).get("state")


def client_sessions(networks: int = NETWORKS) -> list[aiohttp.ClientSession]:
    """One session per simulated client network (127.2.N.1): callers come from many
    networks, as real ones do, so per-network limits see each at a modest rate."""
    timeout = aiohttp.ClientTimeout(total=REQUEST_TIMEOUT_S)
    return [
        aiohttp.ClientSession(
            connector=aiohttp.TCPConnector(limit=0, local_addr=(f"127.2.{n + 1}.1", 0)),
            timeout=timeout,
        )
        for n in range(networks)
    ]


async def open_loop(mix: Mix, *, rate: float, duration: float, drain: float, phase: str) -> list[Sample]:
    """Send `rate` requests a second for `duration` seconds whatever came back, then wait up
    to `drain` seconds for the last answers (what is still out then stays UNFINISHED, with
    the time it had waited). Returns the phase's samples."""
    mix.phase = phase
    first = len(mix.ledger.samples)
    pending: set[asyncio.Task[None]] = set()
    began = time.monotonic()
    for i in range(int(rate * duration)):
        delay = began + i / rate - time.monotonic()
        if delay > 0:
            await asyncio.sleep(delay)
        task = asyncio.create_task(mix.pick()())
        pending.add(task)
        task.add_done_callback(pending.discard)
    if pending:
        await asyncio.wait(set(pending), timeout=drain)
    for task in list(pending):
        task.cancel()
    if pending:
        await asyncio.gather(*pending, return_exceptions=True)
    samples = mix.ledger.samples[first:]
    ended = time.monotonic() - mix.origin
    for s in samples:
        if s.outcome == "UNFINISHED":
            s.latency = ended - s.at
    return samples


def _tokens(keys: DevKeys, run_id: str, agencies: Sequence[str]) -> dict[str, str]:
    """Real tokens for every caller; the run id in each subject keeps this run's rate-limit
    counters apart from any other run sharing the Redis."""

    def token(subject: str, role: Role, **claims: Any) -> str:
        return issue_token(
            keys,
            subject=f"soak-{run_id}-{subject}",
            roles=[role],
            ttl=TOKEN_TTL_S,
            **claims,
        )

    found = {}
    for i in range(STAFF):
        found[f"admin-{i}"] = token(f"national-admin-{i}", Role.NATIONAL_ADMIN)
        found[f"coordinator-{i}"] = token(f"coordinator-16-{i}", Role.REGIONAL_COORDINATOR, kode_wilayah="16")
    for i in range(CITIZENS):
        found[f"citizen-{i}"] = token(f"warga-{i}", Role.CITIZEN)
    for agency in agencies:
        found[f"agency:{agency}"] = token(f"admin-{agency}", Role.AGENCY_ADMIN, agency_id=agency)
    return found
