"""Every field of the canonical complaint is stored, read back and shown, or says why not.

A field added to `schema.canonical.Complaint` (or to one of the values it holds: its
location, rating, reporter, and the elements of its collections) must be written by the
store's row mapping (`gateway.store.writer._Rows.add`), read back by the store's row
conversions (`gateway.store.rows`: `complaint_from_row` for the complaint's own columns,
the converter of each nested value for the rest), and exposed by the GraphQL case file
(`schema.graphql.complaint_types.Complaint` and the GraphQL types of the nested values).
Otherwise it must be on `EXCLUDED` with the reason. The mapping and the conversions are
read from their source, so the check needs no database; the last test proves it catches
a field nobody mapped, on a complaint type grown by one field.
"""

from __future__ import annotations

import ast
import dataclasses
import inspect
import textwrap
import types
import typing
from collections.abc import Callable
from typing import Any

from gateway.store import rows, writer
from schema import canonical
from schema.graphql import complaint_types
from schema.graphql import types as graphql_types

# (where, path) -> why the field is left out there. `where` is "written", "read" or
# "graphql"; a path is a field (`status`), a field of a nested value (`location.address`)
# or of each element of a collection (`follow_ups[].content`).
EXCLUDED: dict[tuple[str, str], str] = {}


def _nested_type(hint: Any) -> tuple[type | None, bool]:
    """The canonical dataclass a field holds (directly, optionally, or as the elements of
    a tuple), and whether it is a collection of them."""
    args = typing.get_args(hint)
    if typing.get_origin(hint) is tuple and args:
        inner, _ = _nested_type(args[0])
        return inner, True
    if typing.get_origin(hint) in (typing.Union, types.UnionType):
        for arg in args:
            inner, many = _nested_type(arg)
            if inner is not None:
                return inner, many
        return None, False
    if isinstance(hint, type) and dataclasses.is_dataclass(hint) and hint.__module__ == canonical.__name__:
        return hint, False
    return None, False


def field_paths(cls: type) -> list[tuple[str, str, type | None]]:
    """Every path to check for a complaint type: (path, field name, the class it belongs to)."""
    out: list[tuple[str, str, type | None]] = []
    for f in dataclasses.fields(cls):
        out.append((f.name, f.name, None))
        inner, many = _nested_type(typing.get_type_hints(cls)[f.name])
        if inner is None:
            continue
        prefix = f"{f.name}[]" if many else f.name
        out.extend((f"{prefix}.{sub.name}", sub.name, inner) for sub in dataclasses.fields(inner))
    return out


def _function(fn: Callable[..., object]) -> ast.FunctionDef | ast.AsyncFunctionDef:
    node = ast.parse(textwrap.dedent(inspect.getsource(fn))).body[0]
    assert isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
    return node


def _path(node: ast.expr, bound: dict[str, str]) -> str | None:
    """The complaint path an attribute chain reads (`c.location.address`), if it starts at
    the complaint or at an element of one of its collections."""
    parts: list[str] = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name) or node.id not in bound:
        return None
    root = bound[node.id]
    return ".".join(filter(None, [root, *reversed(parts)]))


_COMPREHENSIONS = (ast.GeneratorExp, ast.ListComp, ast.SetComp, ast.DictComp)


def _collect(node: ast.AST, bound: dict[str, str], out: set[str]) -> None:
    """The complaint paths read under `node`; a comprehension binds its names for its own body only."""
    if isinstance(node, _COMPREHENSIONS):
        local = dict(bound)
        for gen in node.generators:
            _collect(gen.iter, local, out)
            found = _path(gen.iter, local)
            if found and isinstance(gen.target, ast.Name):
                local[gen.target.id] = f"{found}[]"
            for condition in gen.ifs:
                _collect(condition, local, out)
        body = [node.key, node.value] if isinstance(node, ast.DictComp) else [node.elt]
        for part in body:
            _collect(part, local, out)
        return
    if isinstance(node, ast.Attribute):
        found = _path(node, bound)
        while found:
            out.add(found)
            found = found.rpartition(".")[0]
    for child in ast.iter_child_nodes(node):
        _collect(child, bound, out)


