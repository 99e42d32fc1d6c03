"""The demo's random source: random.Random with cheaper draws for the hot paths.

`random.Random.choice`/`randrange`/`randint` reject-sample whole bits to be exactly
uniform, which costs a microsecond per draw; a demo drawing ~100 values per complaint
does not need that exactness. These overrides scale `random()` instead (bias below
2**-40 for the small ranges used here). Everything stays a pure function of the seed.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:
    from _typeshed import SupportsLenAndGetItem

T = TypeVar("T")


class DemoRandom(random.Random):
    """A seeded random.Random whose small-range draws are fast."""

    def choice(self, seq: SupportsLenAndGetItem[T]) -> T:
        return seq[int(self.random() * len(seq))]

    def below(self, n: int) -> int:
        """An int in [0, n)."""
        return int(self.random() * n)

    def randint(self, a: int, b: int) -> int:
        return a + int(self.random() * (b - a + 1))

    def pick_some(self, seq: Sequence[T], k: int) -> tuple[T, ...]:
        """k distinct elements of seq (k <= len(seq)), in drawn order."""
        pool = list(seq)
        out: list[T] = []
        for _ in range(k):
            out.append(pool.pop(int(self.random() * len(pool))))
        return tuple(out)
