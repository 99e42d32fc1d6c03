"""Rate-limit settings: how many requests each role may make, and how sockets are bounded.

A rate is written in the `limits` package's notation, e.g. "40 per 2 seconds": a burst of 40,
20 a second on average (the window slides, so the average holds over any 2 s). Several rates
for one role are separated by ";" and all apply. Read from the environment by
`gateway.settings.from_env` (the variables are listed in README "Limits").
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from limits import parse_many
from starlette.config import Config

from auth.roles import Role
from schema.errors import ConfigurationError

# Per network for anonymous callers, per (issuer, subject) for everyone else.
DEFAULT_RATES: Mapping[Role, str] = MappingProxyType(
    {
        Role.PUBLIC: "40 per 2 seconds",  # 20/s per client network, a burst of 40
        Role.CITIZEN: "20 per 2 seconds",  # a citizen app needs a few calls per screen
        Role.AGENCY_OFFICER: "100 per 2 seconds",
        Role.AGENCY_ADMIN: "100 per 2 seconds",
        Role.REGIONAL_COORDINATOR: "100 per 2 seconds",
        Role.AUDITOR: "100 per 2 seconds",
        Role.NATIONAL_ADMIN: "200 per 2 seconds",
        Role.CONNECTOR_SERVICE: "2000 per 2 seconds",  # the national system's sync token
    }
)


class RateSettingsError(ConfigurationError, ValueError):
    """A rate-limit setting has a value the gateway cannot use."""

    code = "BAD_RATE_SETTING"


def check_rate(name: str, value: str) -> str:
    """`value` if it parses as one or more rates; else RateSettingsError naming `name`."""
    try:
        parsed = parse_many(value)
    except ValueError:
        parsed = []
    if not parsed or any(item.amount < 1 for item in parsed):
        raise RateSettingsError(
            f"{name} is {value!r}; expected a rate such as '40 per 2 seconds' (several separated by ';')"
        )
    return value


@dataclass(frozen=True, slots=True)
class RateLimitSettings:
    """The limits applied before any GraphQL work."""

    enabled: bool = True
    rates: Mapping[Role, str] = field(default_factory=lambda: DEFAULT_RATES)
    # Citizen identities are cheap to make (an app's self-registration), so one network's
    # citizens together are also bounded: generous, since many phones share a carrier's NAT.
    citizen_network_rate: str = "400 per 2 seconds"
    ipv4_prefix: int = 24  # anonymous IPv4 callers share a limit per /24 (32: per address)
    ipv6_prefix: int = 64
    # Open sockets per (issuer, subject), all processes, and subscriptions on each: a
    # dashboard needs one or two streams; every stream costs a share of each change's fan-out.
    ws_connections_per_subject: int = 4
    subscriptions_per_connection: int = 3
    bad_token_audit_seconds: int = 60  # at most one audit row per client network this often
    # Seconds a refusal is held before its 429 (at most its Retry-After): see gateway.edge.limits.tarpit.
    delay: float = 1.0
    most_delayed: int = 1000  # refusals held at once per process; more are answered at once
    # Prefix of every key in Redis (gateways sharing a Redis must share it to count together).
    key_prefix: str = "penghubung"

    def __post_init__(self) -> None:
        for role, rate in self.rates.items():
            check_rate(f"rate of {role.value}", rate)
        check_rate("citizen_network_rate", self.citizen_network_rate)
        missing = set(Role) - set(self.rates)
        if missing:
            raise RateSettingsError(f"no rate for roles {', '.join(sorted(r.value for r in missing))}")
        if not 8 <= self.ipv4_prefix <= 32:
            raise RateSettingsError(f"ipv4_prefix is {self.ipv4_prefix}, expected 8..32 (24 or 32 usually)")
        if not 32 <= self.ipv6_prefix <= 128:
            raise RateSettingsError(f"ipv6_prefix is {self.ipv6_prefix}, expected 32..128 (64 usually)")
        for name in ("ws_connections_per_subject", "subscriptions_per_connection", "bad_token_audit_seconds"):
            if getattr(self, name) < 1:
                raise RateSettingsError(f"{name} is {getattr(self, name)}, expected at least 1")
        if not 0 <= self.delay <= 60:
            raise RateSettingsError(f"delay is {self.delay} s, expected 0 (answer at once) to 60 s")
        if self.most_delayed < 0:
            raise RateSettingsError(f"most_delayed is {self.most_delayed}, expected 0 or more")


def env_name(role: Role) -> str:
    """The variable that sets a role's rate, e.g. PENGHUBUNG_RATE_LIMIT_AGENCY_OFFICER."""
    return f"PENGHUBUNG_RATE_LIMIT_{role.value.upper()}"


def _seconds(config: Config, name: str, default: float) -> float:
    raw = config(name, default=None)
    if raw is None:
        return default
    try:
        value = float(raw)
    except ValueError:
        value = -1.0
    if not 0 <= value <= 60:
        raise RateSettingsError(f"{name} is {raw!r}; expected seconds from 0 (answer at once) to 60, e.g. 1 or 0.5")
    return value


def rate_settings_from(config: Config) -> RateLimitSettings:
    """Build the settings from the environment (through the gateway's `Config`)."""
    rates = {
        role: check_rate(env_name(role), config(env_name(role), default=default))
        for role, default in DEFAULT_RATES.items()
    }
    defaults = RateLimitSettings()

    def number(name: str, default: int) -> int:
        return config(name, cast=int, default=default)

    return RateLimitSettings(
        enabled=config("PENGHUBUNG_RATE_LIMITS", cast=bool, default=True),
        rates=MappingProxyType(rates),
        citizen_network_rate=check_rate(
            "PENGHUBUNG_RATE_LIMIT_CITIZEN_NETWORK",
            config("PENGHUBUNG_RATE_LIMIT_CITIZEN_NETWORK", default=defaults.citizen_network_rate),
        ),
        ipv4_prefix=number("PENGHUBUNG_RATE_LIMIT_IPV4_PREFIX", defaults.ipv4_prefix),
        ipv6_prefix=number("PENGHUBUNG_RATE_LIMIT_IPV6_PREFIX", defaults.ipv6_prefix),
        ws_connections_per_subject=number("PENGHUBUNG_WS_CONNECTIONS_PER_SUBJECT", defaults.ws_connections_per_subject),
        subscriptions_per_connection=number(
            "PENGHUBUNG_SUBSCRIPTIONS_PER_CONNECTION", defaults.subscriptions_per_connection
        ),
        bad_token_audit_seconds=number("PENGHUBUNG_BAD_TOKEN_AUDIT_SECONDS", defaults.bad_token_audit_seconds),
        delay=_seconds(config, "PENGHUBUNG_RATE_LIMIT_DELAY", defaults.delay),
        most_delayed=number("PENGHUBUNG_RATE_LIMIT_MOST_DELAYED", defaults.most_delayed),
    )
