"""Plain SQL against a database by URL, outside the test session's own connection: for
looking at what a migration or a command left behind, column by column."""

from __future__ import annotations

from tortoise import Tortoise
from tortoise.context import TortoiseContext

from gateway.store.config import tortoise_config


async def raw_sql(url: str, query: str, params: list[object] | None = None) -> list[dict[str, object]]:
    """The rows `query` returns, as dicts, from a connection of its own (closed afterwards)."""
    async with TortoiseContext():
        await Tortoise.init(config=tortoise_config(url))
        try:
            conn = Tortoise.get_connection("default")
            return await conn.execute_query_dict(query, params)
        finally:
            await Tortoise.close_connections()
