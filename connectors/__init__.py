"""Connectors: translate each upstream complaint system to and from the canonical model.

The seam is `connectors.protocol.Connector` (defaults for its hooks in `connectors.base`);
`connectors.source.HttpSource` implements it from a declarative mapping (`connectors.spec`,
`connectors.write_spec`), whose formats, paginators, authenticators and idempotency styles
are classes looked up by their TOML name (`connectors.formats.registry`,
`connectors.paginators`, `connectors.authenticators`, `connectors.idempotency`). The national
adapters live in `connectors.lapor`, the bundled dialects in `connectors.dialects`, the
sources file in `connectors.config`, and the simulators in `connectors.sandbox`. What a
failed call means for its caller (retry, dead, in doubt) is decided in `connectors.failures`.
This package never imports GraphQL, ASGI or ORM code.
"""

from __future__ import annotations

__all__: list[str] = []
