"""The canonical complaint model, reference data, validation and the GraphQL face built on them."""

from __future__ import annotations
