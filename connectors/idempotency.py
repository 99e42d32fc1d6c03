"""How a source recognises a repeated write, by a write section's `idempotency = { style = "..." }`.

Each style is a small class in `IDEMPOTENCY`, looked up by that name: whether the source
recognises a repeat at all (the deliverer looks a write up before sending it again where it
does not), the key header a request carries, and whether a refusal naming the existing
record (a 409 on a unique field) means the write is there already.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import ClassVar, final

from typing_extensions import override

__all__ = ["IDEMPOTENCY", "IdempotencyStyle"]


class IdempotencyStyle:
    """No way to recognise a repeat (`style = "none"`): sent again, it may be applied twice."""

    style: ClassVar[str] = "none"
    recognises_repeats: ClassVar[bool] = False
    # A refusal with the section's conflict status names the record already there: a repeat
    # answered so may be sent again by the client on its own.
    answers_conflict: ClassVar[bool] = False

    def key(self, action: str, external_ref: str) -> str | None:
        """The idempotency key header's value for one write, if the style sends one."""
        return None


@final
class KeyHeader(IdempotencyStyle):
    """An idempotency key header (`Idempotency-Key: create:<ref>`): the source replays."""

    style = "header"
    recognises_repeats = True

    @override
    def key(self, action: str, external_ref: str) -> str | None:
        return f"{action}:{external_ref}"


@final
class Conflict(IdempotencyStyle):
    """A unique field: a repeat is refused with the conflict status naming the record."""

    style = "conflict"
    recognises_repeats = True
    answers_conflict = True


IDEMPOTENCY: Mapping[str, IdempotencyStyle] = {s.style: s for s in (IdempotencyStyle(), KeyHeader(), Conflict())}
