"""Tracking IDs the gateway assigns to complaints submitted through it.

Format "PGH-XXXXXXXX": eight Crockford base32 characters (40 random bits), which avoid
letters people confuse on the phone (I, L, O, U). Uniqueness is enforced by the store;
a collision (about one in a million at a million complaints) is retried.
"""

from __future__ import annotations

import re
import secrets

PREFIX = "PGH-"
ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
LENGTH = 8
PATTERN = re.compile(rf"^{PREFIX}[{ALPHABET}]{{{LENGTH}}}$")


def new_tracking_id() -> str:
    """A fresh random tracking ID."""
    return PREFIX + "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def canonical_tracking_id(value: str) -> str:
    """The stored form of a tracking ID as typed: our own IDs are case-insensitive.

    Other systems' IDs (LAPOR!'s numbers, regency ids) are kept exactly as given.
    """
    value = value.strip()
    upper = value.upper()
    return upper if PATTERN.match(upper) else value
