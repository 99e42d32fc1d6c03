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
    ("5", "0", "Lingkungan Hidup"),
    ("51", "5", "Sampah"),
    ("52", "1", "Air Bersih"),
    ("6", "0", "Kebencanaan"),
    ("61", "6", "Banjir"),
    ("7", "0", "Pelayanan Publik"),
    ("71", "7", "Pungutan Liar"),
)
# The topic (category_id) a seed complaint of each seed topic carries in LAPOR!.
SEED_TOPIC_IDS = {
    "jalan": "11",
    "pju": "12",
    "sampah": "51",
    "air": "52",
    "ktp": "41",
    "puskesmas": "21",
    "banjir": "61",
    "pungli": "71",
}
