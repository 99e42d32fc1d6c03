"""GraphQL schema extensions: request limits, caches, and one stable code on every error.

`ErrorCodes` is shaped like Strawberry's MaskErrors: after the operation it rewrites the
result's errors. A public error of the tree (`schema.errors`: bad input, limits, refused
writes...) stays readable and gets its own code; graphql-core's validation errors get
GRAPHQL_VALIDATION_FAILED, except where a rule reports one of ours (`gateway.edge.graphql_endpoint.coded_rules`);
anything else is an internal error: its text (which may hold SQL, hostnames or data) is
logged with the request id and replaced for the client.
"""

from __future__ import annotations

import functools
import logging
import re
from collections.abc import Callable, Iterator
from typing import Any

from graphql import ExecutionResult, GraphQLEnumType, GraphQLError, GraphQLSchema, GraphQLSyntaxError
from graphql.validation import NoSchemaIntrospectionCustomRule
from starlette.websockets import WebSocket
from strawberry.extensions import (
    AddValidationRules,
    MaxAliasesLimiter,
    MaxTokensLimiter,
    ParserCache,
    QueryDepthLimiter,
    SchemaExtension,
)
from strawberry.schema.schema import validate_document
from strawberry.types.graphql import OperationType

from gateway.edge.graphql_endpoint.coded_rules import coded
from gateway.edge.graphql_endpoint.fragment_expansion import expanded_size
from gateway.edge.graphql_endpoint.operation_deadline import DeadlineCheck
from gateway.edge.graphql_endpoint.operation_metrics import OperationMetrics
from gateway.edge.graphql_endpoint.query_cost import operation_cost
from gateway.settings import GraphQLLimits
from schema.errors import (
    IntrospectionDisabled,
    ParseFailed,
    PenghubungError,
    QueryTooDeep,
    TooManyAliases,
    TooManyTokens,
)
from schema.privacy import mask_contacts

log = logging.getLogger(__name__)

# Fields an operation may spread to per token of its text (see BoundedValidation).
EXPANSION_PER_TOKEN = 10

INTERNAL_MESSAGE = "Internal error; the gateway's log has the details under this request id."

# graphql-core raises its token limit as a plain GraphQLSyntaxError, from its parser and
# from its lexer (while it skips a run of comments) alike, with no attribute to tell it
# from a real syntax error: its wording is the only way (a parser subclass would have to
# follow both places through graphql-core's versions).
_TOKEN_LIMIT = re.compile(r"more than \d+ tokens")
_ENUM_VALUE = re.compile(r"Value does not exist in '(\w+)' enum\.")
# The echoed value in a coercion or literal message: a bounded look for the phrase, then
# the rest of the message (the value is last); nothing here can retry across the text.
_ECHOED_VALUE = re.compile(r"(cannot represent[^:\n]{0,60}?): .*+", re.DOTALL)
_ECHOED_ENUM = re.compile(r"Value '[^']*+' does not exist in '")
_ECHOED_LITERAL = re.compile(r"(Expected value of type '[^']{1,200}+'), found .*+", re.DOTALL)
_SUGGESTION = re.compile(r" ?Did you mean [^?]{0,2000}+\?")
_FOUND = re.compile(r"(?:[,;] found| Found): .*+", re.DOTALL)
_ENCOUNTERED = ", but encountered error '"
_ENCOUNTERED_END = "'; found"


def _with_code(error: GraphQLError, code: str, message: str | None = None) -> GraphQLError:
    return GraphQLError(
        message=message if message is not None else error.message,
        nodes=error.nodes,
        source=error.source,
        positions=error.positions,
        path=error.path,
        original_error=None,
        extensions={**(error.extensions or {}), "code": code},
    )


def without_values(message: str) -> str:
    """Drop the echoed input from graphql-core's coercion and literal messages.

    They end with "found: <the whole variable value>" or "cannot represent ... value:
    <the value>", or quote a wrong enum value: any can hold a reporter's NIK, phone or
    name; the field path and the expectation before it are enough. Linear in the
    message's length (it can be as long as the request body).
    """
    message = _drop_encountered(message)
    message = _FOUND.sub(".", message, count=1)
    message = _ECHOED_VALUE.sub(r"\1.", message, count=1)
    message = _ECHOED_LITERAL.sub(r"\1.", message, count=1)
    message = _ECHOED_ENUM.sub("Value does not exist in '", message, count=1)
    # What is left names fields and types; a field name is the client's own text (an
    # unknown input field), so contact details in it are masked too.
    return mask_contacts(message)


