"""Connectors: translate each upstream complaint system to and from the canonical model.

The seam is `connectors.protocol.Connector`; `connectors.source.HttpSource` implements it
from a declarative mapping (`connectors.spec`, `connectors.write_spec`), the national
adapters live in `connectors.lapor`, the sources file in `connectors.config`, and the
simulators in `connectors.sandbox`. This package never imports GraphQL, ASGI or ORM code.
"""

from __future__ import annotations

__all__: list[str] = []
