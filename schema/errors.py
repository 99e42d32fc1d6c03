"""The one error tree: every error the project raises on purpose, with a stable code.

Each class says three things as class attributes: `code` (what clients, logs and metrics
see; never renamed), `http_status` (the status of an HTTP answer that reports it) and
`public` (whether its message is written for the caller and may be shown as it is; any
other error is logged and masked). The message of an error is `str(error)`. Families are
here; leaves live beside the code that raises them (the module on the right; in brackets,
where graphql-core's errors are given them).

    PenghubungError              500 INTERNAL_ERROR, not public
    ├── RequestError             400 BAD_REQUEST, public: the HTTP request is unusable
    │   ├── BadOperationBody     JSON but not one operation        gateway.edge.graphql_endpoint.operation_body
    │   ├── BodyTooLarge         413 REQUEST_TOO_LARGE             gateway.edge.middleware.body_limit
    │   ├── BodyTimedOut         408 BODY_TIMEOUT                  gateway.edge.middleware.body_read
    │   └── BodyAborted          499 CLIENT_CLOSED_REQUEST         gateway.edge.middleware.body_read
    ├── InputError               400 BAD_USER_INPUT, public: an argument or field is wrong
    │   ├── ValidationFailed     every problem of a draft          schema.validation
    │   ├── InvalidCursor        not a cursor from this API        schema.queries
    │   ├── UnknownRegion        a kode wilayah of no region       schema.regions
    │   ├── NulInBody            a NUL character in the body       gateway.edge.graphql_endpoint.operation_body
    │   └── UserInputError       with `fieldErrors`                schema.graphql.inputs
    ├── LimitError               400, public: over a limit, or not GraphQL at all
    │   ├── QueryTooDeep         QUERY_TOO_DEEP                    (gateway.edge.graphql_endpoint.coded_rules)
    │   ├── TooManyAliases       TOO_MANY_ALIASES                  (gateway.edge.graphql_endpoint.coded_rules)
    │   ├── TooManyTokens        TOO_MANY_TOKENS                   (gateway.edge.graphql_endpoint.extensions)
    │   ├── IntrospectionDisabled INTROSPECTION_DISABLED           (gateway.edge.graphql_endpoint.coded_rules)
    │   ├── ParseFailed          GRAPHQL_PARSE_FAILED              (gateway.edge.graphql_endpoint.extensions)
    │   └── SourceCallsExhausted QUERY_TOO_COSTLY                  schema.live
    ├── AuthError                401 UNAUTHENTICATED, public       auth.errors
    │   ├── MissingToken         MISSING_TOKEN
    │   ├── InvalidToken         INVALID_TOKEN, or the code it is given
    │   │   ├── ExpiredToken     EXPIRED_TOKEN
    │   │   └── UnknownKey       UNKNOWN_KEY
    │   └── PermissionDenied     403 FORBIDDEN
    ├── LifecycleError           409, public: the state machine says no   schema.lifecycle
    │   ├── IllegalTransition    ILLEGAL_TRANSITION
    │   ├── ComplaintNotFound    404 NOT_FOUND
    │   └── ActionForbidden      403 FORBIDDEN
    ├── WriteRefused             409 WRITE_REFUSED, public: nothing applied   schema.live
    │   ├── ChangedMeanwhile     CHANGED_MEANWHILE                 schema.live
    │   ├── OwnerRefused         502 SYSTEM_OF_RECORD_REFUSED      gateway.federation.write_through
    │   ├── WriteBusy            COMPLAINT_BUSY                    gateway.federation.write_through
    │   ├── IndexBehindOwner     502 INDEX_BEHIND_SYSTEM_OF_RECORD gateway.federation.write_through
    │   ├── KeyReused            422 IDEMPOTENCY_KEY_REUSED        gateway.federation.receipts
    │   ├── KeyOutOfScope        403 FORBIDDEN                     gateway.federation.receipts
    │   └── KeyInProgress        IDEMPOTENCY_KEY_IN_PROGRESS       gateway.federation.receipts
    │       └── ReservationLost  a repeat took the key over        gateway.federation.receipts
    ├── StoreBusy                503 STORE_BUSY, public: collided with concurrent changes;
    │                            nothing kept                      gateway.store.transactions
    ├── UnitOfWorkEnded          500 INTERNAL_ERROR: a bug, a unit of work used after its
    │                            transaction                       gateway.store.unit_of_work
    ├── ConnectorError           502 CONNECTOR_ERROR, not public   connectors.errors
    │   ├── UpstreamUnavailable  503 UPSTREAM_UNAVAILABLE, retriable
    │   │   ├── CircuitOpen      CIRCUIT_OPEN
    │   │   └── SourceBusy       SOURCE_BUSY
    │   ├── UpstreamRejected     UPSTREAM_REJECTED
    │   ├── DecodeError          UPSTREAM_BAD_BODY
    │   └── Unsupported          UNSUPPORTED                       connectors.protocol
    │       └── UnmappedValue    UNMAPPED_VALUE                    connectors.protocol
    ├── RecordError              422 BAD_RECORD, not public: one upstream record's values
    │   ├── MappingError         MAPPING_ERROR, skippable          connectors.mapping
    │   ├── CastMismatch         BAD_VALUE                         connectors.casts
    │   ├── FormatMismatch       BAD_VALUE                         connectors.time_formats
    │   ├── BadAttachment        BAD_ATTACHMENT                    connectors.attachments
    │   └── AddstreamError       400 BAD_ADDSTREAM (sandbox intake) connectors.sandbox.addstream
    ├── ConfigurationError       500 BAD_CONFIGURATION, not public: the operator's files or env
    │   ├── SettingsError        BAD_SETTING                       gateway.settings
    │   ├── RateSettingsError    BAD_RATE_SETTING                  gateway.rate_settings
    │   ├── ReferenceFileError   BAD_REFERENCE_FILE                gateway.domain.reference_file
    │   ├── SpecError            BAD_MAPPING                       connectors.spec_errors
    │   ├── IssuerConfigError    BAD_ISSUER_CONFIG                 auth.issuers
    │   └── SchemaBehind         SCHEMA_BEHIND                     gateway.edge.app
    ├── TrackingIdExhausted      TRACKING_ID_EXHAUSTED             gateway.domain.submission
    ├── CannotTell               IN_DOUBT                          gateway.federation.landed
    ├── NotConfirmable           NOT_CONFIRMABLE                   gateway.store.dead_letters
    └── JwksFetchError           JWKS_UNAVAILABLE                  auth.keys

Leaves keep the builtin base they had (`ValueError`, `LookupError`, ...) beside their
family, so `except ValueError` around a parser still catches them. Outside the tree on
purpose: `gateway.edge.graphql_endpoint.operation_deadline.DeadlinePassed`, a `BaseException` that stops an
operation (no resolver's `except Exception` may swallow it).

How the tree is shown: over GraphQL, `gateway.edge.graphql_endpoint.extensions.ErrorCoder` gives a public error
its `code` and message and masks the rest as INTERNAL_ERROR; over plain HTTP,
`gateway.edge.error_answer.ErrorAnswer.of(error)` answers with its status, code and message.
"""

