"""The store: Tortoise models, migrations, and the scoped read and write paths."""

from __future__ import annotations
