"""`python -m connectors.sandbox`: run all five simulators on fixed loopback ports until Ctrl+C."""

from __future__ import annotations

import argparse
import asyncio
import contextlib

from connectors.sandbox import lapor_national, legacy_sql, rest_json_v1, wa_bot_mongo, xml_stream
from connectors.sandbox.runner import default_simulators, serve_all

DEFAULT_BASE_PORT = 8701

# How each simulator wants its secret: sandbox values, printed so a newcomer can use them.
CREDENTIALS = {
    "lapor_national": f"POST /api/stream/addstream, /api/services/f01/gettopics, /api/v3/laporan; XML token {lapor_national.DEFAULT_XML_TOKEN}, KEYTOKEN {lapor_national.DEFAULT_KEYTOKEN}, "
    f"v3 X-Api-Key {lapor_national.DEFAULT_API_KEY}",
    "rest_json_v1": f"GET /api/reports?page=&limit=, Authorization: Bearer {rest_json_v1.DEFAULT_TOKEN}",
    "wa_bot_mongo": f"GET /reports?cursor=&limit=, x-api-key: {wa_bot_mongo.DEFAULT_API_KEY}",
    "legacy_sql": f"GET /export/pengaduan.csv?key={legacy_sql.DEFAULT_KEY} (and /export/tanggapan.csv)",
    "xml_stream": f"POST /api/stream/addstream, token attribute {xml_stream.DEFAULT_TOKEN}",
}


async def _run(host: str, base_port: int) -> None:
    sims = default_simulators()
    async with serve_all(sims, host=host, base_port=base_port) as urls:
        for name, url in urls.items():
            print(f"{name:16} {url}  {CREDENTIALS.get(name, '-')}")
        print("Admin, on every simulator: /_sandbox/faults, /_sandbox/received, /_sandbox/reset")
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