from __future__ import annotations

from typing import ClassVar


class PenghubungError(Exception):
    """Root of the tree: an internal error unless a family says otherwise."""

    code: ClassVar[str] = "INTERNAL_ERROR"
    http_status: ClassVar[int] = 500
    # Whether str(error) is written for the caller (no SQL, hosts, tokens or personal data).
    public: ClassVar[bool] = False


class RequestError(PenghubungError):
    """The HTTP request itself cannot be used (its body, its framing)."""

    code = "BAD_REQUEST"
    http_status = 400
    public = True


class InputError(PenghubungError):
    """An argument or input field the caller sent is wrong; the message says which."""

    code = "BAD_USER_INPUT"
    http_status = 400
    public = True


class LimitError(PenghubungError):
    """The operation is over one of this gateway's limits, or cannot be read at all."""

    code = "QUERY_TOO_COSTLY"
    http_status = 400
    public = True


class QueryTooDeep(LimitError):
    """The operation nests deeper than allowed."""

    code = "QUERY_TOO_DEEP"


class TooManyAliases(LimitError):
    """The operation uses more aliases than allowed."""

    code = "TOO_MANY_ALIASES"


class TooManyTokens(LimitError):
    """The operation's text has more tokens than allowed."""

    code = "TOO_MANY_TOKENS"


class IntrospectionDisabled(LimitError):
    """The operation asks for the schema, which this gateway does not show."""

    code = "INTROSPECTION_DISABLED"


class ParseFailed(LimitError):
    """The operation's text is not GraphQL."""

    code = "GRAPHQL_PARSE_FAILED"


class LifecycleError(PenghubungError):
    """The complaint's state machine refuses the action."""

    code = "ILLEGAL_TRANSITION"
    http_status = 409
    public = True


class RecordError(PenghubungError):
    """One upstream record (or one of its values) cannot be read; the batch goes on."""

    code = "BAD_RECORD"
    http_status = 422


class ConfigurationError(PenghubungError):
    """The operator's files or environment are wrong; the message names the path."""

    code = "BAD_CONFIGURATION"
