"""The GraphQL HTTP endpoint: Strawberry's ASGI view with the gateway's context and rules.

- The context carries the caller's RowScope (public until tokens arrive), the scoped store
  and per-request DataLoaders.
- Malformed transport (invalid UTF-8, deeply nested or broken JSON, JSON that is not one
  operation, NUL characters) is a 400 with a code, never a 500.
- A whole operation has a deadline.
- A caller holds at most so many sockets at once (gateway.edge.limits.rate_guard): over that, the
  socket is closed with 4429 at `connection_init`. Each `subscribe` counts against the
  caller's request rate like an HTTP request; over it, the socket is closed with 4429.
- GraphiQL, when on, is served from local assets.
"""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from cross_web import HTTPException
from graphql import GraphQLError
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.types import Message, Receive, Scope, Send
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.exceptions import ConnectionRejectionError
from strawberry.http import GraphQLRequestData
from strawberry.http.parse_content_type import parse_content_type
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL
from strawberry.types import ExecutionResult

from auth.audit import AuditAction, AuditEvent
from auth.errors import AuthError
from auth.principal import Principal
from auth.tokens import TokenVerifier
from gateway.domain.audit import AuditTrail, record_now
from gateway.edge.endpoints.graphiql import graphiql_page
from gateway.edge.error_answer import ErrorAnswer
from gateway.edge.graphql_endpoint.audit_flush import flushed
from gateway.edge.graphql_endpoint.context import request_context
from gateway.edge.graphql_endpoint.extensions import ErrorCoder
from gateway.edge.graphql_endpoint.operation_body import (
    BadOperationBody,
    NulInBody,
    check_no_nul,
    check_object,
    check_operation,
)
from gateway.edge.graphql_endpoint.operation_deadline import (
    DeadlinePassed,
    operation_deadline,
)
from gateway.edge.limits.too_many_requests import CODE as RATE_LIMITED
from gateway.edge.limits.too_many_requests import WS_CLOSE_CODE
from gateway.edge.middleware.authentication import principal_of
from gateway.edge.middleware.request_id import current_request_id
from gateway.edge.state import app_state
from gateway.settings import FederationSettings, GraphQLLimits
from gateway.telemetry import refused
from schema.graphql import GraphQLContext

if TYPE_CHECKING:
    from strawberry import Schema

    from gateway.edge.limits.rate_guard import RateGuard
    from gateway.edge.middleware.bad_tokens import BadTokens
    from gateway.services import Domain

log = logging.getLogger(__name__)

# Subscriptions one socket may hold (the dashboard needs one); see RateLimitSettings.
MAX_SUBSCRIPTIONS = 5
# Scope keys: the socket's lease on its caller's connection count, and whether it was refused.
SOCKET_LEASE_KEY = "penghubung.socket_lease"
SOCKET_REFUSED_KEY = "penghubung.socket_refused"
SOCKET_RENEWAL_KEY = "penghubung.socket_renewal"
TRANSPORT_CODES = {400: "BAD_REQUEST", 404: "NOT_FOUND", 405: "METHOD_NOT_ALLOWED"}

EXAMPLE_QUERY = """# Public complaints in Kabupaten Musi Rawas (kode wilayah 16.05), newest first.
# With a token (Headers tab below), the complaints query shows your role's case files.
query MusiRawas {
  publicComplaints(first: 5, filter: {kodeWilayah: "16.05", publicBucket: [PROCESS]}) {
    totalCount
    edges {
      node {
        trackingId
        title
        status
        createdAt
        routedAgency { name }
        statusHistory { status at }
      }
    }
    pageInfo { hasNextPage endCursor }
  }
}
"""


def _is_subscribe(message: Message) -> bool:
    """Whether a socket message is a graphql-transport-ws `subscribe`."""
    text = message.get("text") if message["type"] == "websocket.receive" else None
    if not text or '"subscribe"' not in text:
        return False
    try:
        parsed = json.loads(text)
    except (ValueError, RecursionError):
        return False  # Strawberry answers malformed messages itself
    return isinstance(parsed, dict) and parsed.get("type") == "subscribe"


def _scope_of(context: GraphQLContext) -> Scope:
    """The ASGI scope of the request or socket a context was made for (get_context always
    gives it one)."""
    assert context.request is not None
    return context.request.scope


