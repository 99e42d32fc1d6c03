"""The operation deadline, kept also by synchronous resolution.

`asyncio.timeout` cancels an operation only at an await: a synchronous resolver expanding a
big tree never awaits, so it ran on past the deadline, holding the event loop. Here every
field resolution first looks at the deadline (a clock read), and once it has passed raises
`DeadlinePassed`. That derives from BaseException on purpose: graphql-core turns an
Exception from a resolver into a field error and goes on with the next field (thousands
of them); this one unwinds the whole execution to the HTTP view, which answers TIMEOUT.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from typing import Any

from strawberry.extensions import SchemaExtension

_deadline: ContextVar[float | None] = ContextVar("operation_deadline", default=None)


class DeadlinePassed(BaseException):
    """The operation's deadline passed during resolution."""


@contextlib.contextmanager
def operation_deadline(seconds: float) -> Iterator[None]:
    """Within this block (and the tasks started in it), resolution stops `seconds` from now."""
    token = _deadline.set(asyncio.get_running_loop().time() + seconds)
    try:
        yield
    finally:
        _deadline.reset(token)


class DeadlineCheck(SchemaExtension):
    """Looks at the operation's deadline before each field is resolved."""

    def resolve(self, _next: Callable[..., Any], root: Any, info: Any, *args: Any, **kwargs: Any) -> Any:
        deadline = _deadline.get()
        if deadline is not None and asyncio.get_running_loop().time() >= deadline:
            raise DeadlinePassed
        return _next(root, info, *args, **kwargs)
