"""Live lists over the demo province's simulators, once synced: the caller's scope decides
what the sources' records show, exactly as for the index list; a record whose link was
lost is still judged as the index complaint it names."""

from __future__ import annotations

from typing import Any

from auth.roles import Role
from connectors.sandbox.province import SANDBOX_SECRETS
from gateway.store.models import AuditEventRow, ComplaintRow, ComplaintSourceRow
from schema.regions import children
from tests.conftest import Tokens
from tests.factories import laporan_at_lapor
from tests.federation.conftest import REST, WA, Federated
from tests.federation.scenarios import IN_MURA
from tests.submissions import SUBMIT

FILTER = {"kodeWilayah": "16", "createdAfter": "2000-01-01T00:00:00Z"}
MURA = {**FILTER, "kodeWilayah": "16.05"}
LIVE = """query($f: ComplaintFilterInput) { complaints(live: true, first: 100, filter: $f) {
  totalCount partial sources { system outcome records } edges { node { id isSecret location { kodeWilayah } owner { system } } } } }"""
INDEX = (
    """query($f: ComplaintFilterInput) { complaints(first: 100, filter: $f) { totalCount edges { node { id } } } }"""
)


def _ok(body: dict[str, Any]) -> dict[str, Any]:
    assert "errors" not in body, body
    return body["data"]["complaints"]  # type: ignore[no-any-return]


async def test_a_live_list_shows_what_the_index_list_would_show_the_same_caller(
    federated: Federated, tokens: Tokens
) -> None:
    coordinator = tokens.make(Role.REGIONAL_COORDINATOR, subject="koordinator-mura", region="16.05")
    live = _ok(await federated.gql(LIVE, {"f": MURA}, token=coordinator))
    index = _ok(await federated.gql(INDEX, {"f": FILTER}, token=coordinator))
    shown = {e["node"]["id"] for e in live["edges"]}
    assert shown and shown <= {e["node"]["id"] for e in index["edges"]}
    assert all(e["node"]["location"]["kodeWilayah"].startswith("16.05") for e in live["edges"])
    wa = next(s for s in live["sources"] if s["system"] == WA)
    assert wa["records"] == len(shown)  # Musi Rawas's system lists what the coordinator may see
    # The two kab/kota without a system are named, and the list says it may lack theirs.
    province = _ok(await federated.gql(LIVE, {"f": FILTER}, token=tokens.national_admin))
    absent = {s["system"]: s["outcome"] for s in province["sources"] if "not connected" in s["system"]}
    assert absent == {"16.08 (not connected)": "NOT_READABLE", "16.13 (not connected)": "NOT_READABLE"}
    assert province["partial"] is True


async def test_a_secret_complaint_stays_hidden_in_a_live_list(federated: Federated, tokens: Tokens) -> None:
    # Submitted through the gateway, so created in Musi Rawas's system with the gateway's id.
    made = await federated.gql(SUBMIT, {"input": IN_MURA}, token=tokens.citizen)
    cid = made["data"]["submitComplaint"]["complaint"]["id"]
    link = await ComplaintSourceRow.get(complaint_id=cid, system=WA)
    await ComplaintRow.filter(id=cid).update(is_secret=True)
    coordinator = tokens.make(Role.REGIONAL_COORDINATOR, subject="koordinator-mura", region="16.05")
    assert cid not in {e["node"]["id"] for e in _ok(await federated.gql(LIVE, {"f": MURA}, token=coordinator))["edges"]}
    admin = _ok(await federated.gql(LIVE, {"f": MURA}, token=tokens.national_admin))
    assert cid in {e["node"]["id"] for e in admin["edges"]}
    # Its link lost (a create whose answer never came back): the record still names the
    # gateway's id, and is judged as that complaint, not as a stranger's record.
    await ComplaintSourceRow.filter(id=link.id).delete()
    hidden = _ok(await federated.gql(LIVE, {"f": MURA}, token=coordinator))
    assert all(cid not in e["node"]["id"] for e in hidden["edges"])
    again = _ok(await federated.gql(LIVE, {"f": MURA}, token=tokens.national_admin))
    assert cid in {e["node"]["id"] for e in again["edges"]}


ONE = """query($id: ID!) { complaint(id: $id) { id trackingId title live owner { system outcome } } }"""


