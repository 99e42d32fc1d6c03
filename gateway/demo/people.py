"""Fictitious pelapor: Indonesian names, structurally valid NIK, mobile numbers, e-mail.

Every value is invented. The NIK passes `lokal.nik.parse_nik` and starts with a real
kecamatan code; the phone number passes `lokal.phone.parse_phone`. E-mail addresses use
the reserved example.* domains (RFC 2606) so a demo can never mail a real person.
"""

from __future__ import annotations

from gateway.demo.rng import DemoRandom
from schema.canonical import Reporter

# fmt: off
_MALE = (
    "Muhammad", "Ahmad", "M. Rizki", "Andi", "Budi", "Dedi", "Hendra", "Irwan", "Joko",
    "Rudi", "Syahrial", "Zulkifli", "Fauzan", "Rahmat", "Agus", "Eko", "Heri", "Iwan",
    "Taufik", "Yusuf", "Firdaus", "Arif", "Bambang", "Slamet", "Sutrisno", "Wahyu",
    "Doni", "Ferry", "Gunawan", "Hasan", "Ilham", "Junaidi", "Kurniawan", "Lukman",
    "Mulyadi", "Nasrul", "Ridwan", "Sapri", "Teguh", "Usman", "Yogi", "Zainal",
    "Darmawan", "Erwin", "Fikri", "Hendri", "Romi", "Sahrul", "Anton", "Hengki",
)
_FEMALE = (
    "Siti", "Nurhayati", "Sri Wahyuni", "Yulianti", "Rahmawati", "Dewi", "Fitri",
    "Indah", "Lestari", "Maya", "Nina", "Putri", "Rina", "Sari", "Wulan", "Yuni",
    "Aisyah", "Dian", "Evi", "Fatimah", "Hartini", "Ika", "Juwita", "Kartika", "Linda",
    "Mega", "Novi", "Ratna", "Susanti", "Tuti", "Umi", "Vera", "Winda", "Yanti",
    "Zahra", "Anisa", "Desi", "Eka", "Herlina", "Mardiana", "Nurul", "Rosmala",
    "Suryani", "Elvira", "Meliana",
)
_FAMILY = (
    "Saputra", "Pratama", "Wijaya", "Kurniawan", "Hidayat", "Lestari", "Syahputra",
    "Setiawan", "Nugroho", "Santoso", "Effendi", "Hasanuddin", "Zulkarnain", "Rusdi",
    "Harahap", "Siregar", "Gunadi", "Purnama", "Ramadhan", "Firmansyah", "Anwar",
    "Yahya", "Sembiring", "Tanjung", "Hakim", "Maulana", "Susanto", "Halim", "Wibowo",
    "Saleh", "Husin", "Mahmud", "Asnawi", "Darmadi", "Sofyan", "Ismail",
)
# Mobile prefixes with rough market weights (Telkomsel dominates Sumatra).
_PREFIXES = (
    ("0812", 14), ("0813", 9), ("0821", 8), ("0822", 8), ("0852", 9), ("0853", 6),
    ("0811", 2), ("0823", 3), ("0856", 4), ("0857", 4), ("0815", 1), ("0895", 3),
    ("0896", 2), ("0817", 2), ("0819", 2), ("0877", 3), ("0878", 2), ("0831", 2),
    ("0838", 2), ("0881", 1), ("0882", 1),
)
# fmt: on
_PREFIX_POOL = tuple(p for p, w in _PREFIXES for _ in range(w))
_MAIL_DOMAINS = ("example.com", "example.com", "example.net", "example.org")
_PHONE_LENGTHS = (7, 8, 8, 8, 9)  # digits after the 4-digit prefix: 11-13 in all
_BIRTH_DAYS = 28 * 12 * 52


def draw_reporter(rng: DemoRandom, kecamatan_code: str) -> Reporter:
    """A fictitious pelapor registered in a kecamatan (the NIK's first 6 digits).

    NIK: PPKKCC (the kecamatan), DDMMYY (birth date, day + 40 for women; days up to
    28 so every month is valid; born 1955-2006), and a serial that is not 0000.
    """
    rand = rng.random
    female = rand() < 0.42
    firsts = _FEMALE if female else _MALE
    first = firsts[int(rand() * len(firsts))]
    roll = rand()
    if roll < 0.15:
        name = first
    elif roll < 0.35:
        other = firsts[int(rand() * len(firsts))]
        name = first if other == first else f"{first} {other}"
    else:
        name = f"{first} {_FAMILY[int(rand() * len(_FAMILY))]}"

    born = int(rand() * _BIRTH_DAYS)  # 28-day months, 12 months, 52 years
    day = born % 28 + 1 + (40 if female else 0)
    month = born // 28 % 12 + 1
    year = (1955 + born // 336) % 100
    serial = 1 + int(rand() * 2999)
    nik = f"{kecamatan_code.replace('.', '')}{day:02d}{month:02d}{year:02d}{serial:04d}"

    digits = _PHONE_LENGTHS[int(rand() * len(_PHONE_LENGTHS))]
    phone = _PREFIX_POOL[int(rand() * len(_PREFIX_POOL))] + (f"{int(rand() * 10**digits):0{digits}d}")
    email = _email(rng, name) if rand() < 0.6 else None
    return Reporter(name, nik, phone, email)


def _email(rng: DemoRandom, name: str) -> str:
    words = [w.strip(".").lower() for w in name.split() if w.strip(".")]
    style = rng.below(4)
    if style == 0 or len(words) == 1:
        local = f"{words[0]}{rng.randint(1, 99)}"
    elif style == 1:
        local = f"{words[0]}.{words[-1]}"
    elif style == 2:
        local = f"{words[0]}{words[-1]}{rng.randint(70, 99)}"
    else:
        local = f"{words[0][0]}{words[-1]}"
    return f"{local}@{rng.choice(_MAIL_DOMAINS)}"
