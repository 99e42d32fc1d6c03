"""The mappings shipped with the product, by dialect name."""

from __future__ import annotations

from connectors.dialects import MAPPINGS_DIR
from connectors.spec import load_spec
from connectors.spec_types import SourceSpec

__all__ = ["MAPPINGS_DIR", "bundled_spec"]


def bundled_spec(dialect: str) -> SourceSpec:
    """The shipped mapping of one dialect (or of the national v3 API: "lapor_v3")."""
    return load_spec((MAPPINGS_DIR / f"{dialect}.toml").read_text(encoding="utf-8"))
