"""The agency hierarchy and the category tree in memory: what lies under a node.

Scopes and filters ask for "this agency and its units" or "this category and the ones
below it" on every request; both change rarely, so each is read once and re-read when
older than `MAX_AGE` seconds, or at once after it was written through this process.
"""

from __future__ import annotations

import time
from collections import defaultdict

from gateway.store.models import AgencyRow, CategoryRow

MAX_AGE = 60.0


class ParentTree:
    """Parent/child links of every row of a self-referencing table."""

    def __init__(self, model: type[AgencyRow] | type[CategoryRow]) -> None:
        self._model = model
        self._children: dict[str, list[str]] = {}
        self._loaded_at: float | None = None

    def invalidate(self) -> None:
        """Forget the cached tree (after the table changed)."""
        self._loaded_at = None

    async def _load(self) -> None:
        children: dict[str, list[str]] = defaultdict(list)
        for node_id, parent_id in await self._model.all().values_list("id", "parent_id"):
            if parent_id is not None:
                children[parent_id].append(node_id)
        self._children = dict(children)
        self._loaded_at = time.monotonic()

    async def subtree(self, root: str) -> list[str]:
        """`root` and every node below it, breadth first (an unknown root is just itself)."""
        if self._loaded_at is None or time.monotonic() - self._loaded_at > MAX_AGE:
            await self._load()
        found = [root]
        frontier = [root]
        while frontier:
            frontier = [c for parent in frontier for c in self._children.get(parent, ()) if c not in found]
            found.extend(frontier)
        return found


# One per process: the registries are shared by every request.
AGENCY_TREE = ParentTree(AgencyRow)
CATEGORY_TREE = ParentTree(CategoryRow)
