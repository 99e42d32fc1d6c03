"""A regency system that guards its own lifecycle, as real ones (E-LAPOR Gowa) do, for the
conformance check's tests.

Beside what tests.connectors.check_system keeps, it allows only BARU -> VERIFIKASI ->
PROSES (disposed, with an OPD code) -> DIPROSES -> SELESAI, and answers 422 with its
reason (`galat`) otherwise; a follow-up says who wrote it (`dari`: opd or pelapor), needs an
OPD code from an OPD and refuses one from the reporter; an OPD's answer on a disposed
record puts it in progress. MAPPING_B is the honest mapping for it: no constant status on
create, no default OPD on follow-ups.
"""

from __future__ import annotations

from aiohttp import web

from tests.connectors.check_system import MAPPING, System

TRANSITIONS = {
    "BARU": {"VERIFIKASI", "TOLAK"},
    "VERIFIKASI": {"PROSES", "TOLAK"},
    "PROSES": {"PROSES", "DIPROSES", "SELESAI"},
    "DIPROSES": {"PROSES", "SELESAI"},
    "SELESAI": {"DIPROSES"},
    "TOLAK": set(),
}
OPD_CODES = {"DPUPR", "DLH"}


def _swap(text: str, old: str, new: str) -> str:
    assert old in text, old
    return text.replace(old, new)


def _mapping_b() -> str:
    m = _swap(
        MAPPING,
        'PROSES = "DIDISPOSISIKAN"',
        'VERIFIKASI = "TERVERIFIKASI"\nPROSES = "DIDISPOSISIKAN"\nDIPROSES = "DITINDAKLANJUTI"',
    )
    m = _swap(
        m,
        'DIDISPOSISIKAN = "PROSES"',
        'TERVERIFIKASI = "VERIFIKASI"\nDIDISPOSISIKAN = "PROSES"\nDITINDAKLANJUTI = "DIPROSES"',
    )
    m = _swap(m, 'JLN = "INFRA-JALAN"\nKES = "KESEHATAN"', 'JLN = "infrastruktur.jalan"\nKES = "kesehatan"')
    # A parent first, as the trial's mapping had it: its word files under the child.
    m = _swap(
        m,
        'INFRA-JALAN = "JLN"\nKESEHATAN = "KES"',
        '"infrastruktur" = "JLN"\n"infrastruktur.jalan" = "JLN"\n"kesehatan" = "KES"',
    )
    m = _swap(
        m,
        'agency_id = { path = "opd", optional = true }',
        'agency_id = { path = "opd", optional = true }\ndisposed_to = { path = "disposisi", map = "opd", optional = true }',
    )
    m = _swap(
        m,
        'at = { path = "waktu", cast = "datetime" }\n\n[read_one]',
        'at = { path = "waktu", cast = "datetime" }\nauthor = { path = "dari", map = "penulis" }\n'
        'agency = { path = "kode_opd", map = "opd", optional = true }\n\n[read_one]',
    )
    m = _swap(
        m,
        'body = { status = { value = "status", map = "status_out" } }',
        'body = { status = { value = "status", map = "status_out" }, kode_opd = { value = "unit", map = "opd_out", when_unmapped = "omit" } }',
    )
    m = _swap(
        m,
        'body = { teks = "text", waktu = { value = "at", cast = "datetime" } }',
        'body = { teks = "text", waktu = { value = "at", cast = "datetime" }, '
        'dari = { value = "from_reporter", cast = "bool", true = "pelapor", false = "opd" }, '
        'kode_opd = { value = "author_agency", map = "opd_out", only_if = { from_reporter = false } } }',
    )
    return (
        m
        + """
[maps.penulis]
opd = "AGENCY"
pelapor = "REPORTER"

[maps.opd]
DPUPR = "{kode_wilayah}-pupr"
DLH = "{kode_wilayah}-dlh"

[maps.opd_out]
"{kode_wilayah}-pupr" = "DPUPR"
"{kode_wilayah}-dlh" = "DLH"
"""
    )


MAPPING_B = _mapping_b()


def _refuse(pesan: str, galat: dict[str, list[str]]) -> web.Response:
    return web.json_response({"pesan": pesan, "galat": galat}, status=422)


class GowaSystem(System):
    """check_system's System with Gowa's transition rules and conditional kode_opd."""

    async def status(self, request: web.Request) -> web.Response:
        body = await request.json()
        self.received.append(("status", body))
        record = self.records[request.match_info["id"]]
        wanted, kode = body.get("status"), body.get("kode_opd")
        if wanted == "PROSES" and kode not in OPD_CODES:
            return _refuse("Perubahan status tidak valid.", {"kode_opd": ["wajib diisi untuk status 'PROSES'"]})
        if wanted != "PROSES" and kode is not None:
            return _refuse("Perubahan status tidak valid.", {"kode_opd": ["hanya boleh diisi untuk status 'PROSES'"]})
        current = str(record["status"])
        if wanted != current and wanted not in TRANSITIONS[current]:
            allowed = ", ".join(sorted(TRANSITIONS[current]))
            return _refuse(
                f"Status tidak dapat diubah dari '{current}' ke '{wanted}'.",
                {"status": [f"status berikutnya yang diizinkan: {allowed}"]},
            )
        record["status"] = wanted
        if kode is not None:
            record["disposisi"] = kode
        return web.json_response({})

    async def follow_up(self, request: web.Request) -> web.Response:
        body = await request.json()
        self.received.append(("follow_up", body))
        record = self.records[request.match_info["id"]]
        dari, kode = body.get("dari"), body.get("kode_opd")
        if dari not in ("opd", "pelapor"):
            return _refuse("Tanggapan tidak valid.", {"dari": ["harus 'opd' atau 'pelapor'"]})
        if dari == "opd" and kode not in OPD_CODES:
            return _refuse("Tanggapan tidak valid.", {"kode_opd": ["wajib diisi bila dari = 'opd'"]})
        if dari == "pelapor" and kode is not None:
            return _refuse("Tanggapan tidak valid.", {"kode_opd": ["harus kosong bila dari = 'pelapor'"]})
        notes = record["catatan"]
        assert isinstance(notes, list)
        notes.append(
            {"id": str(len(notes) + 1), "teks": body["teks"], "waktu": body["waktu"], "dari": dari, "kode_opd": kode}
        )
        if dari == "opd" and record["status"] == "PROSES":
            record["status"] = "DIPROSES"  # the system's own rule: an OPD's answer starts the work
        return web.json_response({})
