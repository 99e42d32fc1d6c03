"""Dependencies point inward: connectors/, auth/ and the canonical model stay framework-free,
and no module imports a higher layer than its own (docs/architecture.md).

The layers, lowest first: each module belongs to the layer of the longest prefix naming
it; a module no prefix names fails the test, so a new package is placed on purpose, not by
accident. Every import counts, the ones inside functions and under TYPE_CHECKING too.
"""

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
    _modules("connectors", "auth", "schema/ports")
    + [ROOT / "schema" / f for f in ("canonical.py", "regions.py", "validation.py", "queries.py", "tracking.py")],
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
    assert not _names_from(ROOT / "gateway" / "cli" / "sync_actions.py", "gateway.store.models")
    rows = _names_from(ROOT / "gateway" / "sync" / "ingest.py", "gateway.store.models")
    assert not rows & {"CategoryRow", "DispositionRow", "ReporterReplyRow"}, rows


PACKAGES = ("auth", "connectors", "schema", "gateway")

# The HTTP edge's modules that stay flat in gateway/: the logging both `serve` and the
# worker configure, and the start-up warnings.
FLAT_EDGE = tuple(f"gateway.{name}" for name in ("log_format", "log_privacy", "startup_warnings"))

LAYERS: tuple[tuple[str, tuple[str, ...]], ...] = (
    # 1. The canonical model, its rules and ports; tokens and principals; the connectors.
    ("core", ("auth", "connectors", "schema")),
    # 2. Configuration and the only ORM boundary.
    ("settings and store", ("gateway.settings", "gateway.rate_settings", "gateway.memory_trim", "gateway.store")),
    # 3. What the gateway does, framework-free: services, sync, federation, live updates,
    #    the worker's jobs, the meters, the demo's data.
    (
        "domain",
        (
            "gateway.domain",
            "gateway.sync",
            "gateway.federation",
            "gateway.updates",
            "gateway.worker",
            "gateway.telemetry",
            "gateway.demo",
        ),
    ),
    # 4. The composition root: builds the services the processes run.
    ("composition", ("gateway.services",)),
    # 5. The processes' faces: GraphQL, HTTP, and the worker's run loop and endpoint.
    (
        "edge",
        (
            "schema.graphql",
            "gateway.edge",
            "gateway.worker.run",
            "gateway.worker.metrics_server",
            *FLAT_EDGE,
        ),
    ),
    # 6. The command line, which may start any of them.
    ("cli", ("gateway.cli",)),
)

# Where today's code still breaks the rule (importer, imported): none.
EXCEPTIONS: frozenset[tuple[str, str]] = frozenset()


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {_module_name(p): p for package in PACKAGES for p in sorted((ROOT / package).rglob("*.py"))}


def layer_of(module: str) -> int | None:
    """The layer's index (0 lowest) of the longest prefix naming `module`, or None."""
    if module == "gateway":
        return 0  # the package itself imports nothing; its modules each have their own layer
    best: tuple[int, int] | None = None
    for index, (_, prefixes) in enumerate(LAYERS):
        for prefix in prefixes:
            names = module == prefix or module.startswith(prefix + ".")
            if names and (best is None or len(prefix) > best[0]):
                best = (len(prefix), index)
    return None if best is None else best[1]


def imports_of(module: str, path: Path) -> set[str]:
    """Our modules `module` imports (`from a import b` counts as a.b when b is a module)."""
    found: set[str] = set()
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            for alias in node.names:
                found.add(f"{base}.{alias.name}" if f"{base}.{alias.name}" in MODULES else base)
    return {name for name in found if name.split(".")[0] in PACKAGES}


def violations(modules: dict[str, Path]) -> list[str]:
    """Every import of a higher layer, as 'importer (layer) -> imported (layer)'."""
    found = []
    for module, path in modules.items():
        own = layer_of(module)
        for imported in sorted(imports_of(module, path)):
            theirs = layer_of(imported)
            if own is None or theirs is None or (module, imported) in EXCEPTIONS:
                continue
            if theirs > own:
                found.append(f"{module} ({LAYERS[own][0]}) -> {imported} ({LAYERS[theirs][0]})")
    return found


def test_every_module_has_a_layer() -> None:
    assert [m for m in MODULES if layer_of(m) is None] == []


def test_no_module_imports_a_higher_layer() -> None:
    assert violations(MODULES) == []


def test_the_check_catches_a_lower_layer_importing_a_higher_one(tmp_path: Path) -> None:
    store = tmp_path / "store.py"
    store.write_text("from gateway.cli.main import main\nimport schema.graphql\n", encoding="utf-8")
    sync = tmp_path / "sync.py"
    sync.write_text("def later():\n    from gateway.edge.app import create_app\n", encoding="utf-8")
    found = violations({"gateway.store.fake": store, "gateway.sync.fake": sync})
    assert found == [
        "gateway.store.fake (settings and store) -> gateway.cli.main (cli)",
        "gateway.store.fake (settings and store) -> schema.graphql (edge)",
        "gateway.sync.fake (domain) -> gateway.edge.app (edge)",
    ]


@pytest.mark.parametrize(
    ("module", "layer"),
    [
        ("schema.canonical", "core"),
        ("schema.ports.sync", "core"),
        ("schema.graphql.types", "edge"),
        ("gateway.store.models", "settings and store"),
        ("gateway.worker.jobs", "domain"),
        ("gateway.worker.run", "edge"),
        ("gateway.cli.main", "cli"),
    ],
)
def test_the_longest_prefix_decides(module: str, layer: str) -> None:
    index = layer_of(module)
    assert index is not None and LAYERS[index][0] == layer


def _orm_imports(path: Path) -> set[str]:
    """What the module imports of the ORM: tortoise, or the store's models."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(
                a.name
                for a in node.names
                if a.name.split(".")[0] == "tortoise" or a.name.startswith("gateway.store.models")
            )
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module.split(".")[0] == "tortoise" or node.module == "gateway.store.models":
                found.add(node.module)
            elif node.module == "gateway.store" and any(a.name == "models" for a in node.names):
                found.add("gateway.store.models")
    return found


def _outside_the_store() -> list[object]:
    store = ROOT / "gateway" / "store"
    params: list[object] = []
    for path in _modules("gateway", "schema", "auth", "connectors"):
        if path.is_relative_to(store):
            continue
        params.append(pytest.param(path, id=str(path.relative_to(ROOT))))
    return params


@pytest.mark.parametrize("path", _outside_the_store())
def test_only_the_store_talks_to_the_orm(path: Path) -> None:
    assert not _orm_imports(path), (
        f"{path.relative_to(ROOT)} imports {sorted(_orm_imports(path))}: go through gateway.store"
    )


def test_the_orm_check_sees_every_form_of_import(tmp_path: Path) -> None:
    module = tmp_path / "m.py"
    for line in (
        "import tortoise",
        "from tortoise.expressions import Q",
        "from gateway.store.models import ComplaintRow",
        "from gateway.store import models",
        "import gateway.store.models",
        "def f():\n    from tortoise.transactions import in_transaction\n",
    ):
        module.write_text(line + "\n", encoding="utf-8")
        assert _orm_imports(module), line
    module.write_text(
        "from gateway.store import outbox\nimport logging\nlogging.getLogger('tortoise')\n", encoding="utf-8"
    )
    assert not _orm_imports(module)
