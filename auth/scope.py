"""RowScope: the set of complaints a caller may read, as data the store turns into SQL.

Policies decide a caller's scope once per request; the store pushes it into every query
(lists, counts, lookups by id, nested batches), so nothing is filtered after a page was
cut and "forbidden" looks exactly like "not found".
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class RowScope:
    """Which complaints may be read.

    Attributes:
        everything: no restriction at all (internal jobs, the national admin).
        include_secret: whether secret (rahasia) complaints are visible.
    """

    everything: bool = False
    include_secret: bool = False

    def __post_init__(self) -> None:
        if self.everything and not self.include_secret:
            object.__setattr__(self, "include_secret", True)


# What a caller without a token may read: every complaint that is not secret.
PUBLIC = RowScope()
# No restriction; only for the gateway's own jobs (seeding, migrations, sync).
UNRESTRICTED = RowScope(everything=True)