def written_paths(add: Callable[..., object]) -> set[str]:
    """What a row mapping reads of the complaint it is given (its second parameter) and of
    the elements it iterates over: everything it can write."""
    tree = _function(add)
    out: set[str] = set()
    _collect(tree, {tree.args.args[1].arg: ""}, out)
    return out


def constructed(module: types.ModuleType) -> dict[str, set[str]]:
    """For each canonical class a module's functions build: the fields they pass it."""
    out: dict[str, set[str]] = {}
    for _, fn in inspect.getmembers(module, inspect.isfunction):
        if fn.__module__ != module.__name__:
            continue
        for node in ast.walk(_function(fn)):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and isinstance(getattr(canonical, node.func.id, None), type)
            ):
                out.setdefault(node.func.id, set()).update(k.arg for k in node.keywords if k.arg)
    return out


def read_paths(cls: type, built: dict[str, set[str]]) -> set[str]:
    """What the row conversions give back: the complaint's own columns (`complaint_from_row`
    builds them), a nested value where a conversion builds its class, and the fields it
    passes that class."""
    own: set[str] = set()
    for node in ast.walk(_function(rows.complaint_from_row)):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "Complaint":
            own = {k.arg for k in node.keywords if k.arg}
    out = set(own)
    for path, name, owner in field_paths(cls):
        if owner is None:
            inner, _ = _nested_type(typing.get_type_hints(cls)[name])
            if inner is not None and inner.__name__ in built:
                out.add(path)
        elif name in built.get(owner.__name__, set()):
            out.add(path)
    return out


def _graphql_fields(cls: type) -> set[str]:
    return {f.python_name for f in cls.__strawberry_definition__.fields}  # type: ignore[attr-defined]


def exposed_paths(cls: type) -> set[str]:
    """What the GraphQL case file shows: its fields, and those of the GraphQL type named
    as each nested canonical value."""
    top = _graphql_fields(complaint_types.Complaint)
    out = set(top)
    for path, name, owner in field_paths(cls):
        if owner is None:
            continue
        shown = getattr(graphql_types, owner.__name__, None)
        if path.split(".")[0].removesuffix("[]") in top and shown is not None and name in _graphql_fields(shown):
            out.add(path)
    return out


def coverage(cls: type) -> dict[str, set[str]]:
    """The paths of `cls` the row mapping writes, the row conversions read and GraphQL shows."""
    return {
        "written": written_paths(writer._Rows.add),
        "read": read_paths(cls, constructed(rows)),
        "graphql": exposed_paths(cls),
    }


def gaps(cls: type) -> list[str]:
    """Every path of `cls` that one of the three misses and EXCLUDED does not excuse."""
    found = coverage(cls)
    return [
        f"{path}: not {where}"
        for path, _, _ in field_paths(cls)
        for where, paths in found.items()
        if path not in paths and (where, path) not in EXCLUDED
    ]


def test_every_field_of_the_complaint_is_stored_read_back_and_shown() -> None:
    assert gaps(canonical.Complaint) == [], "map each field, or add it to EXCLUDED with the reason"


def test_every_exclusion_names_a_field_and_is_needed() -> None:
    paths = {path for path, _, _ in field_paths(canonical.Complaint)}
    found = coverage(canonical.Complaint)
    for (where, path), why in EXCLUDED.items():
        assert path in paths, f"{path}: names no field of the complaint"
        assert where in found, f"{where}: not a place a field is checked"
        assert path not in found[where], f"{path}: is {where} now; take it off EXCLUDED"
        assert why.strip(), f"{path}: say why it is left out"


def test_a_field_nobody_mapped_is_caught() -> None:
    @dataclasses.dataclass(frozen=True)
    class Grown(canonical.Complaint):
        mood: str = "calm"

    assert gaps(Grown) == ["mood: not written", "mood: not read", "mood: not graphql"]
    # The nested values are checked too: their fields, element by element.
    paths = {path for path, _, _ in field_paths(Grown)}
    assert {"location.address", "follow_ups[].content", "rating.score", "reporter.nik"} <= paths
    assert "follow_ups[].content" in written_paths(writer._Rows.add)
