"""The legitimate traffic of the hostile-traffic benchmark: citizens reading the public view,
staff reading their case lists and case files with real tokens, and some writes
(submitComplaint by citizens, postFollowUp by agencies), each with its own idempotency key.

Every answer must be HTTP 200 with data and no `errors`: anything else is a legitimate
request that failed.
"""

from __future__ import annotations

import json
import random
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import aiohttp

from auth.dev import DevKeys, issue_token
from auth.roles import Role
from bench.load import JSON_HEADERS, graphql_check
from bench.open_loop import Send

TOKEN_TTL_S = 3600
# The same sequence of requests on every run.
MIX_SEED = 14
# A kind of request and its share of the mix.
MIX = (
    ("public_by_tracking_id", 0.35),
    ("public_list", 0.15),
    ("staff_list", 0.20),
    ("case_by_tracking_id", 0.15),
    ("submit_complaint", 0.08),
    ("post_follow_up", 0.07),
)
KINDS = tuple(name for name, _ in MIX)
# Distinct callers of each sort: legitimate load comes from many people, so limits per
# token subject see each at a modest rate.
CITIZENS = 5
STAFF = 3

PUBLIC_BY_ID = "query($t: String!) { publicComplaint(trackingId: $t) { id trackingId title content status createdAt } }"
PUBLIC_LIST = (
    '{ publicComplaints(first: 20, filter: {kodeWilayah: "16.05"}) '
    "{ edges { node { trackingId title content status } } pageInfo { hasNextPage } } }"
)
STAFF_LIST = (
    '{ complaints(first: 20, filter: {kodeWilayah: "16.05"}) '
    "{ totalCount edges { node { id trackingId title status } } } }"
)
CASE_BY_ID = (
    "query($t: String!) { complaint(trackingId: $t) { id trackingId title status dispositions { toAgencyId } } }"
)
SUBMIT = (
    "mutation($input: SubmitComplaintInput!, $k: String) "
    "{ submitComplaint(input: $input, idempotencyKey: $k) { trackingId } }"
)
FOLLOW_UP = (
    "mutation($id: ID!, $c: String!, $k: String) { postFollowUp(id: $id, content: $c, idempotencyKey: $k) { status } }"
)
# Complaints an agency may answer (follow-ups are allowed in these statuses), for the
# writes; read once before the runs, as the national admin.
FOLLOW_UP_TARGETS = (
    "query($after: String) { complaints(first: 100, after: $after, "
    "filter: {status: [DIDISPOSISIKAN, DITINDAKLANJUTI]}) "
    "{ edges { node { id routedAgency { id } } } pageInfo { hasNextPage endCursor } } }"
)
SUBMISSION = {
    "classification": "PENGADUAN",
    "title": "Jalan berlubang di depan pasar",
    "content": "Lubang di jalan depan pasar makin besar dan membahayakan pengendara motor.",
    "location": {"kodeWilayah": "16.05", "address": "Jl. Pasar Baru"},
    "channel": "MOBILE_APP",
}


class LegitSetupError(RuntimeError):
    """The data the legitimate traffic needs is not there."""


@dataclass(frozen=True, slots=True)
class FollowUpTarget:
    """A complaint an agency may post a follow-up to, and that agency."""

    complaint_id: str
    agency_id: str


def _holds(field: str) -> Callable[[dict[str, Any]], str | None]:
    def check(data: dict[str, Any]) -> str | None:
        return None if data.get(field) is not None else f"{field} is null"

    return check


async def follow_up_targets(
    session: aiohttp.ClientSession, url: str, token: str, *, limit: int = 200
) -> list[FollowUpTarget]:
    """Up to `limit` complaints an agency may answer now, read with `token` (the
    national admin's)."""
    found: list[FollowUpTarget] = []
    after: str | None = None
    headers = {**JSON_HEADERS, "authorization": f"Bearer {token}"}
    while len(found) < limit:
        body = json.dumps({"query": FOLLOW_UP_TARGETS, "variables": {"after": after}})
        async with session.post(url, data=body, headers=headers) as response:
            answer = await response.json()
        if answer.get("errors") or not answer.get("data"):
            raise LegitSetupError(f"reading follow-up targets failed: {json.dumps(answer)[:300]}")
        page = answer["data"]["complaints"]
        for edge in page["edges"]:
            node = edge["node"]
            if node.get("routedAgency"):
                found.append(FollowUpTarget(node["id"], node["routedAgency"]["id"]))
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    if not found:
        raise LegitSetupError("no complaint to post a follow-up to; use more --complaints")
    return found[:limit]


