"""Attachment metadata for demo complaints and follow-ups: name, type, size, digest."""

from __future__ import annotations

import hashlib
from datetime import datetime

from gateway.demo.rng import DemoRandom
from schema.canonical import Attachment

JPEG, PNG, PDF = "image/jpeg", "image/png", "application/pdf"

_REPORTER_PDFS = (
    "surat_pernyataan_warga.pdf",
    "bukti_pembayaran.pdf",
    "kwitansi.pdf",
    "daftar_tanda_tangan_warga.pdf",
    "scan_surat_keterangan.pdf",
)


def _digest(rng: DemoRandom) -> str:
    """The SHA-256 of 32 deterministic bytes: stands in for the file's real digest."""
    return hashlib.sha256(rng.getrandbits(256).to_bytes(32, "big")).hexdigest()


def reporter_attachments(rng: DemoRandom, taken_at: datetime, slug: str) -> tuple[Attachment, ...]:
    """0-2 files a reporter attaches: phone photos, screenshots, the odd scanned PDF.

    Args:
        rng: the generator's random source.
        taken_at: local (WIB) time around which photos were taken, for file names.
        slug: a short word for the subject, used in hand-named files ("jalan_rusak").
    """
    rand = rng.random
    roll = rand()
    count = 0 if roll < 0.45 else 1 if roll < 0.83 else 2
    out: list[Attachment] = []
    for i in range(count):
        kind = rand()
        ts = datetime.fromtimestamp(taken_at.timestamp() - int(rand() * 3 * 86400), taken_at.tzinfo)
        day = f"{ts.year:04d}{ts.month:02d}{ts.day:02d}"
        clock = f"{ts.hour:02d}{ts.minute:02d}{ts.second:02d}"
        if kind < 0.70:
            style = int(rand() * 3)
            if style == 0:
                name = f"IMG_{day}_{clock}.jpg"
            elif style == 1:
                name = f"WhatsApp Image {day[:4]}-{day[4:6]}-{day[6:]} at {clock[:2]}.{clock[2:4]}.{clock[4:]}.jpeg"
            else:
                name = f"foto_{slug}_{i + 1}.jpg"
            media, size = JPEG, 90_000 + int(rand() * 1_910_000)
        elif kind < 0.85:
            name, media = f"Screenshot_{day}-{clock}.png", PNG
            size = 60_000 + int(rand() * 1_340_000)
        else:
            name, media = _REPORTER_PDFS[int(rand() * len(_REPORTER_PDFS))], PDF
            size = 45_000 + int(rand() * 1_855_000)
        out.append(Attachment(name, media, size, _digest(rng)))
    return tuple(out)


def follow_up_attachments(rng: DemoRandom, agency_short: str) -> tuple[Attachment, ...]:
    """Nothing, an official letter (PDF) or a photo of the work done (~30% have one)."""
    roll = rng.random()
    if roll < 0.7:
        return ()
    if roll < 0.85:
        stem = agency_short.replace(" ", "_")
        name, media, size = (
            f"Surat_Tanggapan_{stem}.pdf",
            PDF,
            rng.randint(80_000, 900_000),
        )
    else:
        name, media = "dokumentasi_tindak_lanjut.jpg", JPEG
        size = rng.randint(150_000, 1_800_000)
    return (Attachment(name, media, size, _digest(rng)),)
