"""One read of a changed complaint per update event and case scope, shared by every
subscription that would otherwise make the same read.

One token may hold several sockets with several `complaintUpdates` each, and many staff of
one agency share a scope: read per stream, every change was read from the store once per
subscription, all on the one event loop, and a socket flood on a single token slowed every
other request. A read is shared only between subscribers with the same case scope, so
nobody is shown what their own scope would not return.
"""

from __future__ import annotations

import asyncio
import weakref
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Hashable
from typing import Any

# Reads kept per event loop: far more than the events in flight at once.
KEPT = 512


class SharedReads:
    """Reads in flight or just done, by key; the oldest are forgotten first."""

    def __init__(self, kept: int = KEPT) -> None:
        self._reads: OrderedDict[Hashable, asyncio.Future[Any]] = OrderedDict()
        self._kept = kept

    def read(self, key: Hashable, load: Callable[[], Awaitable[Any]]) -> Awaitable[Any]:
        """The result of `load()` for `key`, started by the first caller and awaited by all.

        Shielded: a subscriber that goes away does not cancel the read for the others."""
        found = self._reads.get(key)
        if found is None:
            found = asyncio.ensure_future(load())
            # Retrieved here too, so a read whose subscribers all left is not reported as
            # an exception nobody looked at.
            found.add_done_callback(lambda f: f.cancelled() or f.exception())
            self._reads[key] = found
            while len(self._reads) > self._kept:
                self._reads.popitem(last=False)
        return asyncio.shield(found)


_PER_LOOP: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, SharedReads] = weakref.WeakKeyDictionary()


def shared_reads() -> SharedReads:
    """The running event loop's shared reads (futures belong to one loop)."""
    loop = asyncio.get_running_loop()
    reads = _PER_LOOP.get(loop)
    if reads is None:
        reads = _PER_LOOP[loop] = SharedReads()
    return reads
