"""Ports: the Protocols the GraphQL face reads and writes through, and their plain values.

Framework-free on purpose: the store, the sync engine, federation and the worker implement
or fill these without loading Strawberry or graphql-core. `schema.graphql` takes them as
its context's collaborators. Import the modules themselves; this package imports nothing.
"""
