"""One plain transaction for work that must commit together and is run once.

Unlike `gateway.store.transactions.transaction`, nothing is run again after an abort:
for a few statements outside the lock order (an enqueue of a repair, the catch-up of an
operator's confirmation) whose caller reports a failure rather than repeat it. Inside an
enclosing transaction it joins that one.
"""

from __future__ import annotations

from contextlib import AbstractAsyncContextManager

from tortoise.transactions import in_transaction


def atomic() -> AbstractAsyncContextManager[object]:
    """`async with atomic():` the statements inside commit together or not at all."""
    return in_transaction()


__all__ = ["atomic"]
