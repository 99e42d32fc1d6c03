"""Who is calling and what they may read: principals, row scopes and policies (no web, no ORM)."""

from __future__ import annotations

from auth.scope import PUBLIC, UNRESTRICTED, RowScope

__all__ = ["PUBLIC", "UNRESTRICTED", "RowScope"]
