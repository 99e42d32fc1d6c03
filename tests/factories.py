"""Factories for real canonical values used across tests (no mocks)."""

from __future__ import annotations

import hashlib
import itertools
import uuid
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from typing import Any

import aiohttp

from connectors.sandbox.lapor_national import DEFAULT_API_KEY
from schema.canonical import (
    Attachment,
    Channel,
    Classification,
    Complaint,
    Disposition,
    DispositionKind,
    FollowUp,
    Location,
    Rating,
    Reporter,
    ReporterReply,
    SourceRef,
    Status,
    StatusEvent,
)

_counter = itertools.count(1)
BASE_TIME = datetime(2026, 3, 13, 2, 0, tzinfo=UTC)  # Friday 09:00 WIB


def attachment(name: str = "foto-jalan.jpg") -> Attachment:
    return Attachment(
        name=name,
        media_type="image/jpeg",
        size=123_456,
        sha256=hashlib.sha256(name.encode()).hexdigest(),
    )


def make_complaint(**overrides: Any) -> Complaint:
    """A complete complaint in Musi Rawas with every nested collection filled."""
    n = next(_counter)
    created = overrides.pop("created_at", BASE_TIME + timedelta(minutes=n))
    tracking = overrides.pop("tracking_id", f"TST-{n:08d}")
    history = (
        StatusEvent(Status.SUBMITTED, created),
        StatusEvent(Status.BELUM_TERVERIFIKASI, created),
        StatusEvent(Status.TERVERIFIKASI, created + timedelta(days=1), "pemkab-16.05"),
        StatusEvent(Status.DIDISPOSISIKAN, created + timedelta(days=1, hours=1), "pemkab-16.05"),
        StatusEvent(Status.DITINDAKLANJUTI, created + timedelta(days=3), "16.05-pupr", "jawaban"),
    )
    base = Complaint(
        id=str(uuid.uuid4()),
        tracking_id=tracking,
        classification=Classification.PENGADUAN,
        original_title=f"Jalan rusak di Desa Contoh nomor {n}",
        title=f"Perbaikan jalan desa nomor {n}",
        content="Jalan utama desa berlubang dan tergenang air setiap hujan turun.",
        incident_date=date(2026, 3, 10),
        location=Location(
            kode_wilayah="16.05.01.2002",
            address="Jl. Poros Desa, Kec. Tuah Negeri",
            latitude=-3.21,
            longitude=102.95,
        ),
        status=Status.DITINDAKLANJUTI,
        channel=Channel.MOBILE_APP,
        category_id="infrastruktur.jalan",
        suggested_agency_id="pemkab-16.05",
        routed_agency_id="16.05-pupr",
        tags=("jalan", "banjir"),
        attachments=(attachment(), attachment("surat.pdf")),
        is_anonymous=False,
        is_secret=False,
        sources=(SourceRef("penghubung", tracking), SourceRef("lapor", f"9{n:06d}")),
        status_history=history,
        dispositions=(
            Disposition(
                DispositionKind.DISPOSISI,
                "16.05-pupr",
                created + timedelta(days=1, hours=1),
                "pemkab-16.05",
                "mohon ditindaklanjuti",
            ),
        ),
        follow_ups=(
            FollowUp(
                "16.05-pupr",
                "Perbaikan dijadwalkan minggu depan.",
                created + timedelta(days=3),
                (attachment("jadwal.pdf"),),
            ),
        ),
        replies=(ReporterReply("Terima kasih atas tanggapannya.", created + timedelta(days=4)),),
        rating=Rating(4, created + timedelta(days=5), "cukup cepat"),
        reporter=Reporter(name="Siti Aminah", nik="1605014101900001", phone="+6281234567890", email="siti@example.id"),
        created_at=created,
        updated_at=created + timedelta(days=5),
    )
    return replace(base, **overrides)


async def laporan_at_lapor(http: aiohttp.ClientSession, lapor_url: str, **fields: object) -> str:
    """A laporan made at the LAPOR! simulator's v3 API, as its own users would; its tracking ID."""
    async with http.post(
        f"{lapor_url}/api/v3/laporan", json={"classification_id": 1, **fields}, headers={"X-Api-Key": DEFAULT_API_KEY}
    ) as response:
        assert response.status == 201, await response.text()
        return str((await response.json())["tracking_id"])
