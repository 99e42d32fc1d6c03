"""Complaint owners stored before issuers were recorded, handed to one issuer on request.

Ownership is (issuer, subject). A complaint stored before migration 0009 has an owner
subject but no issuer, and so belongs to nobody until an operator says which issuer its
owners came from. Guessing would be unsafe: with two trusted citizen issuers, the wrong
guess gives one person's complaints (and identity) to another.
"""

from __future__ import annotations

from gateway.store.models import ComplaintRow


async def adopt_owners(issuer: str) -> int:
    """Record `issuer` as the owner's issuer of every owned complaint that has none.

    Returns how many complaints were updated; rows that already name an issuer are kept."""
    if not issuer or len(issuer) > 200:
        raise ValueError(f"owner issuer {issuer[:40]!r}: expected a token issuer of 1 to 200 characters")
    return await ComplaintRow.filter(owner_subject__isnull=False, owner_issuer__isnull=True).update(owner_issuer=issuer)
