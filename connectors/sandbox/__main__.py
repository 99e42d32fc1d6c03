"""`python -m connectors.sandbox`: run all five simulators on fixed loopback ports until Ctrl+C."""

from __future__ import annotations

import argparse
import asyncio
import contextlib

from connectors.sandbox.runner import default_simulators, serve_all

DEFAULT_BASE_PORT = 8701


async def _run(host: str, base_port: int) -> None:
    sims = default_simulators()
    async with serve_all(sims, host=host, base_port=base_port) as urls:
        for name, url in urls.items():
            print(
                f"{name:16} {url}  (admin: {url}/_sandbox/faults, /_sandbox/received, /_sandbox/reset)"
            )
        print("Ctrl+C stops.", flush=True)
        await asyncio.Event().wait()


def main(argv: list[str] | None = None) -> None:
    """Parse --host/--base-port and serve until interrupted."""
    parser = argparse.ArgumentParser(
        prog="python -m connectors.sandbox", description=__doc__
    )
    parser.add_argument(
        "--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)"
    )
    parser.add_argument(
        "--base-port",
        type=int,
        default=DEFAULT_BASE_PORT,
        help="first port; the rest follow",
    )
    args = parser.parse_args(argv)
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(_run(args.host, args.base_port))


if __name__ == "__main__":
    main()