async def test_a_record_not_synced_yet_is_read_by_the_id_the_live_list_gave(
    federated: Federated, tokens: Tokens
) -> None:
    # Made in Ogan Komering Ulu's own system a moment ago: no pull has brought it in yet.
    async with federated.http.post(
        f"{federated.urls[REST]}/api/reports",
        json={
            "title": "Jembatan gantung rusak",
            "description": "Papan jembatan gantung di desa lepas.",
            "location": "Desa",
        },
        headers={"Authorization": f"Bearer {SANDBOX_SECRETS['rest_json_v1']}"},
    ) as response:
        assert response.status == 201, await response.text()
        source_id = str((await response.json())["id"])
    ref = f"{REST}:{source_id}"
    listed = _ok(await federated.gql(LIVE, {"f": {**FILTER, "kodeWilayah": "16.01"}}, token=tokens.national_admin))
    assert ref in {e["node"]["id"] for e in listed["edges"]}

    secret_reads = AuditEventRow.filter(action="SECRET_COMPLAINT_READ", reason=ref)
    listed_reads = await secret_reads.count()  # the list showed it too
    one = (await federated.gql(ONE.replace("live", "live isSecret"), {"id": ref}, token=tokens.national_admin))["data"][
        "complaint"
    ]
    assert one["id"] == ref and one["title"] == "Jembatan gantung rusak" and one["live"] is True
    assert one["owner"] == {"system": REST, "outcome": "OK"}
    assert one["isSecret"] is True  # its system cannot say: shown, and audited, as secret
    assert listed_reads == 1 and await secret_reads.count() == 2
    assert set(await secret_reads.values_list("actor_subject", flat=True)) == {"admin-lapor"}
    # Callers a live list is not for, and ids that are not a record's, ask nothing of the source.
    sim = federated.sims[REST]
    sim.received.clear()
    service = tokens.make(Role.CONNECTOR_SERVICE, subject="konektor-oku", agency="pemkab-16.01", region="16.01")
    for token, asked in (
        (tokens.citizen, ref),
        (service, ref),
        (tokens.national_admin, f"{REST}:.."),
        (tokens.national_admin, f"{REST}:"),
        (tokens.national_admin, f"{REST}:{'9' * 500}"),
    ):
        assert (await federated.gql(ONE, {"id": asked}, token=token))["data"]["complaint"] is None
    assert sim.received.entries == []
    # The same scope rules as in the list: its system has no secret flag, so it is taken as
    # secret until synced, and a coordinator of the region does not see it.
    coordinator = tokens.make(Role.REGIONAL_COORDINATOR, subject="koordinator-oku", region="16.01")
    assert (await federated.gql(ONE, {"id": ref}, token=coordinator))["data"]["complaint"] is None
    assert (await federated.gql(ONE, {"id": f"{REST}:no-such-record"}, token=tokens.national_admin))["data"][
        "complaint"
    ] is None
    assert (await federated.gql(ONE, {"id": "nowhere:1"}, token=tokens.national_admin))["data"]["complaint"] is None

    # A change waits for the sync, and says so.
    verify = "mutation($id: ID!) { verifyComplaint(id: $id) { status } }"
    refused = (await federated.gql(verify, {"id": ref}, token=tokens.national_admin))["errors"][0]
    assert refused["extensions"]["code"] == "NOT_FOUND" and "not synced" in refused["message"]

    # Its system down: said, with a code, rather than a silent null.
    federated.sims[REST].faults.set(down="503")
    body = await federated.gql(ONE, {"id": ref}, token=tokens.national_admin)
    federated.sims[REST].faults.clear()
    assert body["errors"][0]["extensions"]["code"] == "SOURCE_UNAVAILABLE" and REST in body["errors"][0]["message"]

    # Once synced, the same id answers with the index's complaint (its own id from then on).
    await federated.engine.pull(REST)
    synced = (await federated.gql(ONE, {"id": ref}, token=tokens.national_admin))["data"]["complaint"]
    link = await ComplaintSourceRow.get(system=REST, source_id=source_id)
    assert synced["id"] == str(link.complaint_id) and synced["title"] == "Jembatan gantung rusak"


async def test_reading_a_secret_record_not_synced_yet_is_audited_by_its_source_id(
    federated: Federated, tokens: Tokens
) -> None:
    # LAPOR! says which records are secret (rahasia); this one is new there, not pulled yet.
    tracking_id = await laporan_at_lapor(
        federated.http,
        federated.urls["lapor"],
        title="Pungutan liar di kantor desa",
        content="Ada pungutan liar saat mengurus surat.",
        location_id=children("16.01")[0].code,
        institution_id="pemkab-16.01",
        is_secret=True,
    )
    ref = f"lapor:{tracking_id}"
    body = await federated.gql(
        ONE.replace("trackingId", "trackingId isSecret"), {"id": ref}, token=tokens.national_admin
    )
    assert "errors" not in body, body
    assert body["data"]["complaint"]["isSecret"] is True
    rows = await AuditEventRow.filter(action="SECRET_COMPLAINT_READ", reason__contains=ref).values_list(
        "actor_subject", flat=True
    )
    assert list(rows) == ["admin-lapor"]
