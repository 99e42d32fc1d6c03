"""Dependencies point inward: connectors/, auth/ and the canonical model stay framework-free."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FORBIDDEN = {"strawberry", "starlette", "tortoise", "uvicorn", "gateway", "graphql"}


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(a.name.split(".")[0] for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module.split(".")[0])
    return found


def _modules(*parts: str) -> list[Path]:
    return sorted(p for part in parts for p in (ROOT / part).rglob("*.py"))


@pytest.mark.parametrize(
    "path",
    _modules("connectors", "auth") + [ROOT / "schema" / f for f in ("canonical.py", "regions.py", "validation.py", "queries.py")],
    ids=lambda p: str(p.relative_to(ROOT)),
)
def test_framework_free(path: Path) -> None:
    assert not (_imports(path) & FORBIDDEN), f"{path.name} imports {_imports(path) & FORBIDDEN}"


@pytest.mark.parametrize("path", _modules("schema"), ids=lambda p: str(p.relative_to(ROOT)))
def test_schema_never_imports_the_orm_or_the_gateway(path: Path) -> None:
    assert not (_imports(path) & {"tortoise", "gateway"})


@pytest.mark.parametrize(
    "path",
    _modules("gateway", "schema", "auth", "connectors"),
    ids=lambda p: str(p.relative_to(ROOT)),
)
def test_every_module_has_a_docstring(path: Path) -> None:
    assert ast.get_docstring(ast.parse(path.read_text(encoding="utf-8"))), path


def _names_from(path: Path, module: str) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return {a.name for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.module == module for a in n.names}


def test_the_sync_commands_and_the_ingests_registry_and_details_go_through_the_store() -> None:
    # The store is the only place that talks to the ORM (new code).
    assert not _names_from(ROOT / "gateway" / "sync_cli.py", "gateway.store.models")
    rows = _names_from(ROOT / "gateway" / "sync" / "ingest.py", "gateway.store.models")
    assert not rows & {"CategoryRow", "DispositionRow", "ReporterReplyRow"}, rows


def _modules_imported(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
    return found


def _below_the_edge(path: Path) -> bool:
    """Whether a gateway module sits below the HTTP edge: everything but the edge itself,
    the command line that starts it and the package's own `__init__`."""
    parts = path.relative_to(ROOT / "gateway").parts
    return parts[0] not in ("edge", "cli", "cli.py", "__init__.py")


@pytest.mark.parametrize(
    "path",
    [p for p in _modules("gateway") if _below_the_edge(p)],
    ids=lambda p: str(p.relative_to(ROOT)),
)
def test_nothing_below_the_http_edge_imports_it(path: Path) -> None:
    # The composition root, the settings, the domain services, the store and the sync
    # engine are used by the worker and the commands too: none of them may need the edge.
    edge = {m for m in _modules_imported(path) if m == "gateway.edge" or m.startswith("gateway.edge.")}
    assert not edge, f"{path.relative_to(ROOT)} imports {sorted(edge)}"
