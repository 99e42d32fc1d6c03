"""The composition root: what a gateway process, a worker or a sync command runs with.

Two halves, because the app needs one before its lifespan runs:

- `Domain` (`build_domain`): the domain services one process shares (repositories, the
  lifecycle, submission, write-through, the readers the GraphQL schema asks) and the live
  updates' broker. Building it does no I/O, so the app's GraphQL view holds one from the
  start and answers even where no lifespan runs (tests over ASGI).
- `Services` (`build_services`): the domain plus what has to be opened: the store, the
  upstream HTTP session, the sources' live connectors, the ingest for pushed records and
  the broker's connection; and the sync engine built from them.

`build_services` opens in one order for every caller: store, upstream session, sources,
broker; and closes in reverse. Who uses it: the app's lifespan (gateway.edge.app), `penghubung
worker` (gateway.worker) and the sync commands (gateway.cli.sync_actions).
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Callable
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass
from enum import Enum

import aiohttp

from connectors.protocol import Connector
from gateway.domain.lifecycle import Lifecycle
from gateway.domain.reference import empty_registry_warning, upgrade_database
from gateway.domain.sources import ConfiguredSources, running_sources, upstream_session
from gateway.domain.submission import Submission
from gateway.federation.write_through import WriteThrough
from gateway.settings import GatewaySettings, redacted
from gateway.store.coordination import StoreCounts
from gateway.store.database import close_store, open_store, pending_migrations
from gateway.store.repository import ComplaintRepository, ReferenceRepository
from gateway.store.statistics import StoreStatistics
from gateway.sync.engine import SyncEngine
from gateway.sync.ingest import Ingestor
from gateway.sync.status import TableSyncReader
from gateway.sync.topology import Topology
from gateway.updates.broker import LocalBroker, make_broker
from gateway.updates.notify import notifier
from schema.deadlines import DeadlinePolicy
from schema.errors import ConfigurationError

log = logging.getLogger(__name__)


class SchemaBehind(ConfigurationError, RuntimeError):
    """The database lacks migrations this version needs."""

    code = "SCHEMA_BEHIND"


class StoreUse(Enum):
    """How `build_services` treats the store."""

    # The gateway: migrate on start (PENGHUBUNG_MIGRATE) or refuse a database that is behind.
    CHECKED = "checked"
    # The worker: open the database as it is.
    OPENED = "opened"
    # The caller holds the store open itself (the sync commands, tests sharing one).
    CALLER = "caller"


@dataclass(frozen=True, slots=True)
class Domain:
    """The domain services one process shares; built without I/O."""

    topology: Topology | None
    deadlines: DeadlinePolicy
    broker: LocalBroker
    complaints: ComplaintRepository
    references: ReferenceRepository
    lifecycle: Lifecycle
    submission: Submission
    write_through: WriteThrough
    statistics: StoreStatistics
    coordination: StoreCounts
    sync_status: TableSyncReader | None  # only when syncing (a sources file)


def build_domain(settings: GatewaySettings, topology: Topology | None, *, broker: LocalBroker | None = None) -> Domain:
    """The domain services for `settings` and the sources' `topology` (None: no sources
    file). A broker made here follows PENGHUBUNG_REDIS_URL; nothing is started."""
    broker = broker or make_broker(settings.redis_url)
    references = ReferenceRepository()
    lifecycle = Lifecycle(settings.deadlines, topology=topology)
    submission = Submission(references=references, policy=settings.deadlines, topology=topology)
    return Domain(
        topology=topology,
        deadlines=settings.deadlines,
        broker=broker,
        complaints=ComplaintRepository(),
        references=references,
        lifecycle=lifecycle,
        submission=submission,
        write_through=WriteThrough(
            lifecycle, submission, topology, deadline=settings.federation.write_deadline, publish=broker.publish
        ),
        statistics=StoreStatistics(),
        coordination=StoreCounts(),
        sync_status=TableSyncReader(topology) if topology is not None else None,
    )


@dataclass(frozen=True, slots=True)
class Services:
    """The domain and what was opened for it; valid inside `build_services` only."""

    settings: GatewaySettings
    domain: Domain
    http: aiohttp.ClientSession
    sources: ConfiguredSources | None  # None without a sources file
    ingestor: Ingestor | None  # the push intake's; None without a topology
    announcing: bool  # the broker is started: changes reach subscribers

    @property
    def topology(self) -> Topology | None:
        """The sources' topology (None without a sources file)."""
        return self.domain.topology

    @property
    def connectors(self) -> dict[str, Connector]:
        """Live connectors by source name (empty without sources)."""
        return self.sources.connectors if self.sources is not None else {}

    def sync_engine(self, *, on_delivery: Callable[[str, str, str], None] | None = None) -> SyncEngine | None:
        """A sync engine over the sources (None without sources or topology); it announces
        what it changes when the broker runs."""
        if self.sources is None or self.domain.topology is None:
            return None
        return SyncEngine(
            self.sources.connectors,
            self.domain.topology,
            self.settings.deadlines,
            self.settings.sync,
            notify=notifier(self.domain.broker) if self.announcing else None,
            on_delivery=on_delivery,
        )


async def _check_schema(settings: GatewaySettings) -> None:
    if settings.migrate_on_start:
        await upgrade_database(settings.database_url)
    elif pending := await pending_migrations(settings.database_url):
        raise SchemaBehind(
            f"database {redacted(settings.database_url)} lacks migrations "
            f"{', '.join(pending)}; run `penghubung migrate` first"
        )


@asynccontextmanager
async def build_services(
    settings: GatewaySettings,
    *,
    domain: Domain,
    store: StoreUse,
    announce: bool,
) -> AsyncIterator[Services]:
    """Open the store (as `store` says), the upstream session and the configured sources,
    and start the broker when `announce`; close them in reverse order on exit.

    Raises:
        SchemaBehind: a CHECKED store lacks migrations and may not migrate.
        SettingsError: the sources file or a source's secret is wrong.
    """
    async with AsyncExitStack() as stack:
        if store is StoreUse.CHECKED:
            await _check_schema(settings)
        if store is not StoreUse.CALLER:
            await open_store(settings.database_url)
            stack.push_async_callback(close_store)
            if store is StoreUse.CHECKED:
                log.info("store open: %s", redacted(settings.database_url))
            if (empty := await empty_registry_warning()) is not None:
                log.warning(empty)
        http = await stack.enter_async_context(upstream_session())
        sources = await stack.enter_async_context(running_sources(settings, http))
        if announce:
            await domain.broker.start()
            stack.push_async_callback(domain.broker.stop)
        topology = domain.topology
        yield Services(
            settings=settings,
            domain=domain,
            http=http,
            sources=sources,
            ingestor=Ingestor(topology, settings.deadlines) if topology is not None else None,
            announcing=announce,
        )
