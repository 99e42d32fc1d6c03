"""The check writes in the order a complaint really takes (verify, dispose, the OPD's answer,
the reporter's reply) and what the gateway really sends, so the honest mapping of a system
that guards its lifecycle passes, and a refusal names the lifecycle step and the system's
reason."""

from __future__ import annotations

from connectors.check_lifecycle import lifecycle_path
from connectors.protocol import Capability
from schema.canonical import Status
from schema.lifecycle import Action
from tests.connectors.check_system import run_check
from tests.connectors.gowa_rules_system import MAPPING_B, GowaSystem


def _trips(report, capability):  # type: ignore[no-untyped-def]
    return [t for t in report.round_trips if t.capability is capability]


def test_the_path_to_a_disposition_is_the_lifecycle_s_own() -> None:
    assert lifecycle_path(Status.BELUM_TERVERIFIKASI) == [
        (Action.VERIFY, Status.TERVERIFIKASI),
        (Action.DISPOSE, Status.DIDISPOSISIKAN),
    ]
    assert lifecycle_path(Status.TERVERIFIKASI) == [(Action.DISPOSE, Status.DIDISPOSISIKAN)]


async def test_the_honest_mapping_of_a_system_that_guards_its_lifecycle_passes() -> None:
    system = GowaSystem()
    report = await run_check(system, MAPPING_B, writes=True)
    assert report.passed, report.render()
    statuses = [body for kind, body in system.received if kind == "status"]
    # Verified, disposed with its OPD, in progress after the answer, closed at the end.
    assert statuses == [
        {"status": "VERIFIKASI"},
        {"status": "PROSES", "kode_opd": "DPUPR"},
        {"status": "DIPROSES"},
        {"status": "SELESAI"},
    ]
    follow_ups = [body for kind, body in system.received if kind == "follow_up"]
    # The OPD's answer credited to the OPD it was disposed to; the reply carries no OPD.
    assert [(b["dari"], b.get("kode_opd")) for b in follow_ups] == [("opd", "DPUPR"), ("pelapor", None)]
    walk = _trips(report, Capability.CHANGE_STATUS)[0]
    assert walk.detail == (
        "VERIFY to TERVERIFIKASI, read back; then set DIDISPOSISIKAN to OPD 16.05-pupr, read back DIDISPOSISIKAN with the same OPD"
    )
    walk, after_answer, finish = _trips(report, Capability.CHANGE_STATUS)
    assert (after_answer.detail, finish.detail) == (
        "POST_FOLLOW_UP to DITINDAKLANJUTI, read back",
        "CLOSE to SELESAI, read back",
    )
    answer, reply = _trips(report, Capability.ADD_FOLLOW_UP)
    assert answer.detail.startswith("added the agency's answer from OPD 16.05-pupr and read back"), answer.detail
    assert reply.detail.startswith("added the reporter's reply and read back"), reply.detail


async def test_a_refused_step_names_the_step_and_quotes_the_system() -> None:
    # Without a word for TERVERIFIKASI the sync disposes a new record straight away: the
    # system refuses, and the check says which step and why.
    mapping = MAPPING_B.replace('TERVERIFIKASI = "VERIFIKASI"\n', "")
    report = await run_check(GowaSystem(), mapping, writes=True)
    assert not report.passed
    (walk,) = _trips(report, Capability.CHANGE_STATUS)
    assert walk.detail.startswith("lifecycle step DISPOSE (TERVERIFIKASI to DIDISPOSISIKAN) was refused: "), walk.detail
    assert "Status tidak dapat diubah dari 'BARU' ke 'PROSES'" in walk.detail, walk.detail


async def test_an_answer_from_an_opd_the_map_cannot_say_fails_before_it_is_sent() -> None:
    # Disposed through a map that names only DLH for follow-ups: the answer from PUPR has no
    # word, so it is never sent with a guessed OPD.
    mapping = (
        MAPPING_B.replace(
            'kode_opd = { value = "author_agency", map = "opd_out",',
            'kode_opd = { value = "author_agency", map = "opd_dlh",',
        )
        + '\n[maps.opd_dlh]\n"16.05-dlh" = "DLH"\n'
    )
    system = GowaSystem()
    report = await run_check(system, mapping, writes=True)
    assert not report.passed
    answer = _trips(report, Capability.ADD_FOLLOW_UP)[0]
    assert not answer.ok and "kode_opd" in answer.detail and "opd_dlh" in answer.detail, answer.detail
    assert [b for kind, b in system.received if kind == "follow_up" and b["dari"] == "opd"] == []


async def test_a_default_opd_on_the_reply_is_refused_by_the_system_and_named() -> None:
    # The trial's workaround: a default OPD makes every reply carry one, which the system forbids.
    mapping = MAPPING_B.replace("only_if = { from_reporter = false }", 'default = "DPUPR"')
    report = await run_check(GowaSystem(), mapping, writes=True)
    assert not report.passed
    reply = _trips(report, Capability.ADD_FOLLOW_UP)[1]
    assert reply.detail.startswith("lifecycle step REPLY (the reporter's reply) was refused: "), reply.detail
    assert "harus kosong bila dari = 'pelapor'" in reply.detail, reply.detail


async def test_a_leaf_category_is_sent_when_the_out_map_starts_with_a_parent() -> None:
    system = GowaSystem()
    report = await run_check(system, MAPPING_B, writes=True)
    creates = [body for kind, body in system.received if kind == "create"]
    assert {b["kategori"] for b in creates} == {"JLN"}
    (create,) = _trips(report, Capability.CREATE)
    assert create.ok and "category_code" in create.detail, create.detail


async def test_a_parent_that_reads_back_as_its_child_passes_only_with_the_same_code() -> None:
    # Only a parent can be said: it files under its child with the very code sent.
    only_parent = MAPPING_B.replace('"infrastruktur.jalan" = "JLN"\n"kesehatan" = "KES"\n', "")
    report = await run_check(GowaSystem(), only_parent, writes=True)
    assert report.passed, report.render()
    # The same parent sent as a code the system files as another category: a mismatch.
    other = only_parent.replace(
        'JLN = "infrastruktur.jalan"', 'JLN = "infrastruktur.jalan"\nJMB = "infrastruktur.jembatan"'
    )
    system = GowaSystem()
    original = system.create

    async def files_as_bridge(request):  # type: ignore[no-untyped-def]
        answer = await original(request)
        newest = system.records[str(len(system.records))]
        newest["kategori"] = "JMB"
        return answer

    system.create = files_as_bridge  # type: ignore[method-assign]
    report = await run_check(system, other, writes=True)
    (create,) = _trips(report, Capability.CREATE)
    assert not create.ok
    assert "category_code: sent 'infrastruktur', read back 'infrastruktur.jembatan'" in create.detail, create.detail


async def test_a_constant_status_on_create_is_warned_and_fails_a_strict_check() -> None:
    # The trial's way past a guarded lifecycle: every created complaint would start verified.
    mapping = MAPPING_B.replace(
        'body = { judul = "title",', 'body = { status = { const = "VERIFIKASI" }, judul = "title",'
    )
    assert mapping != MAPPING_B
    report = await run_check(GowaSystem(), mapping, writes=False, strict=True)
    assert not report.passed
    assert any(
        w.startswith("[create] sends status = 'VERIFIKASI' (read as TERVERIFIKASI) on every new complaint")
        for w in report.write_warnings
    ), report.render()
    assert not any(
        "[create] sends" in w for w in (await run_check(GowaSystem(), MAPPING_B, writes=False)).write_warnings
    )
