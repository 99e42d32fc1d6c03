"""The agency hierarchy in memory: which units lie under an agency.

Scopes and filters ask for "this agency and its units" on every request; the registry
changes rarely, so it is read once and re-read when older than `MAX_AGE` seconds, or at
once after the registry was written through this process.
"""

from __future__ import annotations

import time
from collections import defaultdict

from gateway.store.models import AgencyRow

MAX_AGE = 60.0


class AgencyTree:
    """Parent/child links of every agency."""

    def __init__(self) -> None:
        self._children: dict[str, list[str]] = {}
        self._loaded_at: float | None = None

    def invalidate(self) -> None:
        """Forget the cached tree (after the registry changed)."""
        self._loaded_at = None

    async def _load(self) -> None:
        children: dict[str, list[str]] = defaultdict(list)
        for agency_id, parent_id in await AgencyRow.all().values_list("id", "parent_id"):
            if parent_id is not None:
                children[parent_id].append(agency_id)
        self._children = dict(children)
        self._loaded_at = time.monotonic()

    async def subtree(self, root: str) -> list[str]:
        """`root` and every agency below it (an unknown root is just itself)."""
        if self._loaded_at is None or time.monotonic() - self._loaded_at > MAX_AGE:
            await self._load()
        found = [root]
        frontier = [root]
        while frontier:
            frontier = [c for parent in frontier for c in self._children.get(parent, ()) if c not in found]
            found.extend(frontier)
        return found


# One per process: the registry is shared by every request.
AGENCY_TREE = AgencyTree()
