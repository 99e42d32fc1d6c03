"""The ASGI middleware of the gateway app: request ids, security headers, CORS, body read
and size limits, bearer authentication, the rate limit and admission control, and the
answers they send when they refuse (`asgi_answers`)."""
