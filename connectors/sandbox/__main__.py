"""`python -m connectors.sandbox` (or `penghubung sandbox`): a simulator for every source of a
province's configuration (the Sumatera Selatan demo by default) on fixed loopback ports."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
from pathlib import Path

from connectors.config import DEMO_CONFIG, SourcesConfig, load_config
from connectors.dialects import DIALECTS
from connectors.registry import NATIONAL_NAME
from connectors.sandbox.lapor_national import LaporNational
from connectors.sandbox.province import LONG_RUN_RECEIVED, province_simulators
from connectors.sandbox.runner import serve_all

DEFAULT_BASE_PORT = 8701

# How each kind wants its secret: sandbox values, printed so a newcomer can use them.
CREDENTIALS = {LaporNational.name: LaporNational.calls} | {d.name: d.simulator_class().calls for d in DIALECTS}


def _label(config: SourcesConfig, name: str) -> tuple[str, str]:
    if name == NATIONAL_NAME:
        return "SP4N-LAPOR! (national)", "lapor_national"
    entry = next(r for r in config.connected if r.source_name == name)
    return f"{entry.kode_wilayah} {entry.name}", entry.dialect or "?"


async def _run(host: str, base_port: int, config_path: Path) -> None:
    config = load_config(config_path)
    sims = province_simulators(config, keep_received=LONG_RUN_RECEIVED)
    async with serve_all(sims, host=host, base_port=base_port) as urls:
        for name, url in urls.items():
            label, kind = _label(config, name)
            print(f"{url}  {label:42} {kind}")
        print("\nCredentials by kind (sandbox values):")
        for kind, text in CREDENTIALS.items():
            print(f"  {kind:15} {text}")
        absent = ", ".join(f"{r.kode_wilayah} {r.name}" for r in config.regencies if not r.connected)
        if absent:
            print(f"Not connected (their complaints live only in the national system): {absent}")
        print("Admin, on every simulator: /_sandbox/faults, /_sandbox/received, /_sandbox/reset")
        print("Ctrl+C stops.", flush=True)
        await asyncio.Event().wait()


def main(argv: list[str] | None = None) -> None:
    """Parse --host/--base-port/--config and serve until interrupted."""
    parser = argparse.ArgumentParser(prog="python -m connectors.sandbox", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    parser.add_argument("--base-port", type=int, default=DEFAULT_BASE_PORT, help="first port; the rest follow")
    parser.add_argument("--config", type=Path, default=DEMO_CONFIG, help="sources file (default: the Sumsel demo)")
    args = parser.parse_args(argv)
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(_run(args.host, args.base_port, args.config))


if __name__ == "__main__":
    main()
