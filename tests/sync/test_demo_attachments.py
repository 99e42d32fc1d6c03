"""The demo's kab/kota simulators carry the reporter's files the way their systems do, and
each complaint pulled from them carries the same files in the index: the REST app's uploads
with its own links (and an OPD's photo on its answer), the WhatsApp bot's media with their
digests, the legacy export's one photo by name. A second pull adds none twice. Each
complaint also says where it was written (channel)."""

from __future__ import annotations

from collections import Counter

from gateway.store.models import AttachmentRow, ComplaintRow, ComplaintSourceRow, FollowUpRow
from schema.canonical import Channel
from tests.sync.conftest import LEGACY, REGENCY_SOURCES, REST, TOPOLOGY, WA, Province


async def _files_by_source_id(system: str) -> dict[str, list[tuple[str, str, int | None, str | None, str | None]]]:
    links = dict(await ComplaintSourceRow.filter(system=system).values_list("complaint_id", "source_id"))
    out: dict[str, list[tuple[str, str, int | None, str | None, str | None]]] = {sid: [] for sid in links.values()}
    for row in await AttachmentRow.filter(complaint_id__in=list(links)).order_by("id"):
        out[links[row.complaint_id]].append((row.name, row.media_type, row.size, row.url, row.sha256))  # type: ignore[attr-defined]
    return out


async def test_complaints_pulled_from_the_kab_kota_simulators_carry_their_files(province: Province) -> None:
    await province.engine.pull_all()
    rest = province.sims[REST].reports  # type: ignore[attr-defined]
    assert await _files_by_source_id(REST) == {
        rid: [(f["fileName"], f["mimeType"], f["fileSize"], f["url"], None) for f in r["attachments"]]
        for rid, r in rest.items()
    }
    wa = province.sims[WA].reports  # type: ignore[attr-defined]
    assert await _files_by_source_id(WA) == {
        rid: [(f["filename"], f["mime_type"], f["file_size"], f["url"], f["sha256"]) for f in r["photos"]]
        for rid, r in wa.items()
    }
    legacy = province.sims[LEGACY].pengaduan  # type: ignore[attr-defined]
    assert await _files_by_source_id(LEGACY) == {
        str(pid): [(p.foto, "image/jpeg", None, None, None)] if p.foto else [] for pid, p in legacy.items()
    }
    # Most complaints have files where a system keeps them; the OPD's photo of the site visit
    # came with its answer.
    pulled = await ComplaintSourceRow.filter(system__in=REGENCY_SOURCES).values_list("complaint_id", flat=True)
    with_files = len(set(await AttachmentRow.filter(complaint_id__in=pulled).values_list("complaint_id", flat=True)))
    print(f"pulled from the kab/kota simulators: {len(pulled)} complaints, {with_files} with files")
    assert with_files >= len(pulled) // 3
    rest_ids = await ComplaintSourceRow.filter(system=REST).values_list("complaint_id", flat=True)
    answered = [
        a for a in await FollowUpRow.filter(complaint_id__in=rest_ids).values_list("attachments", flat=True) if a
    ]
    assert answered and all(a[0]["name"].startswith("tinjauan_") and a[0]["url"] for a in answered)
    # A second pull stores no file twice.
    before = await AttachmentRow.all().count()
    for system in REGENCY_SOURCES:
        await ComplaintSourceRow.filter(system=system).update(version="")  # read each record as changed
    await province.engine.pull_all()
    assert await AttachmentRow.all().count() == before


async def test_each_pulled_complaint_says_where_it_was_written(province: Province) -> None:
    await province.engine.pull_all()

    async def channels(system: str) -> Counter[Channel]:
        ids = await ComplaintSourceRow.filter(system=system).values_list("complaint_id", flat=True)
        return Counter(await ComplaintRow.filter(id__in=ids).values_list("channel", flat=True))

    assert set(await channels(REST)) == {Channel.WEB, Channel.MOBILE_APP}
    assert set(await channels(WA)) == {Channel.WHATSAPP}
    assert set(await channels(LEGACY)) == {Channel.WEB}
    # LAPOR! says where a reporter wrote to it: its website, apps, SMS 1708 or Twitter.
    national = await channels(TOPOLOGY.national)
    assert {Channel.WEB, Channel.MOBILE_APP, Channel.SMS, Channel.TWITTER} <= set(national), national
