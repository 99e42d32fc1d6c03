"""A regency source whose mapping carries the whole complaint (category through its own
codes, incident date, the OPD disposition, follow-ups by author, a create body), and one
raw record of it with every one of those filled."""

from __future__ import annotations

SPEC = """
[source]
name = "16.01-oku"
kode_wilayah = "16.01"

[fields]
source_id = "id"
content = "description"
created_at = { path = "createdAt", cast = "datetime" }
status = { path = "status", map = "status" }
category_id = { path = "category", map = "kategori", optional = true }
incident_date = { path = "incidentDate", cast = "date", optional = true }
disposed_to = { path = "opdId", map = "opd", optional = true }
disposed_at = { path = "assignedAt", cast = "datetime", optional = true }
reporter_nik = { path = "nik", optional = true }

[maps.status]
PROSES = "DIDISPOSISIKAN"

[maps.kategori]
JALAN = "infrastruktur.jalan"

[maps.opd]
opd_pupr = "{kode_wilayah}-pupr"

[follow_ups]
path = "comments"
id = "id"
text = "comment"
at = { path = "createdAt", cast = "datetime" }
author = { path = "role", map = "penulis", default = "OPD" }

[maps.penulis]
OPD = "AGENCY"
PELAPOR = "REPORTER"

[create]
path = "/api/reports"
id = "id"
body = { description = "content", category = { value = "category_code", map = "kategori_out", default = "UMUM" }, incidentDate = { value = "incident_date", cast = "date" } }

[maps.kategori_out]
"infrastruktur.jalan" = "JALAN"
"""

RECORD = {
    "id": "rep_1",
    "description": "Jalan desa rusak parah.",
    "createdAt": "2026-03-13T09:00:00+07:00",
    "status": "PROSES",
    "category": "JALAN",
    "incidentDate": "2026-03-10",
    "opdId": "opd_pupr",
    "assignedAt": "2026-03-13T10:00:00+07:00",
    "nik": "1601014101900001",
    "comments": [
        {"id": "c1", "comment": "Sudah ditinjau.", "createdAt": "2026-03-14T09:00:00+07:00", "role": "OPD"},
        {"id": "c2", "comment": "Belum diperbaiki.", "createdAt": "2026-03-15T09:00:00+07:00", "role": "PELAPOR"},
        {"id": "c3", "comment": "Dijadwalkan.", "createdAt": "2026-03-16T09:00:00+07:00"},
    ],
}
