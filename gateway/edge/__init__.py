"""The HTTP edge: everything between a socket and the domain services.

- `app`: `create_app(settings)`, the Starlette application, its routes and its lifespan.
- `state`: what the lifespan hands every request (the process's `Services`), typed.
- `middleware/`: the ASGI middleware every request passes through, outermost first.
- `limits/`: per-caller rate limits, socket leases and the tarpit behind them.
- `graphql_endpoint/`: the GraphQL view (HTTP and WebSocket) and its schema extensions.
- `endpoints/`: the other routes (health, metrics, webhook, dashboard, GraphiQL).

Imports point inward: the edge imports the domain services, the store and `gateway.services`;
nothing below the edge imports it.
"""
