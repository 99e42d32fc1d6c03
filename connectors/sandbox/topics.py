"""The topic tree served by the old LAPOR! data API (f01/gettopics); ids are strings, roots have parent "0"."""

from __future__ import annotations

TOPICS: tuple[tuple[str, str, str], ...] = (
    ("1", "0", "Infrastruktur"),
    ("2", "0", "Kesehatan"),
    ("3", "0", "Ekonomi dan Keuangan"),
    ("4", "0", "Administrasi Kependudukan"),
    ("11", "1", "Jalan dan Jembatan"),
    ("12", "1", "Penerangan Jalan Umum"),
    ("13", "3", "Teknologi Informasi dan Komunikasi"),
    ("21", "2", "Puskesmas"),
    ("22", "2", "BPJS Kesehatan"),
    ("41", "4", "KTP Elektronik"),
)
