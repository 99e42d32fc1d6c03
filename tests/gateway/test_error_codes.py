"""The error extension codes errors from the tree, not from graphql-core's wording."""

from __future__ import annotations

import strawberry
from graphql import GraphQLError, ValidationContext, parse
from graphql.validation import ASTValidationRule, validate

from gateway.edge.graphql_endpoint.coded_rules import coded
from gateway.edge.graphql_endpoint.extensions import INTERNAL_MESSAGE, schema_extensions
from gateway.settings import GraphQLLimits
from schema.errors import PenghubungError, QueryTooDeep


class Teapot(PenghubungError):
    """A public error no table of the extension has ever heard of."""

    code = "TEAPOT"
    public = True


class Secret(PenghubungError):
    """An error whose text is not for clients."""

    code = "SECRET"


@strawberry.type
class Query:
    @strawberry.field
    def teapot(self) -> str:
        raise Teapot("short and stout; expected: coffee elsewhere")

    @strawberry.field
    def secret(self) -> str:
        raise Secret("postgres://admin:hunter2@db")


SCHEMA = strawberry.Schema(Query, extensions=schema_extensions(GraphQLLimits(), demo=False, request_id=lambda: "rid-1"))


async def _errors(query: str) -> list[GraphQLError]:
    result = await SCHEMA.execute(query)
    assert result.errors
    return result.errors


async def test_any_public_error_of_the_tree_keeps_its_code_and_message() -> None:
    (error,) = await _errors("{ teapot }")
    assert error.extensions == {"code": "TEAPOT"}
    assert error.message == "short and stout; expected: coffee elsewhere"


async def test_an_error_that_is_not_public_is_masked() -> None:
    (error,) = await _errors("{ secret }")
    assert error.extensions == {"code": "INTERNAL_ERROR"}
    assert error.message == f"{INTERNAL_MESSAGE} (rid-1)"


async def test_a_field_named_like_a_limit_is_a_validation_error_not_the_limit() -> None:
    # The code comes from the rule that refused, never from words in the message.
    (error,) = await _errors("{ introspectionCount }")
    assert error.extensions == {"code": "GRAPHQL_VALIDATION_FAILED"}


def test_a_coded_rule_reports_its_errors_with_our_error_as_the_original() -> None:
    class Refuses(ASTValidationRule):
        def __init__(self, context: ValidationContext) -> None:
            super().__init__(context)
            context.report_error(GraphQLError("too deep for 0812345678901"))

    (error,) = validate(SCHEMA._schema, parse("{ teapot }"), [coded(Refuses, QueryTooDeep)])
    assert isinstance(error.original_error, QueryTooDeep)
    assert "0812345678901" not in error.message  # the client's own text, masked
