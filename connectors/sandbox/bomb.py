"""A gzip decompression bomb: a small body that inflates to many megabytes of zeros."""

from __future__ import annotations

import zlib
from functools import cache

_CHUNK = b"\0" * (1 << 20)


@cache
def gzip_bomb(megabytes: int) -> bytes:
    """Gzip bytes that inflate to `megabytes` MiB of zero bytes (cached per size)."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, 31)  # wbits 31: gzip container
    parts = [compressor.compress(_CHUNK) for _ in range(megabytes)]
    parts.append(compressor.flush())
    return b"".join(parts)
