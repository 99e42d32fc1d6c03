"""The periodic heap trim: it gives freed heap back on glibc and stops with its process."""

from __future__ import annotations

import asyncio
import ctypes

import pytest

from gateway.memory_trim import trim_memory_periodically, trimmer


def _rss_kib() -> int:
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise AssertionError("no VmRSS")


@pytest.mark.skipif(trimmer() is None, reason="the C library has no malloc_trim (not glibc)")
def test_trim_gives_freed_heap_back() -> None:
    # Many small C allocations, every one freed but the last: glibc keeps the freed heap
    # below the survivor until it is trimmed.
    libc = ctypes.CDLL(None)
    libc.malloc.restype = ctypes.c_void_p
    libc.free.argtypes = [ctypes.c_void_p]
    blocks = [libc.malloc(4096) for _ in range(40_000)]  # about 160 MiB
    for block in blocks:
        ctypes.memset(block, 1, 4096)
    for block in blocks[:-1]:
        libc.free(block)
    before = _rss_kib()
    trim = trimmer()
    assert trim is not None
    assert trim() is True
    after = _rss_kib()
    libc.free(blocks[-1])
    assert before - after > 100 * 1024, (before, after)


async def test_periodic_trim_runs_until_stopped() -> None:
    stop = asyncio.Event()
    task = asyncio.create_task(trim_memory_periodically(stop, every=0.05))
    await asyncio.sleep(0.3)
    stop.set()
    ran = await asyncio.wait_for(task, 2)
    assert ran >= 2 if trimmer() is not None else ran == 0
