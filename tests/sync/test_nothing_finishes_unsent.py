"""An outbox entry ends delivered or as a dead letter with its reason, never "done" unsent;
and nothing is queued that its destination's mapping could never take."""

from __future__ import annotations

from datetime import UTC, datetime

from connectors.base import ConnectorBase
from connectors.config import DEMO_CONFIG, load_config
from connectors.protocol import Capability, Created, NewComplaint, Unsupported
from gateway.store.models import ComplaintSourceRow, OutboxRow
from gateway.store.writer import insert_complaints
from gateway.sync import outbox
from gateway.sync.deliver import Deliverer
from gateway.sync.propagate import announce_status
from gateway.sync.topology import Topology
from schema.canonical import Status
from tests.factories import make_complaint

TOPOLOGY = Topology.of(load_config(DEMO_CONFIG))
DEST = "16.74-kota-prabumulih"
WA = "16.05-musi-rawas"  # the WhatsApp bot: no word for TERVERIFIKASI


class CreatesOnly(ConnectorBase):
    """A destination (at the connector seam) that takes creates only, and whose mapping has
    no word for the category of the complaint it is asked to create."""

    name = DEST
    capabilities = frozenset({Capability.CREATE, Capability.ADD_FOLLOW_UP})
    repeat_safe = frozenset({Capability.CREATE, Capability.ADD_FOLLOW_UP})

    def __init__(self) -> None:
        self.sent: list[str] = []  # per instance: a class-level list would carry over between tests

    async def create(self, complaint: NewComplaint) -> Created:
        raise Unsupported(DEST, f"[maps.kategori] has no word for category_code {complaint.category_code}")

    async def add_follow_up(self, source_id: str, follow_up: object) -> None:
        self.sent.append(source_id)


async def _deliver_all(connector: CreatesOnly) -> dict[str, str]:
    deliverer = Deliverer({DEST: connector}, TOPOLOGY)  # type: ignore[dict-item]
    outcomes = {}
    for d in await outbox.lease("test", now=datetime.now(UTC)):
        outcomes[d.kind] = await deliverer.deliver(d)
    return outcomes


async def test_what_cannot_be_sent_is_a_dead_letter_with_its_reason(database_url: str) -> None:
    complaint = make_complaint()
    await insert_complaints([complaint])
    cid, now = complaint.id, datetime.now(UTC)
    await outbox.enqueue(DEST, "create", cid, f"create:{cid}", now=now)
    await outbox.enqueue(DEST, "status", cid, f"status:{cid}:1:TERVERIFIKASI", now=now)  # leased anyway
    connector = CreatesOnly()
    outcomes = await _deliver_all(connector)
    assert outcomes == {"create": "dead", "status": "dead"}
    entries = {e.kind: e for e in await OutboxRow.filter(complaint_id=cid)}
    assert {e.state for e in entries.values()} == {"dead"}  # none "done" without a confirmation
    create = entries["create"].last_error or ""
    assert create.startswith(f"create to {DEST}: ") and "[maps.kategori]" in create
    assert "category_code" in create and str(complaint.category_id) in create
    assert "takes no status changes" in (entries["status"].last_error or "")
    assert connector.sent == []


async def test_a_deleted_follow_up_is_a_dead_letter(database_url: str) -> None:
    complaint = make_complaint()
    await insert_complaints([complaint])
    cid, now = complaint.id, datetime.now(UTC)
    await ComplaintSourceRow.create(complaint_id=cid, system=DEST, source_id="R-2", status=Status.BELUM_TERVERIFIKASI)
    await outbox.enqueue(DEST, "follow_up", cid, f"follow_up:{cid}:gone", now=now, payload={"key": "gone"})
    assert await _deliver_all(CreatesOnly()) == {"follow_up": "dead"}
    entry = await OutboxRow.get(complaint_id=cid)
    assert entry.state == "dead" and "follow-up was deleted" in (entry.last_error or "")


async def test_a_status_a_destination_has_no_word_for_is_not_queued(database_url: str) -> None:
    complaint = make_complaint()
    await insert_complaints([complaint])
    cid, now = complaint.id, datetime.now(UTC)
    await ComplaintSourceRow.create(complaint_id=cid, system=WA, source_id="wa-1", status=Status.BELUM_TERVERIFIKASI)
    assert not TOPOLOGY.takes(WA, "status", "TERVERIFIKASI") and TOPOLOGY.takes(WA, "status", "DIDISPOSISIKAN")
    await announce_status(cid, "TERVERIFIKASI", origin=None, topology=TOPOLOGY, now=now)
    assert not await OutboxRow.filter(complaint_id=cid, destination=WA).exists()
    await announce_status(cid, "DIDISPOSISIKAN", origin=None, topology=TOPOLOGY, now=now)
    assert await OutboxRow.filter(complaint_id=cid, destination=WA, kind="status").count() == 1


def test_an_xml_stream_regency_takes_creates_only() -> None:
    # Banyuasin's system takes new reports through the XML addstream, nothing else.
    assert TOPOLOGY.takes("16.07-banyuasin", "create")
    assert not TOPOLOGY.takes("16.07-banyuasin", "status", "SELESAI")
    assert not TOPOLOGY.takes("16.07-banyuasin", "follow_up")
    assert TOPOLOGY.takes("lapor", "status", "TUNDA") and TOPOLOGY.takes("lapor", "follow_up")
