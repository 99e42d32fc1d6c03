"""Misbehaving peers on loopback sockets, for telling apart a request that never left from
one that was sent and not answered: a port whose connects hang, a server that reads and
never answers, one that closes before reading."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager


@contextmanager
def hanging_connects() -> Iterator[int]:
    """A port whose listener never accepts and whose backlog is full: a connect hangs (the
    kernel drops the SYN), as it does to a system that is down behind a firewall."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(0)
    port = listener.getsockname()[1]
    fillers = []
    for _ in range(3):
        filler = socket.socket()
        filler.setblocking(False)
        try:
            filler.connect(("127.0.0.1", port))
        except BlockingIOError:
            pass
        fillers.append(filler)
    try:
        yield port
    finally:
        for s in (*fillers, listener):
            s.close()


@asynccontextmanager
async def raw_server(handle: str) -> AsyncIterator[int]:
    """A server that reads the request and never answers ("silent"), or closes each
    connection as soon as it is accepted, before reading anything ("closing")."""
    stop = asyncio.Event()

    async def on_connect(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        if handle == "closing":
            writer.close()
            return
        await reader.read(65536)
        await stop.wait()
        writer.close()

    server = await asyncio.start_server(on_connect, "127.0.0.1", 0)
    try:
        yield server.sockets[0].getsockname()[1]
    finally:
        stop.set()
        server.close()
        await server.wait_closed()