class LegitTraffic:
    """Builds the legitimate requests in their mix, over the given client sessions (one
    per simulated client network, used in turn)."""

    def __init__(
        self,
        url: str,
        sessions: Sequence[aiohttp.ClientSession],
        keys: DevKeys,
        tracking_ids: Sequence[str],
        targets: Sequence[FollowUpTarget],
    ) -> None:
        if not tracking_ids:
            raise LegitSetupError("no public tracking ID to read; use more --complaints")
        if not targets:
            raise LegitSetupError("no complaint to post a follow-up to; use more --complaints")
        self.url = url
        self.sessions = list(sessions)
        self.tracking_ids = list(tracking_ids)
        self.targets = list(targets)
        self.rng = random.Random(MIX_SEED)
        self.turn = 0
        self.next_target = 0
        self.tokens = _tokens(keys, sorted({t.agency_id for t in targets}))

    def pick(self) -> tuple[str, Send]:
        """The next request of the mix (a `Pick` for `open_loop`)."""
        kind = self.rng.choices(KINDS, weights=[w for _, w in MIX])[0]
        return kind, getattr(self, f"_{kind}")()

    def _send(self, query: str, variables: dict[str, Any], field: str, token: str | None) -> Send:
        session = self.sessions[self.turn % len(self.sessions)]
        self.turn += 1
        body = json.dumps({"query": query, "variables": variables}).encode()
        headers = dict(JSON_HEADERS)
        if token:
            headers["authorization"] = f"Bearer {token}"
        check = graphql_check(_holds(field))

        async def send() -> str | None:
            try:
                async with session.post(self.url, data=body, headers=headers) as response:
                    return check(response.status, await response.read())
            except (aiohttp.ClientError, TimeoutError) as exc:
                return f"{type(exc).__name__}: {exc}"

        return send

    def _public_by_tracking_id(self) -> Send:
        t = self.rng.choice(self.tracking_ids)
        return self._send(PUBLIC_BY_ID, {"t": t}, "publicComplaint", None)

    def _public_list(self) -> Send:
        return self._send(PUBLIC_LIST, {}, "publicComplaints", None)

    def _staff_list(self) -> Send:
        role = self.rng.choice(("coordinator", "admin"))
        token = self.tokens[f"{role}-{self.rng.randrange(STAFF)}"]
        return self._send(STAFF_LIST, {}, "complaints", token)

    def _case_by_tracking_id(self) -> Send:
        t = self.rng.choice(self.tracking_ids)
        token = self.tokens[f"admin-{self.rng.randrange(STAFF)}"]
        return self._send(CASE_BY_ID, {"t": t}, "complaint", token)

    def _submit_complaint(self) -> Send:
        token = self.tokens[f"citizen-{self.rng.randrange(CITIZENS)}"]
        variables = {
            "input": SUBMISSION,
            "k": str(uuid.UUID(int=self.rng.getrandbits(128))),
        }
        return self._send(SUBMIT, variables, "submitComplaint", token)

    def _post_follow_up(self) -> Send:
        # In turn: one complaint is never answered twice at once (that would be a
        # legitimate COMPLAINT_BUSY, not the gateway failing).
        target = self.targets[self.next_target % len(self.targets)]
        self.next_target += 1
        variables = {
            "id": target.complaint_id,
            "c": "Petugas sudah meninjau lokasi dan menjadwalkan perbaikan.",
            "k": str(uuid.UUID(int=self.rng.getrandbits(128))),
        }
        return self._send(
            FOLLOW_UP,
            variables,
            "postFollowUp",
            self.tokens[f"agency:{target.agency_id}"],
        )


def admin_token(keys: DevKeys, n: int = 0) -> str:
    """The `n`th national admin's token: reads everything, posts nothing."""
    return issue_token(
        keys,
        subject=f"bench-national-admin-{n}",
        roles=[Role.NATIONAL_ADMIN],
        ttl=TOKEN_TTL_S,
    )


def _tokens(keys: DevKeys, agencies: Sequence[str]) -> dict[str, str]:
    """Real tokens for every legitimate caller, signed with the key the gateway trusts."""

    def token(subject: str, role: Role, **claims: Any) -> str:
        return issue_token(keys, subject=subject, roles=[role], ttl=TOKEN_TTL_S, **claims)

    found: dict[str, str] = {}
    for i in range(STAFF):
        found[f"admin-{i}"] = admin_token(keys, i)
        found[f"coordinator-{i}"] = token(f"bench-coordinator-16-{i}", Role.REGIONAL_COORDINATOR, kode_wilayah="16")
    for i in range(CITIZENS):
        found[f"citizen-{i}"] = token(f"bench-warga-{i}", Role.CITIZEN)
    for agency in agencies:
        found[f"agency:{agency}"] = token(f"bench-admin-{agency}", Role.AGENCY_ADMIN, agency_id=agency)
    return found
