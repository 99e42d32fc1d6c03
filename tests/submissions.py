"""A citizen's complaint as the GraphQL API takes it (every field filled, Lubuk Linggau),
and the submitComplaint operation that returns what a submitter sees of it."""

from __future__ import annotations

SUBMIT = """
mutation Submit($input: SubmitComplaintInput!) {
  submitComplaint(input: $input) {
    trackingId
    complaint {
      id trackingId title status publicBucket classification channel timeZone createdAt
      isAnonymous isSecret tags
      location { kodeWilayah address region { name } }
      category { id name }
      suggestedAgency { id name }
      attachments { name mediaType size sha256 }
    }
  }
}
"""

GOOD = {
    "classification": "PENGADUAN",
    "title": "Lampu jalan padam di Jl. Yos Sudarso",
    "content": "Sudah dua minggu lampu jalan padam sehingga rawan kecelakaan pada malam hari.",
    "incidentDate": "2026-03-10",
    "location": {"kodeWilayah": "16.73.01", "address": "Jl. Yos Sudarso", "latitude": -3.29, "longitude": 102.86},
    "categoryId": "infrastruktur",
    "suggestedAgencyId": "pemkot-16.73",
    "tags": ["Lampu", "jalan"],
    "attachments": [{"name": "lampu.jpg", "mediaType": "image/jpeg", "size": 2048, "sha256": "a" * 64}],
    "isAnonymous": True,
    "channel": "MOBILE_APP",
    "reporter": {"name": "Rina Kartika", "nik": "1673014101900001", "phone": "081234567890"},
}
