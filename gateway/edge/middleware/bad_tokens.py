"""Rejected tokens: counted in full, audited at a bounded rate, charged to the network.

Every rejection is counted in the metrics by code. The audit log keeps a trail without
letting a token flood fill it: at most one TOKEN_REJECTED row per client network per window
(a minute by default), naming the code and the network, and how many rejections from that
network went unrecorded in the window before. Each rejection also counts against the
network's anonymous rate, so a flood of bad tokens is soon answered 429.
"""

from __future__ import annotations

import logging
import time

from starlette.types import Scope

from auth.audit import AuditAction, AuditEvent
from auth.principal import Principal
from gateway.domain.audit import record_now
from gateway.edge.limits.rate_guard import RateGuard
from gateway.edge.limits.rate_limiter import Verdict, hashed
from gateway.telemetry import bad_token

log = logging.getLogger(__name__)
_LOCAL_MAX = 10_000  # networks remembered in process when the shared store is unreachable


class BadTokens:
    """Where the gateway reports a token it refused."""

    def __init__(self, guard: RateGuard) -> None:
        self.guard = guard
        self.window = guard.settings.bad_token_audit_seconds
        # When the shared store is down: the last window each network was audited in, so the
        # bound holds per process at least.
        self._local: dict[str, int] = {}

    async def rejected(self, code: str, scope: Scope, request_id: str) -> Verdict:
        """Count, maybe audit, and charge one rejection; the network's verdict."""
        bad_token(code)
        network = self.guard.network(scope)
        slot = int(time.time() // self.window)
        key = f"badtoken:{hashed(network)}"
        seen = await self.guard.limiter.count(f"{key}:{slot}", 2 * self.window + 1)
        if seen == 1 or (seen == 0 and self._first_locally(network, slot)):
            before = await self.guard.limiter.get(f"{key}:{slot - 1}")
            reason = f"{code} from {network}" + (f"; +{before - 1} before" if before > 1 else "")
            try:
                await record_now(
                    Principal.public(), AuditEvent(AuditAction.TOKEN_REJECTED, reason=reason[:80]), request_id
                )
            except Exception:  # the refusal stands even if the log cannot be written
                log.exception("could not record a rejected token")
        return await self.guard.charge_network(scope)

    def _first_locally(self, network: str, slot: int) -> bool:
        if self._local.get(network) == slot:
            return False
        if len(self._local) >= _LOCAL_MAX:
            self._local.clear()
        self._local[network] = slot
        return True
