"""The gateway's domain services: the lifecycle, submissions, the audit log, reference data, the sources.

They work on the store and the sync layer and know nothing of HTTP or GraphQL; the edge,
the worker and the CLI call them. Import the modules themselves: this package imports
nothing, so loading one service never loads the rest.
"""
