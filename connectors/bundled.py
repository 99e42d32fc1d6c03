"""The mappings shipped with the product, and the sandbox credentials that go with them."""

from __future__ import annotations

from pathlib import Path

from connectors.spec import SourceSpec, load_spec

MAPPINGS_DIR = Path(__file__).parent / "mappings"

# dialect (simulator name) -> the sandbox's default secret for it.
SANDBOX_SECRETS = {
    "rest_json_v1": "sandbox-rest-json-v1-token",
    "wa_bot_mongo": "sandbox-wa-bot-mongo-key",
    "legacy_sql": "sandbox-legacy-sql-key",
}


def bundled_spec(dialect: str) -> SourceSpec:
    """The shipped mapping of one dialect."""
    return load_spec((MAPPINGS_DIR / f"{dialect}.toml").read_text(encoding="utf-8"))
