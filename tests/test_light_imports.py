"""What a module loads when imported: the worker's side never loads the GraphQL schema, and
the command line starts without the web, GraphQL and ORM stacks.

Each check runs in a fresh interpreter (this one has loaded everything already).
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

# Every test imports in a fresh interpreter (a child process).
pytestmark = pytest.mark.slow

GRAPHQL = ("strawberry", "graphql", "schema.graphql")
SERVING = (*GRAPHQL, "starlette.applications", "uvicorn", "tortoise", "aiohttp")


def _loaded(modules: tuple[str, ...], watched: tuple[str, ...]) -> list[str]:
    """The watched packages (or modules) loaded by importing `modules`, in a new process."""
    code = (
        "import importlib, json, sys\n"
        f"for name in {list(modules)!r}:\n"
        "    importlib.import_module(name)\n"
        f"watched = {list(watched)!r}\n"
        "print(json.dumps(sorted({w for w in watched for m in sys.modules if m == w or m.startswith(w + '.')})))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    loaded: list[str] = json.loads(done.stdout)
    return loaded


@pytest.mark.parametrize(
    "module",
    [
        "gateway.sync.engine",
        "gateway.sync.status",
        "gateway.federation.service",
        "gateway.store.repository",
        "gateway.domain.sources",
        "gateway.worker.run",
        "gateway.cli.sync_actions",
        "gateway.telemetry",
    ],
)
def test_the_sync_side_never_loads_graphql(module: str) -> None:
    assert _loaded((module,), GRAPHQL) == []


@pytest.mark.parametrize("module", ["gateway", "gateway.settings", "gateway.cli", "auth.roles", "schema.ports.reads"])
def test_start_up_modules_load_no_server_stack(module: str) -> None:
    assert _loaded((module,), SERVING) == []


def test_help_needs_no_settings() -> None:
    # `penghubung --help` parses arguments only; the settings (and what they load) come after.
    assert _loaded(("gateway.cli",), ("gateway.settings", "lokal", "limits")) == []
