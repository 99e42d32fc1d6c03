"""Tortoise configuration: which database, which models, where the migrations live."""

from __future__ import annotations

import os
from typing import Any

MODELS_MODULE = "gateway.store.models"
MIGRATIONS_PACKAGE = "gateway.store.migrations"


def tortoise_config(db_url: str) -> dict[str, Any]:
    """The Tortoise config dict for one database URL (sqlite:///path or postgres://...)."""
    return {
        "connections": {"default": db_url},
        "apps": {
            "models": {
                "models": [MODELS_MODULE],
                "default_connection": "default",
                "migrations": MIGRATIONS_PACKAGE,
            }
        },
        "use_tz": True,
        "timezone": "UTC",
    }


# For the `tortoise` CLI when developers write a new migration:
#   PENGHUBUNG_DB=sqlite:///tmp/x.sqlite3 tortoise -c gateway.store.config.TORTOISE_ORM makemigrations
TORTOISE_ORM = tortoise_config(os.environ.get("PENGHUBUNG_DB", "sqlite://:memory:"))
