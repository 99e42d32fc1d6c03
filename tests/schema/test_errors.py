"""The error tree: every error the project defines hangs under one root, drawn in its docstring."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import re

import pytest

import schema.errors
from schema.errors import PenghubungError

# Outside the tree on purpose: a BaseException that stops an operation, and the
# deliverer's control flow (its outcomes).
OUTSIDE = {
    "gateway.edge.graphql_endpoint.operation_deadline.DeadlinePassed",
    "gateway.sync.deliver.NotYet",
    "gateway.sync.deliver.Done",
    "gateway.sync.deliver.Undeliverable",
    "gateway.sync.deliver._Settled",
}


def _exception_classes() -> list[type[BaseException]]:
    found: list[type[BaseException]] = []
    for package in ("auth", "connectors", "schema", "gateway"):
        for info in pkgutil.walk_packages(importlib.import_module(package).__path__, f"{package}."):
            if info.name.endswith(".__main__"):
                continue  # runs its command when imported
            module = importlib.import_module(info.name)
            found += [
                value
                for value in vars(module).values()
                if inspect.isclass(value) and issubclass(value, BaseException) and value.__module__ == info.name
            ]
    return found


CLASSES = _exception_classes()


def _name(cls: type) -> str:
    return f"{cls.__module__}.{cls.__qualname__}"


@pytest.mark.parametrize("cls", CLASSES, ids=_name)
def test_every_error_is_in_the_tree(cls: type[BaseException]) -> None:
    assert issubclass(cls, PenghubungError) or _name(cls) in OUTSIDE


@pytest.mark.parametrize("cls", [c for c in CLASSES if issubclass(c, PenghubungError)], ids=_name)
def test_the_drawing_shows_every_class_of_the_tree_with_a_stable_code(cls: type[PenghubungError]) -> None:
    assert re.search(rf"\b{cls.__name__}\b", schema.errors.__doc__ or ""), f"{cls.__name__} is not drawn"
    assert re.fullmatch(r"[A-Z][A-Z_]*[A-Z]", cls.code)
    assert 400 <= cls.http_status <= 599


def test_leaves_keep_the_builtin_base_callers_catch() -> None:
    from schema.lifecycle import ActionForbidden, ComplaintNotFound, IllegalTransition
    from schema.validation import ValidationFailed

    assert issubclass(IllegalTransition, ValueError) and issubclass(ValidationFailed, ValueError)
    assert issubclass(ComplaintNotFound, LookupError)
    assert issubclass(ActionForbidden, PermissionError)