def _drop_encountered(message: str) -> str:
    """`, but encountered error '<text echoing the value>'; found` without the text; by
    plain search, so that many openings without an end cost one pass."""
    parts: list[str] = []
    at = 0
    while (start := message.find(_ENCOUNTERED, at)) != -1:
        end = message.find(_ENCOUNTERED_END, start + len(_ENCOUNTERED))
        if end == -1:
            break
        parts += (message[at:start], ", but encountered an error")
        at = end + 1
    parts.append(message[at:])
    return "".join(parts)


def _library_code(error: GraphQLError) -> str:
    """The code of an error graphql-core raised (parse or validation) without one of ours."""
    if isinstance(error, GraphQLSyntaxError) or isinstance(error.original_error, GraphQLSyntaxError):
        return TooManyTokens.code if _TOKEN_LIMIT.search(error.message) else ParseFailed.code
    return "GRAPHQL_VALIDATION_FAILED"


class ErrorCoder:
    """Gives every error a stable `extensions.code` and masks what is not for clients.

    Idempotent: an error that already has a code and no original exception passes through,
    so the extension and the HTTP view can both apply it.
    """

    def __init__(
        self,
        schema: GraphQLSchema,
        *,
        suggestions: bool,
        request_id: Callable[[], str] | None = None,
    ) -> None:
        self.schema = schema
        self.suggestions = suggestions
        self.request_id = request_id or (lambda: "-")

    def _enum_expected(self, message: str) -> str:
        match = _ENUM_VALUE.search(message)
        if not match:
            return message
        found = self.schema.get_type(match.group(1))
        if isinstance(found, GraphQLEnumType):
            return f"{message} Expected one of: {', '.join(found.values)}."
        return message

    def _client_error(self, error: GraphQLError) -> GraphQLError:
        message = without_values(error.message)
        if not self.suggestions:
            message = _SUGGESTION.sub("", message)
        message = self._enum_expected(message)
        return _with_code(error, _library_code(error), message)

    def process(self, error: GraphQLError) -> GraphQLError:
        """The error as the client may see it."""
        original = error.original_error
        if original is None:
            if "code" in (error.extensions or {}):
                return error
            return self._client_error(error)
        if isinstance(original, GraphQLError):
            if original.extensions and "code" in original.extensions:
                return _with_code(error, str(original.extensions["code"]))
            # graphql-core's own errors (variable coercion) wrap another GraphQLError.
            return self._client_error(error)
        if isinstance(original, PenghubungError) and original.public:
            return _with_code(error, original.code, str(original))
        rid = self.request_id()
        log.error(
            "internal error in %s (request %s): %s",
            ".".join(str(p) for p in error.path or ()) or "operation",
            rid,
            type(original).__name__,
            exc_info=original,
        )
        return _with_code(error, "INTERNAL_ERROR", f"{INTERNAL_MESSAGE} ({rid})")


class ErrorCodes(SchemaExtension):
    """Applies the ErrorCoder to every result that passes through the operation hook."""

    def __init__(self, *, suggestions: bool, request_id: Callable[[], str] | None = None) -> None:
        self.suggestions = suggestions
        self.request_id = request_id

    def _coder(self) -> ErrorCoder:
        return ErrorCoder(
            self.execution_context.schema._schema,
            suggestions=self.suggestions,
            request_id=self.request_id,
        )

    def on_validate(self) -> Iterator[None]:
        yield
        # A subscription's validation errors go out over the socket before the operation
        # hook below runs: coded here, in place (the socket sends this very list).
        errors = self.execution_context.pre_execution_errors
        if errors:
            coder = self._coder()
            errors[:] = [coder.process(e) for e in errors]

    def on_operation(self) -> Iterator[None]:
        yield
        result: Any = self.execution_context.result
        if result is not None and getattr(result, "errors", None):
            coder = self._coder()
            result.errors = [coder.process(e) for e in result.errors]


class TransportRules(SchemaExtension):
    """Subscriptions over a WebSocket only; queries and mutations over HTTP only, where the
    body limit, the operation deadline and the per-request audit apply."""

    def on_execute(self) -> Iterator[None]:
        context = self.execution_context
        over_socket = isinstance(getattr(context.context, "request", None), WebSocket)
        subscribing = context.operation_type is OperationType.SUBSCRIPTION
        if over_socket != subscribing:
            message = (
                "a subscription needs a graphql-transport-ws WebSocket at /graphql"
                if subscribing
                else "queries and mutations go over HTTP POST /graphql; the WebSocket is for subscriptions"
            )
            context.result = ExecutionResult(
                data=None, errors=[GraphQLError(message, extensions={"code": "BAD_REQUEST"})]
            )
        yield


# Strawberry's validation (graphql-core's rules and its own) by (schema, document, rules):
# documents come from the parser's cache, so a repeated operation is validated once.
_validate = functools.lru_cache(maxsize=256)(validate_document)


