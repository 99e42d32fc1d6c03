"""Child process of bench.fanout: serves a `rest_json_v1` simulator per kab/kota (514) on
one loopback port, each answering after `--latency-ms`, until its stdin closes.

Kept out of the measuring process, so the simulators' CPU does not queue the gateway's."""

from __future__ import annotations

import argparse
import asyncio
import sys

from connectors.sandbox.nation import regency_codes, serve_simulators


async def _serve(latency_ms: int) -> None:
    async with serve_simulators(regency_codes(), latency_ms=latency_ms) as (url, _):
        print(url, flush=True)
        # Served until the parent closes our stdin (or dies).
        await asyncio.get_running_loop().run_in_executor(None, sys.stdin.read)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--latency-ms", type=int, default=50)
    asyncio.run(_serve(parser.parse_args().latency_ms))


if __name__ == "__main__":
    main()
