"""Validation rules whose errors carry one of our coded errors (`schema.errors`).

Strawberry's depth and alias limiters and graphql-core's introspection rule report plain
`GraphQLError`s that say what is wrong only in their wording. `coded(rule, error)` wraps
such a rule: whatever it reports gets `error(message)` as its original error, so the
error extension (`gateway.edge.graphql_endpoint.extensions.ErrorCoder`) codes it like any public error of the
tree instead of matching the library's wording.
"""

from __future__ import annotations

from typing import Any

from graphql import ASTValidationRule, GraphQLError, ValidationContext

from schema.errors import PenghubungError
from schema.privacy import mask_contacts


class _CodingContext:
    """The validation context as one rule sees it: its errors are wrapped on the way out.

    The limiters report from inside their constructor (and through helper functions they
    hand the context to), so the context, not the rule's `report_error`, is the one place
    every report passes."""

    def __init__(self, context: ValidationContext, error: type[PenghubungError]) -> None:
        self._context = context
        self._error = error

    def __getattr__(self, name: str) -> Any:
        return getattr(self._context, name)

    def report_error(self, error: GraphQLError) -> None:
        # The operation and field names in the message are the client's own text.
        message = mask_contacts(error.message)
        self._context.report_error(
            GraphQLError(message, error.nodes, error.source, error.positions, error.path, self._error(message))
        )


def coded(rule: type[ASTValidationRule], error: type[PenghubungError]) -> type[ASTValidationRule]:
    """`rule`, reporting its errors with `error` as their original error (and its code)."""

    class Coded(rule):  # type: ignore[valid-type,misc]
        def __init__(self, context: ValidationContext) -> None:
            super().__init__(_CodingContext(context, error))

    Coded.__name__ = Coded.__qualname__ = f"Coded{rule.__name__}"
    return Coded
