"""Gateway settings: the one place that reads the environment.

Everything else receives a `GatewaySettings` value; tests build one directly and derive
variants with `dataclasses.replace`.

Environment variables:
    DATABASE_URL          sqlite:///path/file.sqlite3 or postgres://user@host:port/db
                          (default: penghubung.sqlite3 in the current directory)
    PENGHUBUNG_MODE       "production" (default) or "demo": demo turns on GraphiQL,
                          introspection and field suggestions
    PENGHUBUNG_AUTH_CONFIG
                          a TOML file of trusted token issuers (see auth.issuers)
    PENGHUBUNG_DEV_KEYS   directory of the development signing key pair
                          (default ./penghubung-dev-keys); trusted in demo mode, or
                          anywhere when PENGHUBUNG_TRUST_DEV_TOKENS=1
    PENGHUBUNG_CUTI_BERSAMA_OFF
                          1 (default): cuti bersama are days off for deadlines; 0: working days
    PENGHUBUNG_REPLY_WINDOW_DAYS, PENGHUBUNG_REPLY_WINDOW_WORKING_DAYS
                          the reporter's reply window (default 10 calendar days)
    PENGHUBUNG_AUTO_CLOSE 1 (default): the worker closes complaints whose reply window passed
    PENGHUBUNG_SOURCES    the sources file (which kab/kota are connected, and how); the demo
                          uses the bundled Sumatera Selatan configuration
    PENGHUBUNG_SANDBOX    1: start a simulator for every `url = "sandbox"` source in this
                          process (default 1 in demo mode, else 0)
    PENGHUBUNG_SYNC_IN_PROCESS
                          1: the gateway also runs the sync engine (the one-process setup;
                          default 1 in demo mode); else `penghubung worker` does
    PENGHUBUNG_SYNC_PULL_SECONDS, PENGHUBUNG_SYNC_MAX_ATTEMPTS, PENGHUBUNG_SYNC_BACKOFF_MAX,
    PENGHUBUNG_UPSTREAM_TIMEOUT, PENGHUBUNG_CIRCUIT_OPEN_SECONDS, PENGHUBUNG_SYNC_LEASE_SECONDS
                          sync pacing (see `SyncSettings`: 5 s, 12, 300 s, 10 s, 30 s, 30 s)
    PENGHUBUNG_UPSTREAM_MAX_CONNECTIONS, PENGHUBUNG_UPSTREAM_MAX_QUEUED,
    PENGHUBUNG_UPSTREAM_QUEUE_SECONDS, PENGHUBUNG_SYNC_DELIVERIES_PER_DESTINATION
                          each source's bulkhead: calls in flight to it (4), calls waiting
                          for one (8; more fail at once with SOURCE_BUSY), how long one
                          waits (2 s), and outbox deliveries in flight to it (2)
    PENGHUBUNG_UPSTREAM_NATIONAL_MAX_CONNECTIONS, PENGHUBUNG_SYNC_DELIVERIES_TO_NATIONAL
                          the same for the national system (LAPOR!), which takes every
                          kab/kota's writes: 16 calls in flight (32 waiting), 8 deliveries
    PENGHUBUNG_LIVE_READ_DEADLINE, PENGHUBUNG_FANOUT_DEADLINE, PENGHUBUNG_FANOUT_MAX_PAGES,
    PENGHUBUNG_WRITE_DEADLINE
                          live reads and writes through the system of record (see
                          `FederationSettings`: 2 s, 3 s, 3 pages, 5 s)
    PENGHUBUNG_REDIS_URL  redis://host:6379/0: complaint updates reach subscribers on every
                          gateway process (unset: this process only)
    PENGHUBUNG_ROUTER_SECRET
                          the shared secret a federation router sends in X-Penghubung-Router
                          to use `_service` and `_entities` (unset: refused)
    PENGHUBUNG_METRICS_TOKEN
                          a bearer token every /metrics scrape must bring (unset: open, for a
                          closed monitoring network)
    PENGHUBUNG_WORKER_METRICS
                          host:port where `penghubung worker` serves its own /metrics (its
                          upstream calls, circuits and deliveries); unset: not served
    PENGHUBUNG_MAX_DEPTH, PENGHUBUNG_MAX_ALIASES, PENGHUBUNG_MAX_TOKENS,
    PENGHUBUNG_MAX_PAGE_SIZE, PENGHUBUNG_MAX_BODY_BYTES, PENGHUBUNG_OPERATION_TIMEOUT,
    PENGHUBUNG_BODY_TIMEOUT, PENGHUBUNG_MAX_COST, PENGHUBUNG_MAX_SOURCE_CALLS
                          GraphQL request limits (see `GraphQLLimits`; cost rules in
                          gateway.edge.graphql_endpoint.query_cost)
    PENGHUBUNG_FORWARDED_ALLOW_IPS
                          comma-separated addresses or networks of the reverse proxies whose
                          X-Forwarded-For names the client (default 127.0.0.1); the rate
                          limits' client networks come from it
    PENGHUBUNG_CORS_ORIGINS
                          comma-separated origins (https://app.example.go.id) whose browser
                          pages may call the API; empty or unset: no cross-origin calls
    PENGHUBUNG_ADMISSION_CONCURRENCY, PENGHUBUNG_ADMISSION_QUEUE, PENGHUBUNG_ADMISSION_MAX_WAIT
                          admission control (see `AdmissionSettings` and gateway.edge.middleware.admission:
                          16 operations at once per process, 64 waiting, 1 s the longest
                          wait; past that `503 OVERLOADED`); concurrency 0 turns it off
    PENGHUBUNG_RATE_LIMITS, PENGHUBUNG_RATE_LIMIT_<ROLE>, PENGHUBUNG_RATE_LIMIT_IPV4_PREFIX,
    PENGHUBUNG_RATE_LIMIT_IPV6_PREFIX, PENGHUBUNG_WS_CONNECTIONS_PER_SUBJECT,
    PENGHUBUNG_SUBSCRIPTIONS_PER_CONNECTION, PENGHUBUNG_BAD_TOKEN_AUDIT_SECONDS
                          rate limits per role, network and socket (see
                          `gateway.rate_settings` and README "Limits")
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from starlette.config import Config

from gateway.rate_settings import RateLimitSettings, RateSettingsError, rate_settings_from
from schema.deadlines import DeadlinePolicy
from schema.errors import ConfigurationError
from schema.working_days import WorkingCalendar

DEFAULT_SQLITE_FILE = "penghubung.sqlite3"
DEFAULT_DEV_KEYS_DIR = "penghubung-dev-keys"
DEMO_SQLITE_FILE = "penghubung-demo.sqlite3"
MODES = ("production", "demo")


class SettingsError(ConfigurationError, ValueError):
    """A setting has a value the gateway cannot use."""

    code = "BAD_SETTING"


@dataclass(frozen=True, slots=True)
class SyncSettings:
    """How the sync engine paces itself, and how it calls sources."""

    pull_every: float = 5.0  # seconds between pulls of each source
    max_attempts: int = 12  # deliveries, before a dead letter
    backoff_max: float = 300.0  # seconds, the longest wait between delivery attempts
    upstream_timeout: float = 10.0  # seconds per call to a source
    circuit_open_seconds: float = 30.0  # how long a failing source is left alone
    lease_seconds: float = 30.0  # how long a worker holds a source or a delivery (renewed)
    # Each source's bulkhead, in every process (live reads, write-throughs, pulls, deliveries).
    upstream_connections: int = 4  # calls in flight to one source at once
    upstream_queued: int = 8  # calls waiting for one of those; more fail at once (SOURCE_BUSY)
    upstream_queue_seconds: float = 2.0  # how long a call waits for a connection
    deliveries_per_destination: int = 2  # outbox deliveries in flight to one kab/kota system
    # The national system (LAPOR!) takes every regency's writes, so it gets a wider
    # bulkhead and more deliveries in flight than one kab/kota: at 2 in flight a 30-minute
    # soak at 68 req/s left a backlog of 4,000 entries for it.
    national_connections: int = 16  # calls in flight to the national system at once
    deliveries_to_national: int = 8  # outbox deliveries in flight to the national system

    def __post_init__(self) -> None:
        for name in (
            "pull_every",
            "backoff_max",
            "upstream_timeout",
            "circuit_open_seconds",
            "lease_seconds",
            "upstream_queue_seconds",
        ):
            if getattr(self, name) <= 0:
                raise SettingsError(f"sync {name} is {getattr(self, name)}, expected a positive number")
        for name in (
            "max_attempts",
            "upstream_connections",
            "deliveries_per_destination",
            "national_connections",
            "deliveries_to_national",
        ):
            if getattr(self, name) < 1:
                raise SettingsError(f"sync {name} is {getattr(self, name)}, expected at least 1")
        if self.upstream_queued < 0:
            raise SettingsError(f"sync upstream_queued is {self.upstream_queued}, expected 0 or more")


@dataclass(frozen=True, slots=True)
class FederationSettings:
    """Deadlines of live reads and of writes through the system of record."""

    read_deadline: float = 2.0  # seconds for a live read of one complaint from its owner
    fanout_deadline: float = 3.0  # seconds for a live list from a partition's sources
    fanout_max_pages: int = 3  # pages a live list reads from each source
    write_deadline: float = 5.0  # seconds a mutation waits for its system of record

    def __post_init__(self) -> None:
        for name in ("read_deadline", "fanout_deadline", "write_deadline"):
            if getattr(self, name) <= 0:
                raise SettingsError(f"{name} is {getattr(self, name)}, expected a positive number of seconds")
        if self.fanout_max_pages < 1:
            raise SettingsError(f"fanout_max_pages is {self.fanout_max_pages}, expected at least 1")


@dataclass(frozen=True, slots=True)
class GraphQLLimits:
    """Bounds every GraphQL request must stay within; checked before execution."""

    max_depth: int = 12
    max_aliases: int = 30
    max_tokens: int = 3000
    max_page_size: int = 100
    max_body_bytes: int = 64 * 1024
    operation_timeout: float = 10.0
    # Seconds a client has to send its whole request body (slow-trickling bodies hold a
    # connection and a task; a legitimate 64 KB body arrives in well under a second).
    body_timeout: float = 10.0
    # The cost budget of one operation (gateway.edge.graphql_endpoint.query_cost): a field costs 1, a list
    # multiplies its selection by its page size, a call to a source costs SOURCE_CALL_COST.
    max_cost: int = 5_000
    # Calls to regency systems one request may start (live lists and live reads).
    max_source_calls: int = 100

    def __post_init__(self) -> None:
        for name in (
            "max_depth",
            "max_aliases",
            "max_tokens",
            "max_page_size",
            "max_body_bytes",
            "max_cost",
            "max_source_calls",
        ):
            if getattr(self, name) < 1:
                raise SettingsError(f"{name} is {getattr(self, name)}, expected at least 1")
        for name in ("operation_timeout", "body_timeout"):
            if getattr(self, name) <= 0:
                raise SettingsError(f"{name} is {getattr(self, name)}, expected a positive number of seconds")


@dataclass(frozen=True, slots=True)
class AdmissionSettings:
    """How much work one gateway process takes on at once (gateway.edge.middleware.admission)."""

    # Requests executing at once in this process; 0 turns admission control off. The event
    # loop is one core: past a dozen or so, more at once only makes each one slower.
    concurrency: int = 16
    # Requests waiting for a slot; one more is answered 503 OVERLOADED at once.
    queue: int = 64
    # Seconds a request may wait for a slot; one that would wait longer (by the measured
    # pace), or has, is answered 503 OVERLOADED instead of running late.
    max_wait: float = 1.0

    def __post_init__(self) -> None:
        if self.concurrency < 0:
            raise SettingsError(f"admission concurrency is {self.concurrency}, expected 0 (off) or more")
        if self.queue < 0:
            raise SettingsError(f"admission queue is {self.queue}, expected 0 or more")
        if self.max_wait <= 0:
            raise SettingsError(f"admission max_wait is {self.max_wait}, expected a positive number of seconds")

    @property
    def enabled(self) -> bool:
        """Whether requests are admitted through the gate at all."""
        return self.concurrency > 0


def sqlite_url(path: str | Path) -> str:
    """The database URL of an SQLite file, made absolute so a chdir cannot move it."""
    return f"sqlite://{Path(path).resolve()}"


def normalise_database_url(url: str) -> str:
    """Accept the spellings people use and check the scheme.

    `postgresql://` is the libpq spelling; Tortoise wants `postgres://`.
    """
    scheme = urlsplit(url).scheme
    if scheme == "postgresql":
        return "postgres" + url[len("postgresql") :]
    if scheme not in ("sqlite", "postgres"):
        raise SettingsError(f"DATABASE_URL has scheme '{scheme}', expected sqlite:///path or postgres://...")
    return url


def redacted(url: str) -> str:
    """A database URL safe to print: the password is replaced."""
    parts = urlsplit(url)
    if parts.password:
        netloc = parts.netloc.replace(f":{parts.password}@", ":***@")
        return parts._replace(netloc=netloc).geturl()
    return url


@dataclass(frozen=True, slots=True)
class GatewaySettings:
    """Everything the gateway needs to run."""

    database_url: str
    demo: bool = False
    limits: GraphQLLimits = field(default_factory=GraphQLLimits)
    rate_limits: RateLimitSettings = field(default_factory=RateLimitSettings)
    admission: AdmissionSettings = field(default_factory=AdmissionSettings)
    # Apply pending migrations at start-up (the demo does; production runs `penghubung migrate`).
    migrate_on_start: bool = False
    deadlines: DeadlinePolicy = field(default_factory=DeadlinePolicy)
    auto_close: bool = True
    auth_config: Path | None = None
    dev_keys_dir: Path = Path(DEFAULT_DEV_KEYS_DIR)
    trust_dev_tokens: bool = False
    sources_file: Path | None = None
    sandbox: bool = False
    sync_in_process: bool = False  # run the sync engine inside the gateway (one process)
    sync: SyncSettings = field(default_factory=SyncSettings)
    federation: FederationSettings = field(default_factory=FederationSettings)
    # The shared secret an Apollo Router / Hive Gateway sends (X-Penghubung-Router) to use
    # the subgraph entry points `_service` and `_entities`; unset: nobody may.
    router_secret: str | None = field(default=None, repr=False)
    # Redis for what several processes share live (complaint updates for subscriptions);
    # unset: one process, updates in memory.
    redis_url: str | None = field(default=None, repr=False)
    # A bearer token every /metrics scrape must bring (gateway and worker); unset: open.
    metrics_token: str | None = field(default=None, repr=False)
    # Where `penghubung worker` serves its own /metrics (host, port); unset: it does not.
    worker_metrics: tuple[str, int] | None = None
    # Origins whose browser pages may call the API (CORS); empty: none may.
    cors_origins: tuple[str, ...] = ()
    # Addresses of the reverse proxies whose X-Forwarded-For names the client (uvicorn's
    # forwarded_allow_ips); only loopback by default.
    forwarded_allow_ips: str = "127.0.0.1"

    @property
    def database_kind(self) -> str:
        """'sqlite' or 'postgres'."""
        return urlsplit(self.database_url).scheme


def from_env(environ: Mapping[str, str] | None = None, *, demo: bool | None = None) -> GatewaySettings:
    """Build settings from environment variables (see the module docstring).

    Args:
        environ: the variables to read; the process environment by default.
        demo: force demo mode on or off, whatever PENGHUBUNG_MODE says.
    """
    config = Config(environ=dict(os.environ if environ is None else environ))
    mode = config("PENGHUBUNG_MODE", default="production")
    if mode not in MODES:
        raise SettingsError(f"PENGHUBUNG_MODE is '{mode}', expected one of {', '.join(MODES)}")
    is_demo = (mode == "demo") if demo is None else demo
    default_db = sqlite_url(DEMO_SQLITE_FILE if is_demo else DEFAULT_SQLITE_FILE)
    url = normalise_database_url(config("DATABASE_URL", default=default_db))
    defaults = GraphQLLimits()
    limits = GraphQLLimits(
        max_depth=config("PENGHUBUNG_MAX_DEPTH", cast=int, default=defaults.max_depth),
        max_aliases=config("PENGHUBUNG_MAX_ALIASES", cast=int, default=defaults.max_aliases),
        max_tokens=config("PENGHUBUNG_MAX_TOKENS", cast=int, default=defaults.max_tokens),
        max_page_size=config("PENGHUBUNG_MAX_PAGE_SIZE", cast=int, default=defaults.max_page_size),
        max_body_bytes=config("PENGHUBUNG_MAX_BODY_BYTES", cast=int, default=defaults.max_body_bytes),
        operation_timeout=config("PENGHUBUNG_OPERATION_TIMEOUT", cast=float, default=defaults.operation_timeout),
        body_timeout=config("PENGHUBUNG_BODY_TIMEOUT", cast=float, default=defaults.body_timeout),
        max_cost=config("PENGHUBUNG_MAX_COST", cast=int, default=defaults.max_cost),
        max_source_calls=config("PENGHUBUNG_MAX_SOURCE_CALLS", cast=int, default=defaults.max_source_calls),
    )
    try:
        rate_limits = rate_settings_from(config)
    except RateSettingsError as exc:
        raise SettingsError(str(exc)) from None
    auth_config = config("PENGHUBUNG_AUTH_CONFIG", default=None)
    sources = config("PENGHUBUNG_SOURCES", default=None)
    if sources is None and is_demo:
        from connectors.config import DEMO_CONFIG

        sources = str(DEMO_CONFIG)
    reply_days = config("PENGHUBUNG_REPLY_WINDOW_DAYS", cast=int, default=10)
    if reply_days < 1:
        raise SettingsError(f"PENGHUBUNG_REPLY_WINDOW_DAYS is {reply_days}, expected at least 1")
    policy = DeadlinePolicy(
        calendar=WorkingCalendar(cuti_bersama_off=config("PENGHUBUNG_CUTI_BERSAMA_OFF", cast=bool, default=True)),
        reply_window_days=reply_days,
        reply_window_working_days=config("PENGHUBUNG_REPLY_WINDOW_WORKING_DAYS", cast=bool, default=False),
    )
    return GatewaySettings(
        deadlines=policy,
        auto_close=config("PENGHUBUNG_AUTO_CLOSE", cast=bool, default=True),
        database_url=url,
        demo=is_demo,
        limits=limits,
        rate_limits=rate_limits,
        admission=_admission(config),
        auth_config=Path(auth_config).resolve() if auth_config else None,
        dev_keys_dir=Path(config("PENGHUBUNG_DEV_KEYS", default=DEFAULT_DEV_KEYS_DIR)).resolve(),
        trust_dev_tokens=is_demo or config("PENGHUBUNG_TRUST_DEV_TOKENS", cast=bool, default=False),
        sources_file=Path(sources).resolve() if sources else None,
        sandbox=config("PENGHUBUNG_SANDBOX", cast=bool, default=is_demo),
        sync_in_process=config("PENGHUBUNG_SYNC_IN_PROCESS", cast=bool, default=is_demo),
        sync=SyncSettings(
            pull_every=config("PENGHUBUNG_SYNC_PULL_SECONDS", cast=float, default=5.0),
            max_attempts=config("PENGHUBUNG_SYNC_MAX_ATTEMPTS", cast=int, default=12),
            backoff_max=config("PENGHUBUNG_SYNC_BACKOFF_MAX", cast=float, default=300.0),
            upstream_timeout=config("PENGHUBUNG_UPSTREAM_TIMEOUT", cast=float, default=10.0),
            circuit_open_seconds=config("PENGHUBUNG_CIRCUIT_OPEN_SECONDS", cast=float, default=30.0),
            lease_seconds=config("PENGHUBUNG_SYNC_LEASE_SECONDS", cast=float, default=30.0),
            upstream_connections=config("PENGHUBUNG_UPSTREAM_MAX_CONNECTIONS", cast=int, default=4),
            upstream_queued=config("PENGHUBUNG_UPSTREAM_MAX_QUEUED", cast=int, default=8),
            upstream_queue_seconds=config("PENGHUBUNG_UPSTREAM_QUEUE_SECONDS", cast=float, default=2.0),
            deliveries_per_destination=config("PENGHUBUNG_SYNC_DELIVERIES_PER_DESTINATION", cast=int, default=2),
            national_connections=config("PENGHUBUNG_UPSTREAM_NATIONAL_MAX_CONNECTIONS", cast=int, default=16),
            deliveries_to_national=config("PENGHUBUNG_SYNC_DELIVERIES_TO_NATIONAL", cast=int, default=8),
        ),
        router_secret=config("PENGHUBUNG_ROUTER_SECRET", default=None) or None,
        redis_url=config("PENGHUBUNG_REDIS_URL", default=None) or None,
        metrics_token=_metrics_token(config("PENGHUBUNG_METRICS_TOKEN", default=None)),
        worker_metrics=parse_address(config("PENGHUBUNG_WORKER_METRICS", default=None) or None),
        cors_origins=parse_cors_origins(config("PENGHUBUNG_CORS_ORIGINS", default="")),
        forwarded_allow_ips=config("PENGHUBUNG_FORWARDED_ALLOW_IPS", default="127.0.0.1").strip() or "127.0.0.1",
        federation=FederationSettings(
            read_deadline=config("PENGHUBUNG_LIVE_READ_DEADLINE", cast=float, default=2.0),
            fanout_deadline=config("PENGHUBUNG_FANOUT_DEADLINE", cast=float, default=3.0),
            fanout_max_pages=config("PENGHUBUNG_FANOUT_MAX_PAGES", cast=int, default=3),
            write_deadline=config("PENGHUBUNG_WRITE_DEADLINE", cast=float, default=5.0),
        ),
    )


def _admission(config: Config) -> AdmissionSettings:
    defaults = AdmissionSettings()
    return AdmissionSettings(
        concurrency=config("PENGHUBUNG_ADMISSION_CONCURRENCY", cast=int, default=defaults.concurrency),
        queue=config("PENGHUBUNG_ADMISSION_QUEUE", cast=int, default=defaults.queue),
        max_wait=config("PENGHUBUNG_ADMISSION_MAX_WAIT", cast=float, default=defaults.max_wait),
    )


def _metrics_token(value: str | None) -> str | None:
    """PENGHUBUNG_METRICS_TOKEN: unset, or a token; set but blank is a mistake (it would
    leave /metrics open without a word), refused."""
    if value is None:
        return None
    if not value.strip():
        raise SettingsError(
            "PENGHUBUNG_METRICS_TOKEN is set but blank; expected a token (16 characters or more), or unset it"
        )
    return value.strip()


def parse_cors_origins(value: str) -> tuple[str, ...]:
    """PENGHUBUNG_CORS_ORIGINS: comma-separated origins, each scheme://host[:port].

    A browser sends the origin exactly so (no path, no trailing slash), and a wildcard would
    let any site's page call the API with a token it holds: both are refused with the
    expected form rather than silently never matching.
    """
    origins: list[str] = []
    for raw in value.split(","):
        origin = raw.strip()
        if not origin:
            continue
        parts = urlsplit(origin)
        try:
            port_ok = parts.port is None or 0 < parts.port < 65536
        except ValueError:
            port_ok = False
        well_formed = (
            parts.scheme in ("http", "https")
            and bool(parts.hostname)
            and port_ok
            and not (parts.path or parts.query or parts.fragment or parts.username or parts.password)
        )
        if origin == "*" or not well_formed:
            raise SettingsError(
                f"PENGHUBUNG_CORS_ORIGINS holds {origin!r}; expected comma-separated origins like "
                "https://app.example.go.id or http://localhost:3000 (scheme, host and optional port; "
                "no path, no wildcard)"
            )
        origins.append(f"{parts.scheme}://{parts.netloc.lower()}")
    return tuple(dict.fromkeys(origins))


def parse_address(value: str | None) -> tuple[str, int] | None:
    """`host:port` (`:port` for loopback) as (host, port); raises SettingsError."""
    if value is None:
        return None
    host, sep, port = value.strip().rpartition(":")
    bracketed = host.startswith("[") and host.endswith("]")
    if not sep or not port.isdigit() or not 0 < int(port) < 65536 or (":" in host and not bracketed):
        raise SettingsError(
            f"PENGHUBUNG_WORKER_METRICS is {value!r}; expected host:port, e.g. 127.0.0.1:9108, [::1]:9108 "
            "(or :9108 for loopback)"
        )
    return (host[1:-1] if bracketed else host) or "127.0.0.1", int(port)


def secret_from_env(name: str, environ: Mapping[str, str] | None = None) -> str:
    """A source's secret from the environment variable a sources file or the CLI names.

    Raises LookupError naming the variable (never its value) when it is not set.
    """
    value = (os.environ if environ is None else environ).get(name)
    if not value:
        raise LookupError(f"environment variable {name} is not set")
    return value
