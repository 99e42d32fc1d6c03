"""What the store raises that a command reports to a person rather than as a stack.

Kept apart from the store's other modules so that a command can catch it without
loading the models or the migrations.
"""

from __future__ import annotations

from tortoise.exceptions import DBConnectionError

# The database cannot be reached (a wrong URL, no such database, the server down): raised
# when the store is opened; its cause says why, in the words a person needs.
StoreUnreachable = DBConnectionError

__all__ = ["StoreUnreachable"]
