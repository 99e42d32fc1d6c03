"""The mappings shipped with the product, and the sandbox credentials that go with them."""

from __future__ import annotations

from pathlib import Path

from connectors.sandbox import legacy_sql, rest_json_v1, wa_bot_mongo
from connectors.spec import SourceSpec, load_spec

MAPPINGS_DIR = Path(__file__).parent / "mappings"

# dialect (simulator name) -> the sandbox's default secret for it.
SANDBOX_SECRETS = {
    "rest_json_v1": rest_json_v1.DEFAULT_TOKEN,
    "wa_bot_mongo": wa_bot_mongo.DEFAULT_API_KEY,
    "legacy_sql": legacy_sql.DEFAULT_KEY,
}


def bundled_spec(dialect: str) -> SourceSpec:
    """The shipped mapping of one dialect."""
    return load_spec((MAPPINGS_DIR / f"{dialect}.toml").read_text(encoding="utf-8"))
