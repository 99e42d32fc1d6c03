"""The running service: settings, the store, the domain services, sync, the edge, the worker, the CLI.

This package imports nothing: `import gateway.settings` (or `penghubung --help`) must not
load the Starlette app and the GraphQL schema. Import what you need from its module, e.g.
`from gateway.settings import from_env`. The layout is drawn in docs/architecture.md.
"""
