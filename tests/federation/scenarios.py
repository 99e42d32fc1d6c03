"""Shared write scenarios for the federated gateway's tests: complaints submitted in
Prabumulih (a `rest_json_v1` system that honours Idempotency-Key) or Musi Rawas, the
mutations that move them, the tokens and checks the tests use around them, and a gateway
whose Prabumulih connector runs under a changed mapping."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Mapping
from contextlib import asynccontextmanager
from dataclasses import replace
from typing import Any

import httpx2 as httpx
from starlette.applications import Starlette

from auth.roles import Role
from connectors.config import DEMO_CONFIG
from connectors.loader import build_source
from connectors.protocol import Connector
from connectors.spec import load_spec
from gateway.domain.sources import ConfiguredSources
from gateway.edge.state import AppState, with_app_state
from gateway.sync.topology import Topology
from tests.conftest import Tokens
from tests.federation.conftest import CONFIG, DEADLINES, Federated
from tests.submissions import GOOD

PRABUMULIH = "16.74-kota-prabumulih"  # rest_json_v1: honours Idempotency-Key
IN_PRABUMULIH = {
    **GOOD,
    "location": {"kodeWilayah": "16.74.01", "address": "Jl. Sudirman"},
    "suggestedAgencyId": "pemkot-16.74",
}
IN_MURA = {
    **GOOD,
    "location": {"kodeWilayah": "16.05.01", "address": "Jl. Lintas"},
    "suggestedAgencyId": "pemkab-16.05",
}
# Unlike tests.submissions.SUBMIT, this one takes an idempotency key and asks how it was delivered.
SUBMIT = """mutation($input: SubmitComplaintInput!, $key: String) {
  submitComplaint(input: $input, idempotencyKey: $key) {
    trackingId complaint { id status }
    delivery { state system reason idempotencyKey replayed }
  }
}"""
VERIFY = """mutation($id: ID!, $key: String) {
  verifyComplaint(id: $id, idempotencyKey: $key) {
    status delivery { state system reason idempotencyKey replayed }
  }
}"""
DISPOSE = """mutation($id: ID!, $key: String) {
  disposeComplaint(id: $id, unitIds: ["16.74-pupr"], idempotencyKey: $key) {
    status delivery { state system reason idempotencyKey replayed }
  }
}"""
DISPOSE_MURA = """mutation($id: ID!) {
  disposeComplaint(id: $id, unitIds: ["16.05-pupr"]) { status delivery { state } }
}"""
FOLLOW_UP = """mutation($id: ID!, $text: String!, $key: String) {
  postFollowUp(id: $id, content: $text, idempotencyKey: $key) {
    status delivery { state system reason replayed }
  }
}"""
HOLD = """mutation($id: ID!) { holdComplaint(id: $id, note: "Mohon lengkapi alamat") { status } }"""
REPLY = """mutation($id: ID!, $text: String!) {
  replyToComplaint(id: $id, content: $text) { status delivery { state system reason } }
}"""
TEXT = "Alamatnya di Jl. Sudirman depan pasar, dekat tiang listrik nomor 12."


def prabumulih_admin(tokens: Tokens) -> str:
    """A token for Prabumulih's agency admin, who may verify and dispose its complaints."""
    return tokens.make(Role.AGENCY_ADMIN, subject="admin-pbm", agency="pemkot-16.74")


def data_of(body: dict[str, Any]) -> dict[str, Any]:
    """The `data` of a GraphQL answer that must carry no errors."""
    assert "errors" not in body, body
    return body["data"]  # type: ignore[no-any-return]


async def submitted_at_prabumulih(federated: Federated, tokens: Tokens) -> str:
    """A citizen's complaint, created at once in Prabumulih's system; its id."""
    made = data_of(await federated.gql(SUBMIT, {"input": IN_PRABUMULIH}, token=tokens.citizen))["submitComplaint"]
    assert made["delivery"]["state"] == "APPLIED" and made["delivery"]["system"] == PRABUMULIH
    return str(made["complaint"]["id"])


def report_at_prabumulih(federated: Federated, cid: str) -> dict[str, Any]:
    """The one report Prabumulih's simulator holds for the complaint."""
    found = [r for r in federated.sims[PRABUMULIH].reports.values() if r.get("externalRef") == cid]  # type: ignore[attr-defined]
    assert len(found) == 1, found
    return found[0]


def remapped_prabumulih(federated: Federated, mapping: str) -> Connector:
    """Prabumulih's live connector (its client, URL and secret) under another mapping text."""
    live = federated.connectors[PRABUMULIH]
    spec = replace(load_spec(mapping), name=live.spec.name, kode_wilayah=live.spec.kode_wilayah)  # type: ignore[attr-defined]
    return build_source(spec, live.client, live.base_url, secret=live.secret)  # type: ignore[attr-defined]


@asynccontextmanager
async def gateway_with(
    federated: Federated, make_app: Callable[..., Starlette], connectors: Mapping[str, Connector]
) -> AsyncIterator[httpx.AsyncClient]:
    """A client of a gateway over the federated simulators, `connectors` in place of theirs."""
    app = make_app(sources_file=DEMO_CONFIG, federation=DEADLINES)
    sources = ConfiguredSources(CONFIG, {**federated.connectors, **connectors}, federated.urls)
    transport = httpx.ASGITransport(app=with_app_state(app, AppState(sources=sources, topology=Topology.of(CONFIG))))
    async with httpx.AsyncClient(transport=transport, base_url="http://gateway.test") as client:
        yield client


async def gql_on(client: httpx.AsyncClient, query: str, variables: dict[str, Any], token: str) -> dict[str, Any]:
    """POST a GraphQL operation with a bearer token to `client`'s gateway; the JSON body."""
    response = await client.post(
        "/graphql", json={"query": query, "variables": variables}, headers={"authorization": f"Bearer {token}"}
    )
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]
