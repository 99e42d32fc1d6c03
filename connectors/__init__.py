"""Connectors: translate each upstream complaint system to and from the canonical model.

The protocol, formats and mappings arrive with the connectors issue; this package never
imports GraphQL, ASGI or ORM code.
"""

from __future__ import annotations

__all__: list[str] = []