class GatewayGraphQL(GraphQL[GraphQLContext, None]):
    """Strawberry's ASGI GraphQL view, wired to the domain services."""

    def __init__(
        self,
        schema: Schema,
        *,
        domain: Domain,
        demo: bool,
        limits: GraphQLLimits,
        federation: FederationSettings,
        router_secret: str | None = None,
        verifier: TokenVerifier | None = None,
        rate_guard: RateGuard | None = None,
        bad_tokens: BadTokens | None = None,
        max_subscriptions: int = MAX_SUBSCRIPTIONS,
    ) -> None:
        super().__init__(
            schema,
            graphql_ide="graphiql" if demo else None,
            allow_queries_via_get=demo,
            multipart_uploads_enabled=False,
            subscription_protocols=[GRAPHQL_TRANSPORT_WS_PROTOCOL],
            keep_alive=True,
            keep_alive_interval=15,
            connection_init_wait_timeout=timedelta(seconds=10),
            max_subscriptions_per_connection=max_subscriptions,
        )
        self.domain = domain
        self.rate_guard = rate_guard
        self.bad_tokens = bad_tokens
        self.verifier = verifier
        self.demo = demo
        self.limits = limits
        self.timeout = limits.operation_timeout
        self.federation_settings = federation
        self.router_secret = router_secret

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "websocket":
            await self._socket(scope, receive, send)
            return
        if scope["type"] != "http":
            await super().__call__(scope, receive, send)
            return
        try:
            response = await self.run(Request(scope=scope, receive=receive))
        except HTTPException as e:
            # Strawberry answers these in plain text; every error here carries a code.
            code = TRANSPORT_CODES.get(e.status_code, "BAD_REQUEST")
            response = ErrorAnswer(e.status_code, code, e.reason).response()
        except (BadOperationBody, NulInBody) as e:
            response = ErrorAnswer.of(e).response()
        await response(scope, receive, send)

    async def _socket(self, scope: Scope, receive: Receive, send: Send) -> None:
        """A WebSocket, its subscribes counted, its connection lease given back however it ends."""
        closed = False

        async def coded_send(message: Message) -> None:
            nonlocal closed
            if closed:
                return  # closed for the rate: what Strawberry still has to say is moot
            # Strawberry closes every rejected connection_init with 4403; one refused for the
            # caller's socket count gets the rate-limit code instead.
            if message["type"] == "websocket.close" and scope.get(SOCKET_REFUSED_KEY):
                message = {**message, "code": WS_CLOSE_CODE, "reason": f"{RATE_LIMITED}: too many open sockets"}
            await send(message)

        async def counted_receive() -> Message:
            nonlocal closed
            message = await receive()
            held = scope.get(SOCKET_LEASE_KEY)
            if held is None or self.rate_guard is None or not _is_subscribe(message):
                return message
            verdict = await self.rate_guard.check(held[0], scope)
            if verdict.allowed:
                return message
            refused(RATE_LIMITED)
            reason = f"{RATE_LIMITED}: too many subscribes, retry after {verdict.retry_after} s"
            await send({"type": "websocket.close", "code": WS_CLOSE_CODE, "reason": reason})
            closed = True
            return {"type": "websocket.disconnect", "code": WS_CLOSE_CODE}

        try:
            await super().__call__(scope, counted_receive, coded_send)
        finally:
            renewal = scope.pop(SOCKET_RENEWAL_KEY, None)
            if renewal is not None:
                renewal.cancel()
            held = scope.pop(SOCKET_LEASE_KEY, None)
            if held is not None and self.rate_guard is not None:
                await self.rate_guard.close_socket(*held)

    async def _take_socket(self, principal: Principal, scope: Scope) -> None:
        """Take a lease on one of the caller's sockets, or refuse the connection."""
        if self.rate_guard is None or SOCKET_LEASE_KEY in scope:
            return
        lease = await self.rate_guard.open_socket(principal)
        if lease is None:
            refused(RATE_LIMITED)
            scope[SOCKET_REFUSED_KEY] = True
            raise ConnectionRejectionError({"reason": RATE_LIMITED})
        scope[SOCKET_LEASE_KEY] = (principal, lease)
        scope[SOCKET_RENEWAL_KEY] = asyncio.create_task(self._keep_socket(principal, lease))

    async def _keep_socket(self, principal: Principal, lease: str) -> None:
        """Renew the socket's short lease while it is open (gateway.edge.limits.connection_leases)."""
        assert self.rate_guard is not None
        while True:
            await asyncio.sleep(self.rate_guard.socket_renewal_seconds)
            await self.rate_guard.keep_socket(principal, lease)

    async def _token_rejected(self, code: str, context: GraphQLContext) -> None:
        if self.bad_tokens is not None:
            await self.bad_tokens.rejected(code, _scope_of(context), context.request_id)
            return
        await record_now(Principal.public(), AuditEvent(AuditAction.TOKEN_REJECTED, reason=code), context.request_id)

    async def get_context(self, request: Request | WebSocket, response: Response | WebSocket | None) -> GraphQLContext:
        principal = principal_of(request.scope)
        trail = AuditTrail(principal, current_request_id())
        request.state.audit_trail = trail
        return request_context(
            self.domain,
            app_state(request.scope),
            principal=principal,
            audit=trail,
            federation=self.federation_settings,
            limits=self.limits,
            demo=self.demo,
            router_trusted=self._from_router(request),
            request=request,
            response=response,
        )

    async def on_ws_connect(self, context: GraphQLContext) -> dict[str, object] | None:
        """graphql-transport-ws `connection_init`: the token comes in its payload (a
        browser cannot set headers on a WebSocket). Without a valid one the socket is
        closed (4403): the only thing a socket is for, subscriptions, needs one."""
        params = context.connection_params if isinstance(context.connection_params, dict) else {}
        sent = params.get("authorization") or params.get("Authorization")
        if sent is None:
            if context.principal.is_public:
                refused("UNAUTHENTICATED")
                raise ConnectionRejectionError(
                    {"reason": 'UNAUTHENTICATED: expected {"authorization": "Bearer <token>"}'}
                )
            principal = context.principal  # from the handshake's Authorization header
        else:
            scheme, _, token = str(sent).strip().partition(" ")
            state = app_state(_scope_of(context))
            verifier = self.verifier or (state.verifier if state is not None else None)
            if scheme.lower() != "bearer" or not token.strip() or verifier is None:
                refused("MALFORMED_AUTHORIZATION")
                raise ConnectionRejectionError({"reason": 'MALFORMED_AUTHORIZATION: expected "Bearer <token>"'})
            try:
                principal = await verifier.verify(token.strip())
            except AuthError as error:
                refused(error.code)
                await self._token_rejected(error.code, context)
                raise ConnectionRejectionError({"reason": error.code}) from None
        await self._take_socket(principal, _scope_of(context))
        context.become(principal)
        context.audit = AuditTrail(principal, context.request_id)  # acts over this socket are its
        return {"principal": "token"}

    def _from_router(self, request: Request | WebSocket) -> bool:
        """Whether the request carries the federation router's shared secret."""
        sent = request.headers.get("x-penghubung-router")
        if not self.router_secret or sent is None:
            return False
        return hmac.compare_digest(sent.encode(), self.router_secret.encode())

    async def process_result(self, request: Request, result: ExecutionResult) -> Any:
        result = await flushed(request, result)
        # A safety net for errors that never passed the ErrorCodes extension's hook (a
        # parse error raised by ParserCache skips it); coding is idempotent.
        if result.errors:
            coder = ErrorCoder(
                self.schema._schema,  # type: ignore[attr-defined]  # Strawberry's Schema keeps graphql-core's schema there; BaseSchema does not say so
                suggestions=self.demo,
                request_id=current_request_id,
            )
            result.errors = [coder.process(e) for e in result.errors]
        return await super().process_result(request, result)

    async def render_graphql_ide(self, request: Request) -> HTMLResponse:
        page = graphiql_page(endpoint="/graphql", default_query=EXAMPLE_QUERY)
        return HTMLResponse(page.html, headers={"content-security-policy": page.csp, "cache-control": "no-store"})

    def decode_json(self, data: str | bytes) -> object:
        try:
            return json.loads(data)
        except (ValueError, RecursionError) as exc:
            # ValueError covers JSONDecodeError and invalid UTF-8 in a bytes body.
            raise HTTPException(400, "request body is not valid UTF-8 JSON") from exc

    def parse_json(self, data: str | bytes) -> Any:
        # Every JSON Strawberry parses over HTTP (the body, GET variables and extensions)
        # must be an object; a bare "x" or 5 would otherwise reach `.get` and be a 500.
        # A refusal here (NulInBody, BadOperationBody) is answered by __call__.
        parsed = super().parse_json(data)
        check_no_nul(parsed)
        return check_object(parsed)

    def parse_query_params(self, params: Any) -> dict[str, Any]:
        # GET (demo mode): the query text is a plain parameter, not JSON; check it too.
        parsed = super().parse_query_params(params)
        check_no_nul(parsed)
        return parsed

    async def parse_http_body(self, request: Any) -> GraphQLRequestData | list[GraphQLRequestData]:
        content_type, _ = parse_content_type(request.content_type or "")
        streamed = self._get_stream_transport_from_headers(request.headers) is not None
        if request.method != "POST" or "application/json" not in content_type or streamed:
            return await super().parse_http_body(request)
        data = self.parse_json(await request.get_body())
        check_operation(data)
        return GraphQLRequestData(
            query=data["query"],
            variables=data.get("variables"),
            operation_name=data.get("operationName"),
            extensions=data.get("extensions"),
            protocol="http",
        )

    async def execute_operation(self, *args: Any, **kwargs: Any) -> Any:
        result = await self._within_deadline(*args, **kwargs)
        context = kwargs.get("context")
        if isinstance(result, (ExecutionResult, list)) and isinstance(context, GraphQLContext):
            # Answered whole (nothing streams from the context later): its loaders and
            # request go now, not whenever the cycle collector reaches them.
            context.release()
        return result

    async def _within_deadline(self, *args: Any, **kwargs: Any) -> Any:
        try:
            with operation_deadline(self.timeout):
                async with asyncio.timeout(self.timeout):
                    return await super().execute_operation(*args, **kwargs)
        except (TimeoutError, DeadlinePassed):
            return ExecutionResult(
                data=None,
                errors=[
                    GraphQLError(
                        f"the operation did not finish within its deadline of {self.timeout:g} s",
                        extensions={"code": "TIMEOUT"},
                    )
                ],
            )