class BoundedValidation(SchemaExtension):
    """Validation, cached by document and rules (as Strawberry's ValidationCache), after a
    linear count of the operation with its fragments spread: one too big to walk is refused
    before any validation rule walks it (`gateway.edge.graphql_endpoint.fragment_expansion`)."""

    def __init__(self, limits: GraphQLLimits) -> None:
        # A document within the token limit spreads to at most this many fields without
        # nesting fragments in fragments many times over.
        self.ceiling = EXPANSION_PER_TOKEN * limits.max_tokens

    def on_validate(self) -> Iterator[None]:
        context = self.execution_context
        document = context.graphql_document
        size = expanded_size(document, ceiling=self.ceiling) if document is not None else 0
        if size > self.ceiling:
            context.pre_execution_errors = [
                GraphQLError(
                    f"this operation spreads its fragments to more than {self.ceiling} fields; "
                    "expected: fragments that do not spread each other over and over",
                    extensions={"code": "QUERY_TOO_COSTLY", "budget": self.ceiling},
                )
            ]
        else:
            context.pre_execution_errors = _validate(context.schema._schema, document, context.validation_rules)
        yield


class CostLimit(SchemaExtension):
    """Refuses an operation whose cost (gateway.edge.graphql_endpoint.query_cost) is over the budget, or that may
    call more regency systems than one request may, before any resolver runs."""

    def __init__(self, limits: GraphQLLimits) -> None:
        self.limits = limits

    def _refusal(self) -> GraphQLError | None:
        context = self.execution_context
        document = context.graphql_document
        if document is None:
            return None
        federation = getattr(context.context, "federation", None)
        cost = operation_cost(
            context.schema._schema,
            document,
            operation_name=context.operation_name,
            variables=context.variables,
            max_page=self.limits.max_page_size,
            sources_in=federation.sources_in if federation is not None else lambda _: 0,
        )
        if cost is None:
            return None
        if cost.total > self.limits.max_cost:
            return GraphQLError(
                f"this operation costs {cost.total} ({cost.fields} for fields, {cost.source_calls} "
                f"source calls), over the budget of {self.limits.max_cost}; expected: smaller pages "
                "(first), fewer nested lists or aliases",
                extensions={"code": "QUERY_TOO_COSTLY", "cost": cost.total, "budget": self.limits.max_cost},
            )
        if cost.source_calls > self.limits.max_source_calls:
            return GraphQLError(
                f"this operation may make {cost.source_calls} calls to regency systems; the limit is "
                f"{self.limits.max_source_calls} per request. Expected: fewer or narrower live lists "
                "(filter.kodeWilayah), or live: false",
                extensions={
                    "code": "QUERY_TOO_COSTLY",
                    "sourceCalls": cost.source_calls,
                    "budget": self.limits.max_source_calls,
                },
            )
        return None

    def on_execute(self) -> Iterator[None]:
        if self.execution_context.result is None:
            refusal = self._refusal()
            if refusal is not None:
                self.execution_context.result = ExecutionResult(data=None, errors=[refusal])
        yield


def schema_extensions(
    limits: GraphQLLimits, *, demo: bool, request_id: Callable[[], str] | None = None
) -> list[Callable[[], SchemaExtension] | type[SchemaExtension]]:
    """The extension factories for the gateway's schema, in order."""
    # QueryDepthLimiter and MaxAliasesLimiter define a new rule class in every __init__,
    # and ValidationCache keys on the rule classes: built per request, they made every
    # request miss the cache and re-validate. Build the rules once, reuse them per request.
    # Each rule reports one of our coded errors (gateway.edge.graphql_endpoint.coded_rules), not bare wording.
    depth_rules = [coded(r, QueryTooDeep) for r in QueryDepthLimiter(max_depth=limits.max_depth).validation_rules]
    alias_rules = [
        coded(r, TooManyAliases) for r in MaxAliasesLimiter(max_alias_count=limits.max_aliases).validation_rules
    ]
    introspection_rules = [coded(NoSchemaIntrospectionCustomRule, IntrospectionDisabled)]
    extensions: list[Callable[[], SchemaExtension] | type[SchemaExtension]] = [
        lambda: MaxTokensLimiter(max_token_count=limits.max_tokens),
        lambda: AddValidationRules(depth_rules),
        lambda: AddValidationRules(alias_rules),
        lambda: ParserCache(maxsize=256),
        lambda: BoundedValidation(limits),
        lambda: ErrorCodes(suggestions=demo, request_id=request_id),
        lambda: CostLimit(limits),
    ]
    if not demo:
        # Strawberry's DisableIntrospection, with the rule coded.
        extensions.insert(0, lambda: AddValidationRules(introspection_rules))
    extensions.append(TransportRules)
    extensions.append(DeadlineCheck)
    # First, so its closing half runs last: it sees the errors with their codes.
    extensions.insert(0, OperationMetrics)
    return extensions
