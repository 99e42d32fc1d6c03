"""What the store raises that its callers tell apart: a database that cannot be reached
(a command reports it to a person rather than as a stack), and a change a constraint of
the database refused (running it again would be refused the same way).

Kept apart from the store's other modules so that a command can catch it without
loading the models or the migrations.
"""

from __future__ import annotations

from tortoise.exceptions import DBConnectionError, IntegrityError

# The database cannot be reached (a wrong URL, no such database, the server down): raised
# when the store is opened; its cause says why, in the words a person needs.
StoreUnreachable = DBConnectionError

# A statement broke a unique, foreign-key or check constraint: the change is refused by
# the data itself, not by a passing failure, so it is not tried again.
ConstraintViolated = IntegrityError

__all__ = ["ConstraintViolated", "StoreUnreachable"]
