"""Deterministic demo identifiers: UUIDs and PGH- tracking ids."""

from __future__ import annotations

from gateway.demo.rng import DemoRandom

TRACKING_PREFIX = "PGH-"
CROCKFORD32 = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # the alphabet of schema.tracking
PENGHUBUNG_SYSTEM = "penghubung"


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
