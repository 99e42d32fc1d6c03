"""Whether an earlier attempt of a write reached the system of record before its holder failed or died.

A lifecycle action whose idempotency key is taken over (its first holder failed without
giving the key back, or its process died) may have been sent already: the owner is asked
before each part is sent again, the way the outbox looks up a delivery in doubt, so the
part is neither applied twice nor reported as new:
- a status: it is there when the owner shows, in its own words, the status the action
  leads to (sending it again sets it once anyway, so an owner that cannot be read, or
  whose words do not tell the two statuses apart, is simply sent it);
- a follow-up or a reporter's reply: an owner that recognises a repeat is sent it again;
  one whose follow-ups can be read is looked at for the same text; one that can do
  neither cannot tell (`CannotTell`): the write waits in the outbox, in doubt, where the
  operator's tool shows it.
"""

from __future__ import annotations

from connectors.protocol import Capability, Connector, read_back
from gateway.domain.lifecycle import Planned
from schema.errors import PenghubungError


class CannotTell(PenghubungError):
    """The owner can neither recognise a repeat of this write nor show whether it has it."""

    code = "IN_DOUBT"


async def landed(connector: Connector, source_id: str, kind: str, planned: Planned) -> bool:
    """Whether the owner has part `kind` ("status" or "follow_up") of the action already.

    Raises CannotTell, and what the connector raises when the owner cannot be read."""
    if kind == "status":
        shown = connector.status_as_read(planned.status) or planned.status
        if shown == (connector.status_as_read(planned.status_before) or planned.status_before):
            return False  # the owner shows no difference to look for: sent again, it sets it once
        if not connector.capabilities & {Capability.READ_ONE, Capability.LIST_CHANGES}:
            return False
        there = await read_back(connector, source_id)
        return there is not None and there.status == shown
    if Capability.ADD_FOLLOW_UP in connector.repeat_safe:
        return False  # sent again: the owner knows it by its reference
    if not connector.reads_follow_ups:
        raise CannotTell(
            "an earlier attempt of this request may have added it, and its system can neither recognise "
            "a repeat nor list follow-ups; it waits in the outbox, in doubt, for a person to check there"
        )
    there = await read_back(connector, source_id)
    text = str(planned.clean.get("content") or "").strip()
    return there is not None and any(f.text.strip() == text for f in there.follow_ups)
