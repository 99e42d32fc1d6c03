"""The demo's registry as a reference document: the structure a reference file has.

The demo loads it with the same parser and loader as `penghubung reference load`, so the
demo cannot hold agencies or categories that a file could not.
"""

from __future__ import annotations

from typing import Any

from gateway.demo.agencies import agency_tables
from gateway.demo.categories import category_tables
from gateway.domain.reference_file import ReferenceDocument, parse_document


def demo_document() -> dict[str, Any]:
    """The demo's [[agency]] and [[category]] tables, as a TOML file would give them."""
    return {"agency": agency_tables(), "category": category_tables()}


def demo_reference() -> ReferenceDocument:
    """The demo's registry, parsed."""
    return parse_document(demo_document())
