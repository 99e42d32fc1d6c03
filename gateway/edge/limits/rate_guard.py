"""Which limit a caller is under: per (issuer, subject) for a token, per network without one.

A caller holding several roles gets the most generous of their rates. Sockets are bounded per
(issuer, subject) by connection leases. See README "Limits".
"""

from __future__ import annotations

from dataclasses import dataclass

from limits import RateLimitItem
from starlette.types import Scope

from auth.principal import Principal
from auth.roles import Role
from gateway.edge.limits.connection_leases import ConnectionLeases
from gateway.edge.limits.rate_limiter import RateLimiter, Verdict, hashed, parse_rates
from gateway.edge.limits.tarpit import Tarpit
from gateway.edge.middleware.client_network import client_network
from gateway.rate_settings import RateLimitSettings


@dataclass(frozen=True, slots=True)
class Caller:
    """The key a request is counted under, and the rates that apply."""

    key: str
    rates: tuple[RateLimitItem, ...]


def _expiry(principal: Principal) -> float | None:
    return principal.expires_at.timestamp() if principal.expires_at else None


def _per_second(rates: tuple[RateLimitItem, ...]) -> float:
    return min(r.amount / r.get_expiry() for r in rates)


class RateGuard:
    """The gateway's rate limits and socket bounds, over one store."""

    def __init__(self, settings: RateLimitSettings, redis_url: str | None = None) -> None:
        self.settings = settings
        self.limiter = RateLimiter(redis_url, prefix=f"{settings.key_prefix}:rate")
        self.leases = ConnectionLeases(redis_url, prefix=f"{settings.key_prefix}:ws")
        self._rates = {role: parse_rates(text) for role, text in settings.rates.items()}
        self._citizen_network = parse_rates(settings.citizen_network_rate)
        self.tarpit = Tarpit(settings.delay, settings.most_delayed)

    def network(self, scope: Scope) -> str:
        """The caller's client network, as configured (/24 or /32, /64)."""
        return client_network(scope, ipv4_prefix=self.settings.ipv4_prefix, ipv6_prefix=self.settings.ipv6_prefix)

    def caller(self, principal: Principal, scope: Scope) -> Caller:
        """Who a request is counted as."""
        if principal.is_public:
            return Caller(f"net:{hashed(self.network(scope))}", self._rates[Role.PUBLIC])
        rates = max((self._rates[r] for r in principal.roles), key=_per_second, default=self._rates[Role.PUBLIC])
        return Caller(f"sub:{hashed(principal.issuer, principal.subject)}", rates)

    async def check(self, principal: Principal, scope: Scope) -> Verdict:
        """Count one request; refused once the caller's rate is spent."""
        if not self.settings.enabled:
            return Verdict(True)
        caller = self.caller(principal, scope)
        verdict = await self.limiter.hit(caller.key, caller.rates)
        if not verdict.allowed or not self._citizen_only(principal):
            return verdict
        # Many self-registered subjects from one network share the network's citizen limit.
        return await self.limiter.hit(f"citizens:{hashed(self.network(scope))}", self._citizen_network)

    @staticmethod
    def _citizen_only(principal: Principal) -> bool:
        return set(principal.roles) == {Role.CITIZEN}

    async def charge_network(self, scope: Scope) -> Verdict:
        """Count a request against the client network's anonymous limit (a bad token)."""
        if not self.settings.enabled:
            return Verdict(True)
        return await self.limiter.hit(f"net:{hashed(self.network(scope))}", self._rates[Role.PUBLIC])

    async def slow_down(self, verdict: Verdict) -> None:
        """Hold a refusal in the tarpit before its 429 is sent (gateway.edge.limits.tarpit)."""
        await self.tarpit.hold(verdict.retry_after)

    async def open_socket(self, principal: Principal) -> str | None:
        """A lease for one more WebSocket of this caller, or None when they hold the most."""
        if not self.settings.enabled:
            return ""
        return await self.leases.take(
            hashed(principal.issuer, principal.subject),
            most=self.settings.ws_connections_per_subject,
            until=_expiry(principal),
        )

    async def keep_socket(self, principal: Principal, lease: str) -> bool:
        """Renew an open socket's lease (gateway.edge.limits.connection_leases); False if it had lapsed."""
        if not lease:
            return True
        return await self.leases.renew(hashed(principal.issuer, principal.subject), lease, until=_expiry(principal))

    @property
    def socket_renewal_seconds(self) -> float:
        """How often an open socket's lease is renewed: three times within its time."""
        return self.leases.lease_seconds / 3

    async def close_socket(self, principal: Principal, lease: str) -> None:
        """Give back a socket's lease."""
        if lease:
            await self.leases.give_back(hashed(principal.issuer, principal.subject), lease)

    async def close(self) -> None:
        """Release the store's connections."""
        await self.limiter.close()
        await self.leases.close()
