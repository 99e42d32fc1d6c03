"""Deterministic demo identifiers: UUIDs, PGH- tracking ids, LAPOR! numbers."""

from __future__ import annotations

from gateway.demo.rng import DemoRandom

TRACKING_PREFIX = "PGH-"
CROCKFORD32 = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # the alphabet of gateway.tracking
LAPOR_SYSTEM = "lapor"
PENGHUBUNG_SYSTEM = "penghubung"

# LAPOR! tracking numbers were 7 digits in 2017-2019 (domain.md §2.1); the demo keeps
# them 7 digits and roughly increasing with the complaint's date.
_LAPOR_FIRST = 5_200_000
_LAPOR_LAST = 9_999_999


_VERSION_4_CLEAR = ~((0xC000 << 48) | (0xF000 << 64))
_VERSION_4_SET = (0x8000 << 48) | (4 << 76)
# Every pair of Crockford base32 digits, indexed by 10 bits.
_PAIRS = tuple(a + b for a in CROCKFORD32 for b in CROCKFORD32)


def complaint_uuid(rng: DemoRandom) -> str:
    """A version-4 UUID string drawn from the generator's random source.

    The same string as str(uuid.UUID(int=rng.getrandbits(128), version=4)), built
    without the UUID object (a third of the cost).
    """
    h = f"{(rng.getrandbits(128) & _VERSION_4_CLEAR) | _VERSION_4_SET:032x}"
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def tracking_id(rng: DemoRandom, seen: set[str]) -> str:
    """A "PGH-XXXXXXXX" id (40 bits, Crockford base32) not in `seen`; adds it there."""
    pairs = _PAIRS
    while True:
        bits = rng.getrandbits(40)
        value = (
            f"{TRACKING_PREFIX}{pairs[bits >> 30]}{pairs[(bits >> 20) & 1023]}"
            f"{pairs[(bits >> 10) & 1023]}{pairs[bits & 1023]}"
        )
        if value not in seen:
            seen.add(value)
            return value


def lapor_number(rng: DemoRandom, progress: float, seen: set[str]) -> str:
    """A unique 7-digit LAPOR! tracking number, larger for later complaints.

    Args:
        rng: the generator's random source.
        progress: where the complaint falls in the demo period, 0.0 (oldest) to 1.0.
        seen: numbers already handed out; the new one is added.
    """
    span = 3_000_000
    centre = _LAPOR_FIRST + int(min(max(progress, 0.0), 1.0) * span)
    for _ in range(32):
        number = centre + rng.below(50_000) - 25_000
        value = str(number)
        if value not in seen:
            seen.add(value)
            return value
    while True:  # a crowded neighbourhood: take any free 7-digit number
        value = str(rng.randint(_LAPOR_FIRST, _LAPOR_LAST))
        if value not in seen:
            seen.add(value)
            return value
