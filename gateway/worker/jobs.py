"""The auto-close job: complaints whose reporter's reply window has passed are closed.

LAPOR! says the reporter "may respond within 10 days"; whether it then closes by itself is
not confirmed, so the rule is configurable (PENGHUBUNG_AUTO_CLOSE). Each close goes through
the same lifecycle path as a person's, audited as the worker.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime

from auth.policy import access_for
from auth.principal import Principal
from auth.roles import Role
from gateway.domain.lifecycle import Lifecycle
from gateway.store.complaint_reads import reply_window_ended
from schema.lifecycle import Action, ActionRequest, IllegalTransition

# The worker acts as the national system would: on every complaint, and audited by name.
WORKER = Principal(subject="penghubung-worker", roles=frozenset({Role.NATIONAL_ADMIN}))
AUTO_CLOSE_NOTE = "closed automatically: the reporter's reply window has passed"
BATCH = 200


async def auto_close(
    lifecycle: Lifecycle, *, now: datetime, closed_one: Callable[[str], Awaitable[None]] | None = None
) -> int:
    """Close every complaint waiting for a reply whose window ended before `now`
    (`closed_one(id)` is told of each, after it committed)."""
    access = access_for(WORKER)
    closed = 0
    while True:
        due = await reply_window_ended(now=now, limit=BATCH)
        if not due:
            return closed
        for complaint_id in due:
            try:
                await lifecycle.apply(
                    str(complaint_id),
                    ActionRequest(Action.CLOSE, note=AUTO_CLOSE_NOTE),
                    principal=WORKER,
                    access=access,
                    now=now,
                    request_id="worker",
                )
                closed += 1
                if closed_one is not None:
                    await closed_one(str(complaint_id))
            except IllegalTransition:
                # Someone replied or closed it meanwhile: nothing to do.
                continue
